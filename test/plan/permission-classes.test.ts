import { describe, expect, it } from 'vitest';
import type { AuthorizationDetails, GroupPermissions, UserPermissions } from '../../src/model/permissions.js';
import { candidateClasses, chooseSimulationMethod, documentsToRead, proveClasses, type SimulationUnit } from '../../src/plan/permission-classes.js';

const ACCOUNT = '123456789012';
const CHANGE_PASSWORD = 'arn:aws:iam::aws:policy/IAMUserChangePassword';
const AWS_DOCUMENTS: Record<string, string> = {
  [CHANGE_PASSWORD]: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['iam:ChangePassword'], Resource: ['arn:aws:iam::*:user/${aws:username}'] },
      { Effect: 'Allow', Action: ['iam:GetAccountPasswordPolicy'], Resource: '*' },
    ],
  }),
};

function user(name: string, extra: Partial<UserPermissions> = {}): UserPermissions {
  const path = extra.path ?? '/staff/';
  return { name, arn: `arn:aws:iam::${ACCOUNT}:user${path}${name}`, path, attached: [], inline: [], groups: [], boundary: null, ...extra };
}

function details(users: UserPermissions[], groups: GroupPermissions[] = [], policies: Record<string, string> = {}): AuthorizationDetails {
  return { users: new Map(users.map((u) => [u.name, u])), groups: new Map(groups.map((g) => [g.name, g])), policies: new Map(Object.entries(policies)) };
}

/** The simulations for the users named, as `a,b,c` per unit (with `: reason` for a user alone for a reason). */
function units(d: AuthorizationDetails, names = [...d.users.keys()]): string[] {
  const { candidates, alone } = candidateClasses(names, d);
  const proven = proveClasses(candidates, (arn) => d.policies.get(arn) ?? AWS_DOCUMENTS[arn]);
  const all: SimulationUnit[] = [...proven, ...alone.map((a) => ({ members: [a.user], reason: a.reason }))];
  return all.map((u) => `${u.members.join(',')}${u.reason ? `: ${u.reason}` : ''}`);
}

/** An inline policy with one statement on iam:ChangePassword. */
const inline = (statement: Record<string, unknown>) => [{ name: 'p', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: '*', ...statement }] }) }];

/** Three users at /staff/ with the same inline policy. */
const trio = (statement: Record<string, unknown>) => details(['ann', 'ben', 'cat'].map((n) => user(n, { inline: inline(statement) })));

describe('users provably getting the same answer share one simulation', () => {
  it.each([
    ['no policy at all', details([user('ann'), user('ben'), user('cat')])],
    ['IAMUserChangePassword (a trailing /${aws:username})', details(['ann', 'ben', 'cat'].map((n) => user(n, { attached: [CHANGE_PASSWORD] })))],
    ['Allow * on *', trio({ Action: '*' })],
    ['a resource ending in /${aws:username} under any path pattern', trio({ Resource: 'arn:aws:iam::*:user/*/${aws:username}' })],
    ['a resource ending in /*', trio({ Resource: `arn:aws:iam::${ACCOUNT}:user/staff/*` })],
    ['a resource ending in :*', trio({ Resource: 'arn:aws:iam::*:*' })],
    ["a literal ARN of someone outside the class", trio({ Resource: `arn:aws:iam::${ACCOUNT}:user/staff/dan` })],
    ['a wildcard no member could match (its literal head)', trio({ Resource: 'arn:aws:s3:::bucket-*' })],
    ['a wildcard no member could match (its literal tail)', trio({ Resource: 'arn:aws:iam::*:role/*-admin' })],
    ['a Deny when MFA is absent (aws:MultiFactorAuthPresent is the same for all)', trio({ Effect: 'Deny', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })],
    ['a condition on the source IP', trio({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })],
    ['a principal-tag condition on a statement that cannot cover iam:ChangePassword', trio({ Action: 's3:GetObject', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } } })],
    ['a NotAction that excludes iam:ChangePassword, with a per-user resource', trio({ Action: undefined, NotAction: 'iam:*', Resource: 'arn:aws:s3:::home/${aws:userid}/*' })],
  ])('%s', (_name, d) => {
    expect(units(d)).toEqual(['ann,ben,cat']);
  });

  it("includes the groups' policies and the boundary in what must be proven", () => {
    const staff: GroupPermissions = { name: 'staff', attached: [CHANGE_PASSWORD], inline: inline({ Resource: 'arn:aws:iam::*:user/staff/${aws:username}' }) };
    const d = details(['ann', 'ben'].map((n) => user(n, { groups: ['staff'], boundary: `arn:aws:iam::${ACCOUNT}:policy/Bound` })), [staff], {
      [`arn:aws:iam::${ACCOUNT}:policy/Bound`]: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] }),
    });
    expect(units(d)).toEqual(['ann,ben']);
  });
});

describe('users not provably equivalent are simulated alone', () => {
  it.each([
    ['a condition on a principal tag', trio({ Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }), 'a condition on aws:PrincipalTag/team, which can differ by user'],
    ['a condition on the user name', trio({ Condition: { StringLike: { 'aws:username': 'a*' } } }), 'a condition on aws:username, which can differ by user'],
    ['a condition on the principal ARN', trio({ Condition: { ArnLike: { 'aws:PrincipalArn': '*' } } }), 'a condition on aws:PrincipalArn, which can differ by user'],
    ['a condition on the user id', trio({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:userid': 'AIDA0' } } }), 'a condition on aws:userid, which can differ by user'],
    ["a condition on the user's resource tags", trio({ Condition: { StringEquals: { 'iam:ResourceTag/team': 'x' } } }), 'a condition on iam:ResourceTag/team, which can differ by user'],
    ['a condition compared with a policy variable', trio({ Condition: { StringEquals: { 'aws:SourceVpc': '${aws:username}' } } }), 'a condition on aws:SourceVpc compares with a policy variable'],
    ['a policy variable other than the user name', trio({ Resource: 'arn:aws:iam::*:user/staff/${aws:userid}' }), 'uses a policy variable that can differ by user'],
    ['the user name not at the end', trio({ Resource: 'arn:aws:iam::*:user/staff/${aws:username}*' }), 'uses a policy variable that can differ by user'],
    ['a wildcard some names match', trio({ Resource: `arn:aws:iam::${ACCOUNT}:user/staff/a*` }), 'has a wildcard that could match some user names and not others'],
    ['a document that is not JSON', details(['ann', 'ben', 'cat'].map((n) => user(n, { inline: [{ name: 'p', document: '%7Bbroken' }] }))), 'an inline policy: not valid JSON'],
    ['a statement naming a principal', trio({ Principal: '*' }), 'a statement names a principal'],
  ])('%s', (_name, d, reason) => {
    const out = units(d);
    expect(out).toHaveLength(3);
    for (const [i, name] of ['ann', 'ben', 'cat'].entries()) {
      expect(out[i]).toMatch(new RegExp(`^${name}: `));
      expect(out[i]).toContain(reason);
    }
  });

  it('tells apart only the member a literal ARN names', () => {
    expect(units(trio({ Resource: `arn:aws:iam::${ACCOUNT}:user/staff/BEN` }))).toEqual(['ben: a policy names this user', 'ann,cat']);
  });

  it('keeps a managed policy whose document could not be read from proving anything', () => {
    const d = details(['ann', 'ben'].map((n) => user(n, { attached: ['arn:aws:iam::aws:policy/Unknown'] })));
    const { candidates } = candidateClasses(['ann', 'ben'], d);
    expect(documentsToRead(candidates[0]!, d)).toEqual(['arn:aws:iam::aws:policy/Unknown']);
    expect(proveClasses(candidates, () => ({ unknown: 'GetPolicy: AccessDenied: no' })).map((u) => u.reason)).toEqual([
      'arn:aws:iam::aws:policy/Unknown: GetPolicy: AccessDenied: no',
      'arn:aws:iam::aws:policy/Unknown: GetPolicy: AccessDenied: no',
    ]);
    // a customer-managed policy missing from the details is never read one by one: it is simply not proven
    const local = details(['ann', 'ben'].map((n) => user(n, { attached: [`arn:aws:iam::${ACCOUNT}:policy/Gone`] })));
    expect(documentsToRead(candidateClasses(['ann', 'ben'], local).candidates[0]!, local)).toEqual([]);
    expect(units(local)).toEqual([`ann: arn:aws:iam::${ACCOUNT}:policy/Gone was not read`, `ben: arn:aws:iam::${ACCOUNT}:policy/Gone was not read`]);
  });

  it.each<[string, Partial<UserPermissions>]>([
    ['path', { path: '/other/' }],
    ['attached policies', { attached: [CHANGE_PASSWORD] }],
    ['inline documents', { inline: inline({}) }],
    ['groups', { groups: ['admins'] }],
    ['permissions boundary', { boundary: CHANGE_PASSWORD }],
  ])('separates users whose %s differ', (_name, extra) => {
    const d = details([user('ann'), user('ben'), user('cat', extra)], [{ name: 'admins', attached: [], inline: [] }]);
    expect(units(d)).toEqual(['ann,ben', 'cat']);
  });

  it('simulates alone a user the details do not describe, or whose group they lack', () => {
    const d = details([user('ann'), user('ben', { groups: ['ghosts'] })]);
    expect(units(d, ['ann', 'ben', 'zoe'])).toEqual([
      'ann',
      'ben: its group ghosts is not in GetAccountAuthorizationDetails',
      'zoe: not in GetAccountAuthorizationDetails (created after it was read?)',
    ]);
  });
});

describe('choosing by counting', () => {
  it.each([
    [2, 9, 'per-user'],
    [1, 1, 'per-user'],
    [6, 5000, 'per-user'],
    [7, 5000, 'by-permission-set'],
    [3, 900, 'by-permission-set'],
    [1250, 5000, 'by-permission-set'],
  ] as const)('%i users to simulate in an account of %i: %s', (users, accountUsers, kind) => {
    const method = chooseSimulationMethod(users, accountUsers);
    expect(method.kind).toBe(kind);
    if (method.kind === 'by-permission-set') expect(method.maxPages).toBe(users - 1);
  });
});
