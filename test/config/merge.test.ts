/**
 * The merge rules of an organization file, one row each: a baseline, a section for account 222222222222 (inline,
 * as in the README), and what that account's desired state holds. The README's "Merge rules" states the same rules.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { desiredFor } from '../../src/model/organization.js';
import type { DesiredState } from '../../src/model/desired.js';
import { load, organizationOf, orgFile, tree } from './org-support.js';

const ID = '222222222222';
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The account's state when `section` (YAML under the account's key) is merged over `baseline` (top-level YAML). */
async function merged(baseline: string, section: string): Promise<DesiredState> {
  const indented = section.replace(/^/gm, '    ');
  const dir = await tree({ 'iampass.yaml': orgFile(`${baseline}accounts:\n  "${ID}":\n${indented}\n`) });
  dirs.push(dir);
  return desiredFor(organizationOf(await load(dir)).organization, ID);
}

const user = (state: DesiredState, name: string) => state.users.find((u) => u.name === name);
const CIS = 'passwordPolicy: { minimumLength: 14, requireSymbols: true, maxAgeDays: 90 }\n';

interface Row {
  rule: string;
  baseline: string;
  section: string;
  check: (s: DesiredState) => unknown;
  expected: unknown;
}

const rows: Row[] = [
  {
    rule: 'users: a baseline user is merged field by field (the section wins)',
    baseline: 'users:\n  alice: { console: true, rotation: "q4" }\n',
    section: 'users:\n  alice: { console: false }',
    check: (s) => [user(s, 'alice')?.console, user(s, 'alice')?.rotation],
    expected: [false, 'q4'],
  },
  {
    rule: 'users: a new name adds a user; baseline users stay',
    baseline: 'users:\n  alice: { console: true }\n',
    section: 'users:\n  bob: { console: false }',
    check: (s) => s.users.map((u) => [u.name, u.console]),
    expected: [
      ['alice', true],
      ['bob', false],
    ],
  },
  {
    rule: 'users: a section entry without console keeps the baseline\'s',
    baseline: 'users:\n  alice: { console: true }\n',
    section: 'users:\n  alice: { passwordResetRequired: false }',
    check: (s) => [user(s, 'alice')?.console, user(s, 'alice')?.passwordResetRequired],
    expected: [true, false],
  },
  {
    rule: 'users: password is one field, replaced whole',
    baseline: 'users:\n  alice: { console: true, password: { env: ALICE } }\n',
    section: 'users:\n  alice: { password: { generate: { length: 30 } } }',
    check: (s) => user(s, 'alice')?.password,
    expected: { kind: 'generate', length: 30 },
  },
  {
    rule: 'users: acknowledge is merged by warning id',
    baseline: 'users:\n  alice: { console: true, acknowledge: { IP103: "key on order", IP104: "rarely used" } }\n',
    section: 'users:\n  alice: { acknowledge: { IP104: "on leave" } }',
    check: (s) => user(s, 'alice')?.acknowledge,
    expected: { IP103: 'key on order', IP104: 'on leave' },
  },
  {
    rule: 'users: rotation: false in a section exempts a baseline user from the rotation',
    baseline: 'defaults: { rotation: "2026-Q4" }\nusers:\n  alice: { console: true }\n',
    section: 'users:\n  alice: { rotation: false }',
    check: (s) => user(s, 'alice')?.rotation,
    expected: null,
  },
  {
    rule: 'passwordPolicy: a section map merges field by field over a baseline map',
    baseline: CIS,
    section: 'passwordPolicy: { maxAgeDays: 30, requireSymbols: false }',
    check: (s) => s.passwordPolicy.kind === 'custom' && [s.passwordPolicy.policy.minimumLength, s.passwordPolicy.policy.maxAgeDays, s.passwordPolicy.policy.requireSymbols],
    expected: [14, 30, false],
  },
  {
    rule: 'passwordPolicy: default replaces a baseline map',
    baseline: CIS,
    section: 'passwordPolicy: default',
    check: (s) => s.passwordPolicy,
    expected: { kind: 'aws-default' },
  },
  {
    rule: 'passwordPolicy: a map replaces a baseline default whole',
    baseline: 'passwordPolicy: default\n',
    section: 'passwordPolicy: { minimumLength: 8 }',
    check: (s) => s.passwordPolicy.kind === 'custom' && [s.passwordPolicy.policy.minimumLength, s.passwordPolicy.policy.requireSymbols],
    expected: [8, false],
  },
  {
    rule: 'passwordPolicy: a map is the whole policy where the baseline has none',
    baseline: '',
    section: 'passwordPolicy: { minimumLength: 12, requireNumbers: true }',
    check: (s) => s.passwordPolicy.kind === 'custom' && [s.passwordPolicy.policy.minimumLength, s.passwordPolicy.policy.requireNumbers],
    expected: [12, true],
  },
  {
    rule: 'passwordPolicy: a section without one keeps the baseline\'s',
    baseline: 'passwordPolicy: default\n',
    section: 'users: {}',
    check: (s) => s.passwordPolicy,
    expected: { kind: 'aws-default' },
  },
  {
    rule: 'scope: field by field',
    baseline: 'scope: { pathPrefix: /staff/, unlisted: ignore }\n',
    section: 'scope: { unlisted: disable }',
    check: (s) => [s.scope.pathPrefix, s.scope.unlisted],
    expected: ['/staff/', 'disable'],
  },
  {
    rule: 'scope: tags are replaced whole',
    baseline: 'scope: { tags: { team: platform, env: prod } }\n',
    section: 'scope: { tags: { team: web } }',
    check: (s) => s.scope.tags,
    expected: { team: 'web' },
  },
  {
    rule: 'scope: tags: {} in a section clears the baseline\'s',
    baseline: 'scope: { tags: { team: platform } }\n',
    section: 'scope: { tags: {} }',
    check: (s) => s.scope.tags,
    expected: {},
  },
  {
    rule: 'scope: protected users are added to the baseline\'s, never removed',
    baseline: 'scope: { protected: [breakglass, root-ops] }\n',
    section: 'scope: { protected: [root-ops, oncall] }',
    check: (s) => s.scope.protected,
    expected: ['breakglass', 'root-ops', 'oncall'],
  },
  {
    rule: 'defaults: field by field',
    baseline: 'defaults: { passwordResetRequired: false, rotation: "r1" }\n',
    section: 'defaults: { rotation: "r2" }',
    check: (s) => [s.defaults.passwordResetRequired, s.defaults.rotation],
    expected: [false, 'r2'],
  },
  {
    rule: 'defaults: a section\'s defaults apply to the baseline\'s users in the account',
    baseline: 'users:\n  alice: { console: true }\n',
    section: 'defaults: { passwordResetRequired: false, rotation: "2027-Q1", password: { generate: { length: 40 } } }',
    check: (s) => [user(s, 'alice')?.passwordResetRequired, user(s, 'alice')?.rotation, user(s, 'alice')?.password],
    expected: [false, '2027-Q1', { kind: 'generate', length: 40 }],
  },
  {
    rule: 'advisories: field by field',
    baseline: 'advisories: { unusedDays: 30, failOn: warning }\n',
    section: 'advisories: { unusedDays: 90 }',
    check: (s) => [s.advisories.unusedDays, s.advisories.failOn],
    expected: [90, 'warning'],
  },
  {
    rule: 'advisories: acknowledge is merged by warning id',
    baseline: 'advisories: { acknowledge: { IP105: "agreed", IP106: "known" } }\n',
    section: 'advisories: { acknowledge: { IP105: "agreed again" } }',
    check: (s) => s.advisories.acknowledge,
    expected: { IP105: 'agreed again', IP106: 'known' },
  },
  {
    rule: 'an empty section is the baseline, bound to the account',
    baseline: `${CIS}users:\n  alice: { console: true }\n`,
    section: '{}',
    check: (s) => [s.account, s.users.map((u) => u.name), s.passwordPolicy.kind],
    expected: [ID, ['alice'], 'custom'],
  },
];

describe('merge rules: an account section over the baseline', () => {
  it.each(rows)('$rule', async ({ baseline, section, check, expected }) => {
    expect(check(await merged(baseline, section))).toEqual(expected);
  });
});

describe('merge rules: relative paths resolve against the file that wrote them', () => {
  it('takes baseline paths from the organization file\'s directory and a section file\'s from its own', async () => {
    const dir = await tree({
      'iampass.yaml': orgFile(
        'defaults: { pgpKeyDir: keys }\nusers:\n  alice: { console: true, pgpKey: keys/alice.asc, password: { file: secrets/alice } }\n' +
          'accounts:\n  "222222222222": teams/web/section.yaml\n  "333333333333": { users: { carol: { console: true, pgpKey: k/carol.asc } } }\n',
      ),
      'teams/web/section.yaml': 'defaults: { pgpKeyDir: team-keys }\nusers:\n  bob: { console: true, pgpKey: bob.asc, password: { file: ../pw/bob } }\n',
    });
    dirs.push(dir);
    const { organization } = organizationOf(await load(dir));
    const web = desiredFor(organization, '222222222222');
    const other = desiredFor(organization, '333333333333');
    expect(web.defaults.pgpKeyDir).toBe(join(dir, 'teams/web/team-keys'));
    expect(user(web, 'bob')).toMatchObject({ pgpKey: join(dir, 'teams/web/bob.asc'), password: { kind: 'file', path: join(dir, 'teams/pw/bob') } });
    expect(user(web, 'alice')).toMatchObject({ pgpKey: join(dir, 'keys/alice.asc'), password: { kind: 'file', path: join(dir, 'secrets/alice') } });
    expect(other.defaults.pgpKeyDir).toBe(join(dir, 'keys'));
    expect(user(other, 'carol')?.pgpKey).toBe(join(dir, 'k/carol.asc'));
  });
});

describe('merge rules: role and external id', () => {
  it('takes a section\'s roleName and externalId over the organization\'s, and the organization\'s otherwise', async () => {
    const dir = await tree({
      'iampass.yaml':
        'version: 1\norganization:\n  targets: { all: true }\n  roleName: IampassRole\n  externalId: org-wide-id\n' +
        'accounts:\n  "222222222222": { roleName: LegacyAdmin }\n  "333333333333": { externalId: other-id }\n',
    });
    dirs.push(dir);
    const { organization } = organizationOf(await load(dir));
    const { accessFor } = await import('../../src/model/organization.js');
    expect(accessFor(organization, '222222222222')).toEqual({ roleName: 'LegacyAdmin', externalId: 'org-wide-id' });
    expect(accessFor(organization, '333333333333')).toEqual({ roleName: 'IampassRole', externalId: 'other-id' });
    expect(accessFor(organization, '444444444444')).toEqual({ roleName: 'IampassRole', externalId: 'org-wide-id' });
  });

  it('assumes OrganizationAccountAccessRole when the file names no role', async () => {
    const dir = await tree({ 'iampass.yaml': orgFile('') });
    dirs.push(dir);
    const { organization } = organizationOf(await load(dir));
    expect(organization.organization).toMatchObject({ roleName: 'OrganizationAccountAccessRole', externalId: null });
    expect(organization.sections.size).toBe(0);
    expect(desiredFor(organization, '444444444444').account).toBe('444444444444');
  });
});
