/**
 * Loading organization files: what a valid one becomes, and every kind of broken one reported at once, each problem
 * at its file:line:col (in the organization file, or in the section file that holds the offending value).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { sha256 } from '../../src/util/sha256.js';
import { failed, heads, hints, load, organizationOf, orgFile, tree } from './org-support.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function treeOf(files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await tree(files);
  dirs.push(dir);
  return dir;
}

describe('loadConfiguration: an organization file', () => {
  it('reads the example into its settings, a baseline and each section, recording every file read', async () => {
    const example = fileURLToPath(new URL('../../examples/organization/', import.meta.url));
    const { organization, warnings } = organizationOf(await load(example));
    expect(warnings).toEqual([]);
    expect(organization.organization).toMatchObject({
      targets: { all: true, ous: [], accounts: [], tags: {}, exclude: ['555555555555'], includeManagement: false },
      roleName: 'OrganizationAccountAccessRole',
      externalId: null,
    });
    expect([...organization.sections.keys()]).toEqual(['222222222222', '333333333333']);
    const files = ['iampass.yaml', 'accounts/prod-web.yaml', 'accounts/staging.yaml'];
    expect(organization.files).toEqual(
      await Promise.all(files.map(async (f) => ({ file: join(example, f), sha256: sha256(await readFile(join(example, f))) }))),
    );
    const staging = organization.sections.get('333333333333');
    expect(staging?.externalId).toBe('staging-external-id');
    expect(staging?.desired.passwordPolicy).toMatchObject({ kind: 'custom', policy: { minimumLength: 14, maxAgeDays: 30 } });
    expect(organization.sections.get('222222222222')?.desired.users.map((u) => [u.name, u.at?.file, u.at?.line])).toEqual([
      ['alice', join(example, 'accounts/prod-web.yaml'), 9],
      ['bob', join(example, 'accounts/prod-web.yaml'), 10],
    ]);
    expect(organization.baseline.account).toBeNull();
  });

  it('reads a file without `organization` exactly as an account file, recording the one file', async () => {
    const dir = await treeOf({ 'iampass.yaml': 'version: 1\nusers:\n  alice: { console: true }\n' });
    const r = await load(dir);
    if (!r.ok) throw new Error('expected success');
    const direct = parseConfig('version: 1\nusers:\n  alice: { console: true }\n', join(dir, 'iampass.yaml'));
    expect(r.state).toEqual({ kind: 'account', desired: direct.ok ? direct.state : null });
    expect(r.files).toEqual([{ file: join(dir, 'iampass.yaml'), sha256: sha256('version: 1\nusers:\n  alice: { console: true }\n') }]);
  });

  it('reads a section file named by several accounts once, and records it once', async () => {
    const dir = await treeOf({
      'iampass.yaml': orgFile('accounts:\n  "222222222222": shared.yaml\n  "333333333333": ./shared.yaml\n'),
      'shared.yaml': 'users:\n  ops: { console: true }\n',
    });
    const { organization } = organizationOf(await load(dir));
    expect(organization.files.map((f) => f.file)).toEqual([join(dir, 'iampass.yaml'), join(dir, 'shared.yaml')]);
    expect([...organization.sections.values()].map((s) => s.desired.users.map((u) => u.name))).toEqual([['ops'], ['ops']]);
  });

  it('refuses an organization file where one account\'s file is read (parseConfig), saying why', () => {
    const r = parseConfig(orgFile(''), 'org.yaml');
    expect(r.ok ? [] : r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`)).toEqual([
      "2:1: this is an organization file (it has `organization:`), and this reads one account's file",
    ]);
  });
});

interface Broken {
  name: string;
  files: Record<string, string>;
  expected: string[];
  fixes?: string[];
}

const ORG = 'version: 1\norganization:\n  targets: { all: true }\n';

const broken: Broken[] = [
  {
    name: '`account` in an organization file',
    files: { 'iampass.yaml': 'version: 1\naccount: "111111111111"\norganization:\n  targets: { all: true }\n' },
    expected: ['iampass.yaml:2:1: error: `account` cannot be used in an organization file: it pins a file to one account, and this file governs many'],
    fixes: ['remove `account:`; the targets choose the accounts, each account\'s settings go under `accounts: { "ID": ... }`, and `--account ID` narrows a run'],
  },
  {
    name: 'empty targets',
    files: { 'iampass.yaml': 'version: 1\norganization:\n  targets: {}\n' },
    expected: ['iampass.yaml:3:12: error: targets select no account'],
  },
  {
    name: 'targets that only exclude',
    files: { 'iampass.yaml': 'version: 1\norganization:\n  targets:\n    all: false\n    exclude: ["111111111111"]\n    includeManagement: true\n' },
    expected: ['iampass.yaml:3:3: error: targets select no account'],
    fixes: [
      'select accounts with `all: true`, `ous: [ou-...]`, `accounts: ["111111111111"]` or `tags: { env: prod }` (exclude and includeManagement only narrow or widen what those select)',
    ],
  },
  {
    name: 'no targets',
    files: { 'iampass.yaml': 'version: 1\norganization:\n  roleName: Admin\n' },
    expected: ['iampass.yaml:3:3: error: organization needs `targets`: which accounts of the organization this file governs'],
  },
  {
    name: 'ids, role and external id not in their forms',
    files: {
      'iampass.yaml':
        'version: 1\norganization:\n  targets:\n    accounts: ["1234", 222222222222, "3333-3333-3333"]\n    ous: [ou-bad]\n    exclude: [root]\n' +
        '  roleName: "arn:aws:iam::111111111111:role/Admin"\n  externalId: "x"\n',
    },
    expected: [
      'iampass.yaml:4:16: error: organization.targets.accounts item 1 must be a 12-digit AWS account id, got "1234"',
      'iampass.yaml:4:24: error: organization.targets.accounts item 2 must be text, got 222222222222',
      'iampass.yaml:4:38: error: organization.targets.accounts item 3 must be a 12-digit AWS account id, got "3333-3333-3333"',
      'iampass.yaml:5:11: error: organization.targets.ous item 1 must be an organizational unit id such as `ou-ab12-cd34ef56`, got "ou-bad"',
      'iampass.yaml:6:15: error: organization.targets.exclude item 1 must be a 12-digit account id or an organizational unit id (`ou-...`), got "root"',
      'iampass.yaml:7:13: error: roleName must be an IAM role name, got "arn:aws:iam::111111111111:role/Admin"',
      'iampass.yaml:8:15: error: externalId must be 2 to 1224 letters, digits and + = , . @ : / _ -, got "x"',
    ],
    fixes: [
      'use the 12-digit account id (as `aws sts get-caller-identity` shows it), in quotes, e.g. `"123456789012"`',
      'put it in quotes: `"222222222222"`',
      'write the 12 digits only: `"333333333333"`',
      'use the id AWS Organizations shows for the unit (`aws organizations list-organizational-units-for-parent`), e.g. `ou-ab12-cd34ef56`',
      'use the id AWS Organizations shows for the unit (`aws organizations list-organizational-units-for-parent`), e.g. `ou-ab12-cd34ef56`; account ids go in quotes',
      'the role name alone (1 to 64 letters, digits and + = , . @ _ -), not its ARN, e.g. `OrganizationAccountAccessRole`',
      "the sts:ExternalId condition of the role's trust policy, exactly",
    ],
  },
  {
    name: 'section keys that are not account ids, JavaScript property names among them',
    files: {
      'iampass.yaml': `${ORG}accounts:\n  "1234": {}\n  012345678901: {}\n  __proto__: {}\n  constructor: {}\n  toString: accounts/x.yaml\n  "444444444444": 5\n  "555555555555": ""\n`,
    },
    expected: [
      'iampass.yaml:5:3: error: invalid account id `1234`',
      'iampass.yaml:6:3: error: invalid account id `12345678901`',
      'iampass.yaml:7:3: error: invalid account id `__proto__`',
      'iampass.yaml:8:3: error: invalid account id `constructor`',
      'iampass.yaml:9:3: error: invalid account id `toString`',
      'iampass.yaml:10:19: error: the section of account 444444444444 must be a map of settings, or the path of a file that holds one, got 5',
      'iampass.yaml:11:19: error: the section of account 555555555555 is an empty path',
    ],
    fixes: [
      'account ids are 12 digits; write them in quotes (`"012345678901":`), as YAML reads unquoted digits as a number and drops leading zeros',
      'account ids are 12 digits; write them in quotes (`"012345678901":`), as YAML reads unquoted digits as a number and drops leading zeros',
      'key each section by the 12-digit id of its account, in quotes, e.g. `"123456789012":`',
      'key each section by the 12-digit id of its account, in quotes, e.g. `"123456789012":`',
      'key each section by the 12-digit id of its account, in quotes, e.g. `"123456789012":`',
      'write the settings under `"444444444444":` (e.g. `users: { alice: { console: true } }`), or a path relative to this file such as `accounts/444444444444.yaml`',
      "give the path of the section's file, relative to this file, e.g. `accounts/555555555555.yaml`",
    ],
  },
  {
    name: 'a section listed twice',
    files: { 'iampass.yaml': `${ORG}accounts:\n  "222222222222": {}\n  "222222222222": { users: {} }\n` },
    expected: ['iampass.yaml:6:3: error: duplicate key `222222222222` (first at 5:3)'],
  },
  {
    name: 'structure errors in an inline section, explained as a section\'s',
    files: {
      'iampass.yaml':
        `${ORG}accounts:\n  "222222222222":\n    colour: blue\n    version: 1\n    passwordPolicy: { minimumLength: 2, colour: x }\n` +
        '    users:\n      alice: { console: yes }\n    scope: { unlisted: delete }\n',
    },
    expected: [
      'iampass.yaml:6:5: error: unknown key `colour` in the section of account 222222222222',
      'iampass.yaml:7:5: error: unknown key `version` in the section of account 222222222222',
      'iampass.yaml:8:38: error: minimumLength must be between 6 and 128, got 2',
      'iampass.yaml:8:41: error: unknown key `colour` in passwordPolicy of account 222222222222',
      'iampass.yaml:10:25: error: console must be true or false, got "yes"',
      'iampass.yaml:11:24: error: unlisted must be `ignore` or `disable`, got "delete"',
    ],
    fixes: [
      'valid keys in the section of account 222222222222: `roleName`, `externalId`, `passwordPolicy`, `scope`, `defaults`, `users`, `advisories`',
      'a section has no `version`: it is part of the organization file that names it, which has one',
      'use a length from 6 to 128',
      'valid keys in passwordPolicy of account 222222222222: `minimumLength`, `requireUppercase`, `requireLowercase`, `requireNumbers`, `requireSymbols`, `allowUsersToChangePassword`, `maxAgeDays`, `reusePrevention`, `hardExpiry`',
      'write `true` or `false`: YAML 1.2 reads `yes` as text',
      '`ignore` leaves users not listed under users alone; `disable` deletes their console password',
    ],
  },
  {
    name: 'structure errors in a section file point into that file, with the organization file\'s own',
    files: {
      'iampass.yaml': `version: 1\norganization:\n  targets: { all: true }\n  colour: blue\naccounts:\n  "222222222222": accounts/a.yaml\n`,
      'accounts/a.yaml': 'version: 1\naccount: "222222222222"\nusers:\n  alice: { console: maybe }\npasswordPolicy: { minimumLength: 200 }\n',
    },
    expected: [
      'accounts/a.yaml:1:1: error: unknown key `version` at the top level',
      'accounts/a.yaml:2:1: error: unknown key `account` at the top level',
      'accounts/a.yaml:4:21: error: console must be true or false, got "maybe"',
      'accounts/a.yaml:5:34: error: minimumLength must be between 6 and 128, got 200',
      'iampass.yaml:4:3: error: unknown key `colour` in organization',
    ],
  },
  {
    name: 'a YAML error in a section file',
    files: { 'iampass.yaml': `${ORG}accounts:\n  "222222222222": a.yaml\n`, 'a.yaml': 'users:\n  alice: { console: true\n' },
    expected: ['a.yaml:3:1: error: unclosed `{`: a `{ ... }` map must end with `}`'],
  },
  {
    name: 'only merging breaks it: protected in the baseline, console: false in two section files',
    files: {
      'iampass.yaml': `${ORG}scope: { protected: [breakglass] }\naccounts:\n  "222222222222": accounts/a.yaml\n  "333333333333": accounts/b.yaml\n  "444444444444": accounts/b.yaml\n`,
      'accounts/a.yaml': 'users:\n  breakglass: { console: false }\n  newbie: { passwordResetRequired: true }\npasswordPolicy: { maxAgeDays: 3 }\n',
      'accounts/b.yaml': 'users:\n  breakglass: { console: false }\n',
    },
    expected: [
      'accounts/a.yaml:2:26: error: account 222222222222: breakglass is protected and cannot be given console: false',
      'accounts/a.yaml:3:3: error: account 222222222222: user newbie needs `console: true` or `console: false`',
      'accounts/a.yaml:4:1: error: account 222222222222: passwordPolicy needs `minimumLength`',
      'accounts/b.yaml:2:26: error: accounts 333333333333 and 444444444444: breakglass is protected and cannot be given console: false',
    ],
    fixes: [
      'remove breakglass from scope.protected at iampass.yaml:4, or set console: true',
      'the baseline does not list newbie, so the section that adds it must say whether it has console access',
      'the baseline does not manage the password policy, so this map is the whole policy, not changes to one: add e.g. `minimumLength: 14` (6 to 128)',
      'remove breakglass from scope.protected at iampass.yaml:4, or set console: true',
    ],
  },
  {
    name: 'only merging breaks it: the offending value in the baseline, the cause in a section',
    files: {
      'iampass.yaml':
        `${ORG}passwordPolicy: default\nusers:\n  ops: { console: false }\n  Alice: { console: true }\naccounts:\n  "222222222222":\n` +
        '    scope: { protected: [ops] }\n    users: { alice: { console: true } }\n    passwordPolicy: { requireSymbols: true }\n',
    },
    expected: [
      'iampass.yaml:6:19: error: account 222222222222: ops is protected and cannot be given console: false',
      'iampass.yaml:11:14: error: account 222222222222: `alice` and `Alice` are the same IAM user',
      'iampass.yaml:12:5: error: account 222222222222: passwordPolicy needs `minimumLength`',
      'iampass.yaml:12:5: warning: account 222222222222: users must choose a new password at first sign-in (passwordResetRequired), but the policy does not allow users to change their password',
    ],
    fixes: [
      'remove ops from scope.protected at iampass.yaml:10, or set console: true',
      'IAM user names are case-insensitive; keep one entry for this user (`Alice` is at iampass.yaml:7)',
      "the baseline's policy is `default`, so this map is the whole policy, not changes to one: add e.g. `minimumLength: 14` (6 to 128)",
      'set `allowUsersToChangePassword: true`, or make sure those users may call iam:ChangePassword (e.g. the IAMUserChangePassword managed policy)',
    ],
  },
  {
    name: 'a problem of the baseline itself is reported once, without an account',
    files: { 'iampass.yaml': `${ORG}scope: { protected: [ops] }\nusers:\n  ops: { console: false }\naccounts:\n  "222222222222": {}\n  "333333333333": { users: {} }\n` },
    expected: ['iampass.yaml:6:19: error: ops is protected and cannot be given console: false'],
  },
  {
    name: '`accounts` without `organization`',
    files: { 'iampass.yaml': 'version: 1\naccounts:\n  "222222222222": {}\n' },
    expected: ["iampass.yaml:2:1: error: `accounts` (per-account sections) belongs in an organization file, and this file has no `organization:`"],
  },
  {
    name: 'section files that cannot be used, each at its reference',
    files: {
      'iampass.yaml':
        `${ORG}accounts:\n  "222222222222": accounts/missing.yaml\n  "333333333333": ../outside.yaml\n  "444444444444": /etc/hostname\n` +
        '  "555555555555": iampass.yaml\n  "666666666666": accounts/empty.yaml\n  "777777777777": accounts/list.yaml\n',
      'accounts/empty.yaml': '# yaml-language-server: $schema=../../schema/iampass-account.schema.json\n',
      'accounts/list.yaml': '- users\n',
    },
    expected: [
      'accounts/empty.yaml:1:1: error: the file is empty',
      "accounts/list.yaml:1:1: error: a section file holds one account's settings as a map (users, scope, passwordPolicy, ...), got a list",
      'iampass.yaml:5:19: error: the section file accounts/missing.yaml does not exist',
      "iampass.yaml:6:19: error: the section file ../outside.yaml is outside this file's directory (DIR)",
      'iampass.yaml:7:19: error: the section file /etc/hostname is an absolute path',
      'iampass.yaml:8:19: error: the section file iampass.yaml is this file itself',
    ],
    fixes: [
      "write the account's settings (users, scope, passwordPolicy, ...), or `{}` for none beyond the baseline",
      'write the settings as `key: value` lines, e.g. `users:` followed by the users',
      'check the path (looked for accounts/missing.yaml), or create the file',
      'keep section files in the directory of the organization file or below it (a symbolic link out of it counts as outside)',
      'name the file relative to this file, inside its directory, e.g. `accounts/prod.yaml`',
      "give the path of the file that holds the account's section",
    ],
  },
];

describe('loadConfiguration: broken organization files, every problem at its position', () => {
  it.each(broken)('$name', async ({ files, expected, fixes }) => {
    const dir = await treeOf(files);
    const ds = failed(await load(dir));
    expect(heads(ds, dir).map((h) => h.replaceAll(dir, 'DIR'))).toEqual(expected);
    if (fixes) expect(hints(ds, dir)).toEqual(fixes);
  });
});

describe('loadConfiguration: warnings about sections that are never used', () => {
  it('warns about a section for an excluded account, or one the listed targets leave out, and still loads', async () => {
    const dir = await treeOf({
      'iampass.yaml':
        'version: 1\norganization:\n  targets:\n    accounts: ["222222222222"]\n    exclude: ["222222222222", "333333333333"]\naccounts:\n  "333333333333": {}\n  "444444444444": {}\n',
    });
    const { warnings } = organizationOf(await load(dir));
    expect(heads(warnings, dir)).toEqual([
      'iampass.yaml:5:15: warning: account 222222222222 is both listed in targets.accounts and excluded: it is not a target',
      'iampass.yaml:7:3: warning: the section of account 333333333333 is never used: organization.targets.exclude removes the account (line 5)',
      'iampass.yaml:8:3: warning: the section of account 444444444444 is never used: the targets select only the accounts in organization.targets.accounts, and 444444444444 is not one of them',
    ]);
  });
});

describe('loadConfiguration: section files that are not plain files inside the tree', () => {
  const reference = (file: string) => ({ 'iampass.yaml': `${ORG}accounts:\n  "222222222222": ${file}\n` });

  it('refuses a FIFO at the reference, without waiting for a writer', async () => {
    const dir = await treeOf(reference('accounts/pipe.yaml'));
    await mkdir(join(dir, 'accounts'));
    execFileSync('mkfifo', [join(dir, 'accounts/pipe.yaml')]);
    const ds = failed(await load(dir));
    expect(heads(ds, dir)).toEqual(['iampass.yaml:5:19: error: the section file accounts/pipe.yaml is a named pipe (FIFO), not a regular file']);
  });

  it('refuses a loop of symbolic links at the reference', async () => {
    const dir = await treeOf(reference('a.yaml'));
    await symlink('b.yaml', join(dir, 'a.yaml'));
    await symlink('a.yaml', join(dir, 'b.yaml'));
    const ds = failed(await load(dir));
    expect(heads(ds, dir)).toEqual(['iampass.yaml:5:19: error: the section file a.yaml is a loop of symbolic links']);
  });

  it('refuses a symbolic link that leads out of the directory, and a path that climbs out of it', async () => {
    const outside = await treeOf({ 'section.yaml': 'users: {}\n' });
    const dir = await treeOf({ 'iampass.yaml': `${ORG}accounts:\n  "222222222222": link.yaml\n  "333333333333": sub/../../x.yaml\n` });
    await symlink(join(outside, 'section.yaml'), join(dir, 'link.yaml'));
    const ds = failed(await load(dir));
    expect(heads(ds, dir)).toEqual([
      `iampass.yaml:5:19: error: the section file link.yaml is outside this file's directory (${dir})`,
      `iampass.yaml:6:19: error: the section file sub/../../x.yaml is outside this file's directory (${dir})`,
    ]);
  });

  it('follows a symbolic link that stays inside the directory', async () => {
    const dir = await treeOf({ ...reference('current.yaml'), 'teams/web.yaml': 'users: { alice: { console: true } }\n' });
    await symlink('teams/web.yaml', join(dir, 'current.yaml'));
    const { organization } = organizationOf(await load(dir));
    expect(organization.sections.get('222222222222')?.desired.users.map((u) => u.name)).toEqual(['alice']);
    expect(organization.files.map((f) => f.file)).toEqual([join(dir, 'iampass.yaml'), join(dir, 'current.yaml')]);
  });

  it('holds the organization file and its section files together to one file\'s size limit', async () => {
    const main = `${ORG}accounts:\n  "222222222222": a.yaml\n`;
    const limit = 16 * 1024 * 1024;
    const dir = await treeOf({
      'iampass.yaml': `${main}# ${'x'.repeat(limit - main.length - 100)}\n`,
      'a.yaml': `users: {}\n# ${'x'.repeat(200)}\n`,
    });
    const ds = failed(await load(dir));
    expect(heads(ds, dir)).toEqual(["iampass.yaml:5:19: error: the section file a.yaml brings the organization's files over 16 MiB together"]);
  });
});

describe('loadConfiguration: names that are JavaScript property names', () => {
  it('merges users and tags named __proto__ and constructor as the plain names they are', async () => {
    const dir = await treeOf({
      'iampass.yaml':
        `${ORG}scope: { tags: { __proto__: x } }\nusers:\n  constructor: { console: true }\n  __proto__: { console: true }\n` +
        'accounts:\n  "222222222222":\n    users:\n      __proto__: { console: false }\n      toString: { console: true }\n',
    });
    const { organization } = organizationOf(await load(dir));
    const desired = organization.sections.get('222222222222')?.desired;
    expect(desired?.users.map((u) => [u.name, u.console])).toEqual([
      ['__proto__', false],
      ['constructor', true],
      ['toString', true],
    ]);
    expect(Object.keys(desired?.scope.tags ?? {})).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(desired?.scope.tags)).toBe(Object.prototype);
  });
});

describe('loadConfiguration: a large organization file', () => {
  it('loads a file the parse worker would take, parsing it here', async () => {
    // a flow of anchors makes the plain reader decline it; over the worker threshold
    const users = Array.from({ length: 6_000 }, (_, i) => `  u${i}: &u${i} { console: true }\n`).join('');
    const dir = await treeOf({ 'iampass.yaml': `${ORG}users:\n${users}accounts:\n  "222222222222": { users: { u1: { console: false } } }\n` });
    const { organization } = organizationOf(await load(dir));
    expect(organization.baseline.users).toHaveLength(6_000);
    expect(organization.sections.get('222222222222')?.desired.users.find((u) => u.name === 'u1')?.console).toBe(false);
  });
});
