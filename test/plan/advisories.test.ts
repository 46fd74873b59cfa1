import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/model/desired.js';
import { advise, adviseFile, daysSince, unacknowledged, usersToSimulate, withAdvisories } from '../../src/plan/advisories.js';
import { diff } from '../../src/plan/diff.js';
import { NO_FACTS, type AccountFacts, type ChangePasswordDecision, type UserCredentials } from '../../src/model/facts.js';
import type { LiveState } from '../../src/model/live.js';
import type { PasswordPolicy } from '../../src/model/policy.js';
import type { PlanWarning } from '../../src/model/plan.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString();

/** A report row: a console user with MFA, no access keys, who signed in yesterday, unless told otherwise. */
function row(user: string, extra: Partial<UserCredentials> = {}): UserCredentials {
  return {
    user,
    arn: `arn:aws:iam::123456789012:user/${user}`,
    userCreationTime: daysAgo(400),
    passwordEnabled: true,
    passwordLastUsed: daysAgo(1),
    passwordLastChanged: daysAgo(30),
    passwordNextRotation: null,
    mfaActive: true,
    activeAccessKeys: 0,
    ...extra,
  };
}

function facts(
  rows: UserCredentials[] | { unknown: string } | null,
  extra: { changePassword?: Record<string, ChangePasswordDecision>; activeAccessKeys?: Record<string, number>; generatedTime?: string } = {},
): AccountFacts {
  return {
    credentialReport:
      rows === null || !Array.isArray(rows) ? rows : { generatedTime: extra.generatedTime ?? daysAgo(0), users: new Map(rows.map((r) => [r.user, r])) },
    changePassword: new Map(Object.entries(extra.changePassword ?? {})),
    activeAccessKeys: new Map(Object.entries(extra.activeAccessKeys ?? {})),
  };
}

/** The CIS policy, managed by the file, so IP105 stays quiet unless a case is about it. */
const CIS: DesiredState['passwordPolicy'] = { kind: 'custom', policy: CIS_POLICY };
const NO_CHANGE: PasswordPolicy = { ...CIS_POLICY, allowUsersToChangePassword: false };

/**
 * The advisories for a plan, without the diff's own delivery warning (IP108, which every generated password
 * without a key carries; it has its own tests below and in the diff's).
 */
function run(desired: DesiredState, live: LiveState, f: AccountFacts): PlanWarning[] {
  const plan = diff(desired, live);
  return advise(desired, live, plan, f, NOW).filter((w) => w.id !== 'IP108');
}

/** `ID user: message` (user `-` for account warnings), with `[ack: reason]` when acknowledged. */
function lines(ws: readonly PlanWarning[]): string[] {
  return ws.map((w) => `${w.id} ${w.user ?? '-'}: ${w.message}${w.acknowledged ? ` [ack: ${w.acknowledged.reason}]` : ''}`);
}

interface Case {
  name: string;
  desired: DesiredState;
  live: LiveState;
  facts: AccountFacts;
  expected: string[];
}

const cases: Case[] = [
  // IP101
  {
    name: 'IP101: console access removed from a user with an active access key',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'bob', console: false }] }),
    live: liveState({ users: [liveUser('bob', profile())] }),
    facts: facts([row('bob', { activeAccessKeys: 1 })]),
    expected: ['IP101 bob: bob keeps 1 active access key after console access is removed: API and CLI access continue'],
  },
  {
    name: 'IP101: two keys, removed because unlisted under unlisted: disable',
    desired: desiredState({ passwordPolicy: CIS, scope: { unlisted: 'disable' } }),
    live: liveState({ users: [liveUser('dave', profile())] }),
    facts: facts([row('dave', { activeAccessKeys: 2 })]),
    expected: ['IP101 dave: dave keeps 2 active access keys after console access is removed: API and CLI access continue'],
  },
  {
    name: 'IP101: not for inactive keys',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'bob', console: false }] }),
    live: liveState({ users: [liveUser('bob', profile())] }),
    facts: facts([row('bob', { activeAccessKeys: 0 })]),
    expected: [],
  },
  {
    name: 'IP101: not for a user who keeps console access',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'alice' }] }),
    live: liveState({ users: [liveUser('alice', profile())] }),
    facts: facts([row('alice', { activeAccessKeys: 2 })]),
    expected: [],
  },
  {
    name: 'IP101 from ListAccessKeys when the report is unavailable, with IP100 saying so',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'bob', console: false }] }),
    live: liveState({ users: [liveUser('bob', profile())] }),
    facts: facts({ unknown: 'GenerateCredentialReport: AccessDenied: not authorized' }, { activeAccessKeys: { bob: 1 } }),
    expected: [
      'IP100 -: the credential report could not be read (GenerateCredentialReport: AccessDenied: not authorized): MFA (IP103), unused console access (IP104) and password expiry (IP106) were not checked; access keys of users losing console access were listed one by one',
      'IP101 bob: bob keeps 1 active access key after console access is removed: API and CLI access continue',
    ],
  },
  // IP102
  {
    name: 'IP102: a new password with a forced reset, the policy does not allow changing it, and ChangePassword is denied',
    desired: desiredState({ passwordPolicy: { kind: 'custom', policy: NO_CHANGE }, users: [{ name: 'carol' }] }),
    live: liveState({ users: [liveUser('carol', null)] }),
    facts: facts([row('carol', { passwordEnabled: false, passwordLastUsed: null, passwordLastChanged: null })], { changePassword: { carol: 'denied' } }),
    expected: [
      'IP102 carol: carol must choose a new password at next sign-in but may be locked out: the password policy does not allow users to change their password and iam:ChangePassword is denied for carol (SimulatePrincipalPolicy)',
    ],
  },
  {
    name: 'IP102: not when the simulation allows ChangePassword',
    desired: desiredState({ passwordPolicy: { kind: 'custom', policy: NO_CHANGE }, users: [{ name: 'carol' }] }),
    live: liveState({ users: [liveUser('carol', null)] }),
    facts: facts([row('carol')], { changePassword: { carol: 'allowed' } }),
    expected: [],
  },
  {
    name: 'IP102: not when the policy lets users change their password (no simulation needed)',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'carol' }] }),
    live: liveState({ users: [liveUser('carol', null)] }),
    facts: facts([row('carol')]),
    expected: [],
  },
  {
    name: 'IP102: not when no reset is forced',
    desired: desiredState({ passwordPolicy: { kind: 'custom', policy: NO_CHANGE }, users: [{ name: 'carol', passwordResetRequired: false }] }),
    live: liveState({ users: [liveUser('carol', null)] }),
    facts: facts([row('carol')]),
    expected: [],
  },
  {
    name: 'IP102: under the AWS default policy, with a simulation that could not run',
    desired: desiredState({ passwordPolicy: { kind: 'unmanaged' }, users: [{ name: 'carol' }] }),
    live: liveState({ passwordPolicy: CIS_POLICY.allowUsersToChangePassword ? null : null, users: [liveUser('carol', null)] }),
    facts: facts([row('carol')], { changePassword: { carol: { unknown: 'SimulatePrincipalPolicy: AccessDenied: no' } } }),
    expected: [
      'IP102 carol: carol must choose a new password at next sign-in but may be locked out: the AWS default policy does not let users change their password and whether carol may call iam:ChangePassword could not be checked (SimulatePrincipalPolicy: AccessDenied: no)',
      'IP105 -: the AWS default password policy in force (not managed by this file) is weaker than the CIS AWS Foundations Benchmark: minimumLength 8 (CIS: 14 or more), no character class required (any 3 of 4), reusePrevention off (CIS: 24), passwords never expire (CIS: maxAgeDays 90 or less)',
    ],
  },
  // IP103
  {
    name: 'IP103: a user keeps console access without MFA, another gets it without MFA',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'carol' }, { name: 'erin' }, { name: 'alice' }] }),
    live: liveState({ users: [liveUser('alice', profile()), liveUser('carol', null), liveUser('erin', profile())] }),
    facts: facts([row('alice'), row('carol', { mfaActive: false, passwordLastUsed: null }), row('erin', { mfaActive: false })]),
    expected: [
      'IP103 carol: carol gets console access without an MFA device (CIS 1.10)',
      'IP103 erin: erin keeps console access without an MFA device (CIS 1.10)',
    ],
  },
  {
    name: 'IP103: not for a user losing console access, nor one the report does not know yet',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'bob', console: false }, { name: 'zed' }] }),
    live: liveState({ users: [liveUser('bob', profile()), liveUser('zed', profile())] }),
    facts: facts([row('bob', { mfaActive: false })]),
    expected: [],
  },
  // IP104 and its threshold
  {
    name: 'IP104: last sign-in 44 days ago is under the threshold, 45 days is at it',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'frank' }, { name: 'gina' }] }),
    live: liveState({ users: [liveUser('frank', profile()), liveUser('gina', profile())] }),
    facts: facts([row('frank', { passwordLastUsed: daysAgo(45) }), row('gina', { passwordLastUsed: daysAgo(44) })]),
    expected: ['IP104 frank: frank has not signed in to the console for 45 days (last 2026-10-13; CIS 1.12: 45 days)'],
  },
  {
    name: 'IP104: the threshold comes from advisories.unusedDays',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'frank' }], advisories: { unusedDays: 30 } }),
    live: liveState({ users: [liveUser('frank', profile())] }),
    facts: facts([row('frank', { passwordLastUsed: daysAgo(30) })]),
    expected: ['IP104 frank: frank has not signed in to the console for 30 days (last 2026-10-28; CIS 1.12: 30 days)'],
  },
  {
    name: 'IP104: never used, the password set 45 days ago (but not 44)',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'bob' }, { name: 'ben' }] }),
    live: liveState({ users: [liveUser('ben', profile()), liveUser('bob', profile())] }),
    facts: facts([row('bob', { passwordLastUsed: null, passwordLastChanged: daysAgo(45) }), row('ben', { passwordLastUsed: null, passwordLastChanged: daysAgo(44) })]),
    expected: ['IP104 bob: bob has never signed in to the console since the password was set 45 days ago (CIS 1.12: 45 days)'],
  },
  {
    name: 'IP104: not for users whose console access is being removed or created',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'frank', console: false }, { name: 'carol' }] }),
    live: liveState({ users: [liveUser('carol', null), liveUser('frank', profile())] }),
    facts: facts([row('frank', { passwordLastUsed: daysAgo(300) }), row('carol', { passwordLastUsed: null, passwordLastChanged: null, passwordEnabled: false })]),
    expected: [],
  },
  {
    name: 'IP104 from ListUsers PasswordLastUsed when the report is unavailable',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'frank' }] }),
    live: liveState({ users: [liveUser('frank', profile(), { passwordLastUsed: daysAgo(200) })] }),
    facts: facts({ unknown: 'IAM did not finish generating it within 30 s' }),
    expected: [
      'IP100 -: the credential report could not be read (IAM did not finish generating it within 30 s): MFA (IP103), unused console access (IP104) and password expiry (IP106) were not checked',
      'IP104 frank: frank has not signed in to the console for 200 days (last 2026-05-11; CIS 1.12: 45 days)',
    ],
  },
  {
    name: 'IP104: the later of the report and ListUsers counts',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'frank' }] }),
    live: liveState({ users: [liveUser('frank', profile(), { passwordLastUsed: daysAgo(2) })] }),
    facts: facts([row('frank', { passwordLastUsed: daysAgo(200) })]),
    expected: [],
  },
  // IP105
  {
    name: 'IP105: every shortfall of the desired policy named',
    desired: desiredState({
      passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, minimumLength: 8, requireSymbols: false, requireUppercase: false, reusePrevention: null, maxAgeDays: 365 } },
    }),
    live: liveState(),
    facts: NO_FACTS,
    expected: [
      'IP105 -: the password policy is weaker than the CIS AWS Foundations Benchmark: minimumLength 8 (CIS: 14 or more), requireUppercase off, requireSymbols off, reusePrevention off (CIS: 24), maxAgeDays 365 (CIS: 90 or less)',
    ],
  },
  {
    name: 'IP105 edges: 13, 23 and 91 fall short; 14, 24 and 90 meet CIS',
    desired: desiredState({ passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, minimumLength: 13, reusePrevention: 23, maxAgeDays: 91 } } }),
    live: liveState(),
    facts: NO_FACTS,
    expected: [
      'IP105 -: the password policy is weaker than the CIS AWS Foundations Benchmark: minimumLength 13 (CIS: 14 or more), reusePrevention 23 (CIS: 24), maxAgeDays 91 (CIS: 90 or less)',
    ],
  },
  {
    name: 'IP105: passwords that never expire',
    desired: desiredState({ passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, maxAgeDays: null } } }),
    live: liveState(),
    facts: NO_FACTS,
    expected: ['IP105 -: the password policy is weaker than the CIS AWS Foundations Benchmark: passwords never expire (CIS: maxAgeDays 90 or less)'],
  },
  {
    name: 'IP105: passwordPolicy: default counts as weaker',
    desired: desiredState({ passwordPolicy: { kind: 'aws-default' } }),
    live: liveState({ passwordPolicy: CIS_POLICY }),
    facts: NO_FACTS,
    expected: [
      'IP105 -: passwordPolicy: default (the AWS default policy) is weaker than the CIS AWS Foundations Benchmark: minimumLength 8 (CIS: 14 or more), no character class required (any 3 of 4), reusePrevention off (CIS: 24), passwords never expire (CIS: maxAgeDays 90 or less)',
    ],
  },
  {
    name: 'IP105: an unmanaged policy is judged by the live one',
    desired: desiredState({ passwordPolicy: { kind: 'unmanaged' } }),
    live: liveState({ passwordPolicy: { ...CIS_POLICY, minimumLength: 10 } }),
    facts: NO_FACTS,
    expected: ['IP105 -: the live password policy (not managed by this file) is weaker than the CIS AWS Foundations Benchmark: minimumLength 10 (CIS: 14 or more)'],
  },
  {
    name: 'the CIS policy, users with MFA who signed in yesterday: no warning at all',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'alice' }] }),
    live: liveState({ users: [liveUser('alice', profile())] }),
    facts: facts([row('alice', { activeAccessKeys: 2 })]),
    expected: [],
  },
  // IP106
  {
    name: 'IP106: hardExpiry, with who is past the limit and who expires within 15 days (15 is in, 16 is out)',
    desired: desiredState({
      passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, hardExpiry: true } },
      users: [{ name: 'alice' }, { name: 'erin' }, { name: 'frank' }, { name: 'gina' }],
    }),
    live: liveState({ users: ['alice', 'erin', 'frank', 'gina'].map((n) => liveUser(n, profile())) }),
    facts: facts([
      row('alice', { passwordLastChanged: daysAgo(75) }),
      row('erin', { passwordLastChanged: daysAgo(74) }),
      row('frank', { passwordLastChanged: daysAgo(100) }),
      row('gina', { passwordLastChanged: daysAgo(80) }),
    ]),
    expected: [
      'IP106 -: hardExpiry is on: a user whose password expires (after 90 days) is locked out until an administrator resets it; 1 user in scope already past 90 days (frank), 2 users in scope expire within 15 days (alice, gina)',
    ],
  },
  {
    name: 'IP106: the window comes from advisories.expiringWithinDays; unknown without a report',
    desired: desiredState({
      passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, hardExpiry: true } },
      users: [{ name: 'alice' }],
      advisories: { expiringWithinDays: 5 },
    }),
    live: liveState({ users: [liveUser('alice', profile())] }),
    facts: facts({ unknown: 'x' }),
    expected: [
      'IP100 -: the credential report could not be read (x): MFA (IP103), unused console access (IP104) and password expiry (IP106) were not checked',
      'IP106 -: hardExpiry is on: a user whose password expires (after 90 days) is locked out until an administrator resets it; how many users in scope expire soon is unknown (no credential report)',
    ],
  },
  {
    name: 'IP106: not without hardExpiry, nor with hardExpiry but no expiry',
    desired: desiredState({ passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, hardExpiry: true, maxAgeDays: null } } }),
    live: liveState(),
    facts: NO_FACTS,
    expected: ['IP105 -: the password policy is weaker than the CIS AWS Foundations Benchmark: passwords never expire (CIS: maxAgeDays 90 or less)'],
  },
  // IP107
  {
    name: 'IP107: the identity running iampass would lose its own console access',
    desired: desiredState({ passwordPolicy: CIS, scope: { unlisted: 'disable' }, users: [{ name: 'alice' }] }),
    live: liveState({ users: [liveUser('admin', profile()), liveUser('alice', profile())] }),
    facts: facts([row('admin'), row('alice')]),
    expected: ['IP107 admin: the plan removes console access of admin, the identity running iampass (arn:aws:iam::123456789012:user/admin)'],
  },
  // IP100
  {
    name: 'IP100: a report over 4 hours old is stale; under 4 hours it is normal',
    desired: desiredState({ passwordPolicy: CIS, users: [{ name: 'alice' }] }),
    live: liveState({ users: [liveUser('alice', profile())] }),
    facts: facts([row('alice')], { generatedTime: new Date(NOW.getTime() - 5 * 3_600_000).toISOString() }),
    expected: [
      'IP100 -: the credential report is 5 hours old (generated 2026-11-27T07:00:00.000Z): changes since then are not reflected in IP101, IP103, IP104 or IP106',
    ],
  },
  {
    name: 'IP100: not when the report was not needed (nobody governed)',
    desired: desiredState({ passwordPolicy: CIS }),
    live: liveState(),
    facts: NO_FACTS,
    expected: [],
  },
];

describe('advise', () => {
  it.each(cases)('$name', ({ desired, live, facts: f, expected }) => {
    const warnings = run(desired, live, f);
    expect(lines(warnings)).toEqual(expected);
    for (const w of warnings) {
      expect(w.message).not.toContain('\n');
      expect(w.fix.length).toBeGreaterThan(10);
    }
  });

  it('keeps a report of 3 hours quiet', () => {
    const desired = desiredState({ passwordPolicy: CIS, users: [{ name: 'alice' }] });
    const live = liveState({ users: [liveUser('alice', profile())] });
    expect(run(desired, live, facts([row('alice')], { generatedTime: new Date(NOW.getTime() - 3 * 3_600_000).toISOString() }))).toEqual([]);
  });

  it('names the fix: the settings to change, the keys to deactivate, the permission to grant', () => {
    const desired = desiredState({
      passwordPolicy: { kind: 'custom', policy: { ...NO_CHANGE, minimumLength: 8 } },
      users: [{ name: 'bob', console: false }, { name: 'carol' }],
    });
    const live = liveState({ users: [liveUser('bob', profile()), liveUser('carol', null)] });
    const ws = run(desired, live, facts([row('bob', { activeAccessKeys: 1 }), row('carol')], { changePassword: { carol: 'denied' } }));
    const fix = (id: string) => ws.find((w) => w.id === id)?.fix;
    expect(fix('IP101')).toContain('aws iam update-access-key --user-name bob --status Inactive');
    expect(fix('IP102')).toBe(
      'set passwordPolicy.allowUsersToChangePassword: true, or grant carol iam:ChangePassword on their own user (the IAMUserChangePassword managed policy), or set passwordResetRequired: false for carol',
    );
    expect(fix('IP105')).toBe('in passwordPolicy set minimumLength: 14, or acknowledge IP105 under advisories.acknowledge');
  });

  it('marks acknowledged warnings, keeps them in the plan, and leaves only the others failing', () => {
    const desired = desiredState({
      passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, minimumLength: 12 } },
      users: [
        { name: 'erin', acknowledge: { IP103: 'hardware key on order' } },
        { name: 'frank', acknowledge: { IP103: 'not this one' } },
      ],
      advisories: { acknowledge: { IP105: 'agreed with security until the SSO move' } },
    });
    const live = liveState({ users: [liveUser('erin', profile()), liveUser('frank', profile())] });
    const ws = run(desired, live, facts([row('erin', { mfaActive: false }), row('frank', { passwordLastUsed: daysAgo(100) })]));
    expect(lines(ws)).toEqual([
      'IP103 erin: erin keeps console access without an MFA device (CIS 1.10) [ack: hardware key on order]',
      'IP104 frank: frank has not signed in to the console for 100 days (last 2026-08-19; CIS 1.12: 45 days)',
      'IP105 -: the password policy is weaker than the CIS AWS Foundations Benchmark: minimumLength 12 (CIS: 14 or more) [ack: agreed with security until the SSO move]',
    ]);
    expect(unacknowledged(ws).map((w) => `${w.id} ${w.user ?? '-'}`)).toEqual(['IP104 frank']);
  });

  it('sorts by id, then user, whatever order the checks ran in', () => {
    const desired = desiredState({ passwordPolicy: { kind: 'aws-default' }, scope: { unlisted: 'disable' } });
    const live = liveState({ users: [liveUser('zoe', profile()), liveUser('amy', profile())] });
    const ws = run(desired, live, facts([row('zoe', { activeAccessKeys: 1 }), row('amy', { activeAccessKeys: 1 })]));
    expect(ws.map((w) => `${w.id} ${w.user ?? '-'}`)).toEqual(['IP101 amy', 'IP101 zoe', 'IP105 -']);
  });

  it('never changes the plan it advises on', () => {
    const desired = desiredState({ passwordPolicy: { kind: 'aws-default' }, users: [{ name: 'bob', console: false }] });
    const live = liveState({ users: [liveUser('bob', profile())] });
    const plan = diff(desired, live);
    const before = JSON.stringify(plan);
    advise(desired, live, plan, facts([row('bob', { activeAccessKeys: 1 })]), NOW);
    expect(JSON.stringify(plan)).toBe(before);
  });
});

describe('what to simulate', () => {
  it('asks about iam:ChangePassword only for users forced to reset while the policy does not let them', () => {
    const live = liveState({ users: [liveUser('alice', profile()), liveUser('carol', null), liveUser('dan', null), liveUser('bob', profile())] });
    const users = [{ name: 'alice' }, { name: 'bob', console: false }, { name: 'carol' }, { name: 'dan', passwordResetRequired: false }];
    const strict = desiredState({ passwordPolicy: { kind: 'custom', policy: NO_CHANGE }, users });
    expect(usersToSimulate(strict, live, diff(strict, live))).toEqual(['carol']);
    const lenient = desiredState({ passwordPolicy: CIS, users });
    expect(usersToSimulate(lenient, live, diff(lenient, live))).toEqual([]);
  });
});

describe('the report note', () => {
  it('records when the report the advisories used was generated, and its age', () => {
    const desired = desiredState({ passwordPolicy: CIS });
    const live = liveState();
    const plan = withAdvisories(diff(desired, live), [], facts([], { generatedTime: '2026-11-27T10:30:00.000Z' }), NOW);
    expect(plan.credentialReport).toEqual({ generatedTime: '2026-11-27T10:30:00.000Z', ageMinutes: 90 });
    expect(withAdvisories(diff(desired, live), [], facts({ unknown: 'x' }), NOW)).not.toHaveProperty('credentialReport');
  });

  it('counts whole days', () => {
    expect(daysSince(daysAgo(45), NOW)).toBe(45);
    expect(daysSince(new Date(NOW.getTime() - 45 * DAY + 1).toISOString(), NOW)).toBe(44);
    expect(daysSince(new Date(NOW.getTime() + DAY).toISOString(), NOW)).toBe(0);
  });
});

describe('adviseFile (offline, for lint)', () => {
  it('judges the policy in the file against CIS and warns about hardExpiry, without counts', () => {
    const desired = desiredState({
      passwordPolicy: { kind: 'custom', policy: { ...CIS_POLICY, minimumLength: 12, hardExpiry: true } },
      advisories: { acknowledge: { IP106: 'admins reset the same day' } },
    });
    expect(lines(adviseFile(desired))).toEqual([
      'IP105 -: the password policy is weaker than the CIS AWS Foundations Benchmark: minimumLength 12 (CIS: 14 or more)',
      'IP106 -: hardExpiry is on: a user whose password expires (after 90 days) is locked out until an administrator resets it [ack: admins reset the same day]',
    ]);
  });

  it('says nothing about a policy the file does not manage', () => {
    expect(adviseFile(desiredState({ passwordPolicy: { kind: 'unmanaged' } }))).toEqual([]);
  });
});

describe('the diff\'s own warnings', () => {
  it('pass through advise with the same acknowledgement and order as the advisories', () => {
    const desired = desiredState({
      users: [
        { name: 'b', acknowledge: { IP108: 'hands the password over in person' } },
        { name: 'a' },
      ],
    });
    const live = liveState({ users: [liveUser('a', null), liveUser('b', null)] });
    const ws = advise(desired, live, diff(desired, live), facts(null), NOW).filter((w) => w.id === 'IP108');
    expect(ws.map((w) => [w.user, w.acknowledged?.reason ?? null])).toEqual([
      ['a', null],
      ['b', 'hands the password over in person'],
    ]);
  });
});
