import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../../src/config/diagnostics.js';
import { loadConfig, parseConfig, type LoadResult } from '../../src/config/load.js';
import type { DesiredState } from '../../src/model/desired.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url));

/** `file:line:col: severity: message` for each diagnostic, in reported (sorted) order. */
function heads(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => formatDiagnostic({ ...d, hint: undefined }));
}

function failed(r: LoadResult): Diagnostic[] {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.state)}`);
  return r.diagnostics;
}

function succeeded(r: LoadResult): { state: DesiredState; warnings: Diagnostic[] } {
  if (!r.ok) throw new Error(`expected success, got:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  return r;
}

describe('loadConfig: a valid file', () => {
  it('reads the full example into the exact DesiredState', async () => {
    const file = fixture('full.iampass.yaml');
    const { state, warnings } = succeeded(await loadConfig(file));
    expect(warnings).toEqual([]);
    expect(state).toEqual({
      version: 1,
      account: '123456789012',
      accountAt: { file, line: 3, col: 10 },
      protectedAt: new Map([['breakglass', { file, line: 18, col: 15 }]]),
      passwordPolicy: {
        kind: 'custom',
        policy: {
          minimumLength: 14,
          requireUppercase: true,
          requireLowercase: true,
          requireNumbers: true,
          requireSymbols: true,
          allowUsersToChangePassword: true,
          maxAgeDays: 90,
          reusePrevention: 24,
          hardExpiry: false,
        },
      },
      scope: { pathPrefix: '/staff/', tags: { team: 'platform' }, unlisted: 'ignore', protected: ['breakglass'] },
      defaults: { passwordResetRequired: true, pgpKeyDir: null, rotation: null },
      // sorted with `<`: upper case before lower case
      users: [
        { name: 'Zed', console: true, passwordResetRequired: true, password: { kind: 'generate', length: 20 }, rotation: null, pgpKey: null, at: { file, line: 24, col: 3 } },
        { name: 'alice', console: true, passwordResetRequired: true, password: { kind: 'generate', length: 20 }, rotation: null, pgpKey: null, at: { file, line: 23, col: 3 } },
        { name: 'bob', console: false, passwordResetRequired: true, password: { kind: 'generate', length: 20 }, rotation: null, pgpKey: null, at: { file, line: 25, col: 3 } },
        { name: 'carol', console: true, passwordResetRequired: false, password: { kind: 'generate', length: 20 }, rotation: null, pgpKey: null, at: { file, line: 22, col: 3 } },
        {
          name: 'dan',
          console: true,
          passwordResetRequired: true,
          password: { kind: 'generate', length: 20 },
          rotation: null,
          pgpKey: null,
          acknowledge: { IP103: 'hardware key on order', IP104: 'on leave until March' },
          at: { file, line: 26, col: 3 },
        },
      ],
      advisories: {
        unusedDays: 60,
        expiringWithinDays: 10,
        failOn: 'warning',
        acknowledge: { IP106: 'admins reset expired passwords the same day' },
      },
    } satisfies DesiredState);
  });

  it('fills every default for a file with only a version', async () => {
    const { state, warnings } = succeeded(await loadConfig(fixture('minimal.iampass.yaml')));
    expect(warnings).toEqual([]);
    expect(state).toEqual({
      version: 1,
      account: null,
      passwordPolicy: { kind: 'unmanaged' },
      scope: { pathPrefix: null, tags: {}, unlisted: 'ignore', protected: [] },
      defaults: { passwordResetRequired: true, pgpKeyDir: null, rotation: null },
      users: [],
      advisories: { unusedDays: 45, expiringWithinDays: 15, failOn: 'none', acknowledge: {} },
    } satisfies DesiredState);
    expect(state).not.toHaveProperty('accountAt');
  });

  it('reads password sources, rotation tokens and keys, resolving paths against the file, never a value', () => {
    const source = [
      'version: 1',
      'defaults:',
      '  password: { generate: { length: 32 } }',
      '  rotation: "2026-Q4"',
      '  pgpKeyDir: keys',
      'users:',
      '  alice: { console: true }',
      '  bob: { console: true, password: { env: BOB_PASSWORD }, rotation: "bob-2" }',
      '  carol: { console: true, password: { file: secrets/carol.txt }, pgpKey: ../carol.asc }',
      '  dave: { console: true, password: { generate: {} } }',
      '',
    ].join('\n');
    const { state } = succeeded(parseConfig(source, '/etc/iampass/iampass.yaml'));
    expect(state.defaults.pgpKeyDir).toBe('/etc/iampass/keys');
    expect(state.users.map((u) => [u.name, u.password, u.rotation, u.pgpKey])).toEqual([
      ['alice', { kind: 'generate', length: 32 }, '2026-Q4', null],
      ['bob', { kind: 'env', name: 'BOB_PASSWORD' }, 'bob-2', null],
      ['carol', { kind: 'file', path: '/etc/iampass/secrets/carol.txt' }, '2026-Q4', '/etc/carol.asc'],
      ['dave', { kind: 'generate', length: 32 }, '2026-Q4', null],
    ]);
  });

  it('reads rotation: false as "this user is not rotated", whatever defaults.rotation says', () => {
    const src = 'version: 1\ndefaults: { rotation: "2026-Q4" }\nusers:\n  alice: { console: true }\n  bob: { console: true, rotation: false }\n';
    const { state } = succeeded(parseConfig(src, 'f.yaml'));
    expect(state.users.map((u) => [u.name, u.rotation])).toEqual([
      ['alice', '2026-Q4'],
      ['bob', null],
    ]);
    expect(parseConfig('version: 1\nusers:\n  bob: { console: true, rotation: true }\n', 'f.yaml').ok).toBe(false);
  });

  it('rejects a literal password and says how to reference one', () => {
    const result = parseConfig('version: 1\nusers:\n  bob: { console: true, password: "hunter2hunter2" }\n', 'f.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.message} | ${d.hint}`)).toEqual([
      '3:35 passwords never go in this file | reference one with `password: { env: NAME }` or `password: { file: PATH }`, or leave password out to have iampass generate it',
    ]);
    expect(JSON.stringify(result.diagnostics)).not.toContain('hunter2');
  });

  it('reads `passwordPolicy: default` as the AWS default', () => {
    const { state } = succeeded(parseConfig('version: 1\npasswordPolicy: default\nusers: {}\n', 'f.yaml'));
    expect(state.passwordPolicy).toEqual({ kind: 'aws-default' });
    expect(state.users).toEqual([]);
  });

  it('completes a partial policy: booleans false, limits off', () => {
    const { state } = succeeded(parseConfig('version: 1\npasswordPolicy: { minimumLength: 8, allowUsersToChangePassword: true }\n', 'f.yaml'));
    expect(state.passwordPolicy).toEqual({
      kind: 'custom',
      policy: {
        minimumLength: 8,
        requireUppercase: false,
        requireLowercase: false,
        requireNumbers: false,
        requireSymbols: false,
        allowUsersToChangePassword: true,
        maxAgeDays: null,
        reusePrevention: null,
        hardExpiry: false,
      },
    });
  });

  it('folds defaults.passwordResetRequired into users that do not set it', () => {
    const src = [
      'version: 1',
      'defaults: { passwordResetRequired: false }',
      'users:',
      '  b: { console: true }',
      '  a: { console: true, passwordResetRequired: true }',
      '  "john.doe": { console: false }',
      '',
    ].join('\n');
    const { state } = succeeded(parseConfig(src, 'f.yaml'));
    expect(state.defaults).toEqual({ passwordResetRequired: false, pgpKeyDir: null, rotation: null });
    expect(state.users.map((u) => [u.name, u.console, u.passwordResetRequired, u.at?.line])).toEqual([
      ['a', true, true, 5],
      ['b', true, false, 4],
      ['john.doe', false, false, 6],
    ]);
  });

  it('keeps YAML 1.2 scalars as the schema expects: quoted account ids keep leading zeros', () => {
    const { state } = succeeded(parseConfig('version: 1\naccount: "012345678901"\n', 'f.yaml'));
    expect(state.account).toBe('012345678901');
    expect(state.accountAt).toEqual({ file: 'f.yaml', line: 2, col: 10 });
  });

  it('accepts aliases, a byte order mark and comments', () => {
    const src = '\uFEFF# managed by iampass\nversion: 1\nusers:\n  alice: &on { console: true }\n  bob: *on\n';
    const { state } = succeeded(parseConfig(src, 'f.yaml'));
    expect(state.users.map((u) => u.name)).toEqual(['alice', 'bob']);
  });

  it('handles user and tag names that are JavaScript property names', () => {
    const src = 'version: 1\nscope: { tags: { __proto__: x, constructor: y } }\nusers:\n  __proto__: { console: true }\n  constructor: { console: true }\n';
    const { state } = succeeded(parseConfig(src, 'f.yaml'));
    expect(state.users.map((u) => u.name)).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(state.scope.tags)).toEqual(['__proto__', 'constructor']);
    expect(state.scope.tags.constructor).toBe('y');
  });
});

describe('loadConfig: warnings do not stop the load', () => {
  it('warns that hardExpiry without maxAgeDays has no effect', () => {
    const src = 'version: 1\npasswordPolicy:\n  minimumLength: 8\n  allowUsersToChangePassword: true\n  hardExpiry: true\n';
    const { state, warnings } = succeeded(parseConfig(src, 'f.yaml'));
    expect(state.passwordPolicy).toMatchObject({ kind: 'custom', policy: { hardExpiry: true, maxAgeDays: null } });
    expect(warnings.map(formatDiagnostic)).toEqual([
      'f.yaml:5:15: warning: hardExpiry has no effect without maxAgeDays: passwords never expire\n' +
        '  fix: set maxAgeDays (e.g. 90), or remove hardExpiry',
    ]);
  });

  it('warns when unlisted: disable governs the whole account, and about a reset flag on a console: false user', () => {
    const src = 'version: 1\nscope:\n  unlisted: disable\nusers:\n  bob: { console: false, passwordResetRequired: true }\n';
    const { warnings } = succeeded(parseConfig(src, 'f.yaml'));
    expect(heads(warnings)).toEqual([
      'f.yaml:3:13: warning: unlisted: disable governs every IAM user in the account: any user not listed under users loses console access',
      'f.yaml:5:26: warning: passwordResetRequired has no effect for bob, who has console: false',
    ]);
  });

  it('does not warn about unlisted: disable when the scope is narrowed', () => {
    const src = 'version: 1\nscope: { pathPrefix: /staff/, unlisted: disable }\n';
    expect(succeeded(parseConfig(src, 'f.yaml')).warnings).toEqual([]);
  });

  it('warns when users must reset a password the policy does not let them change', () => {
    const src = 'version: 1\npasswordPolicy:\n  minimumLength: 8\nusers:\n  alice: { console: true }\n';
    const { warnings } = succeeded(parseConfig(src, 'f.yaml'));
    expect(heads(warnings)).toEqual([
      'f.yaml:2:1: warning: users must choose a new password at first sign-in (passwordResetRequired), but the policy does not allow users to change their password',
    ]);
  });

  it('warns about acknowledgements that can never match the user\'s console setting', () => {
    const src = [
      'version: 1',
      'users:',
      '  bob: { console: false, acknowledge: { IP101: keys stay, IP103: n/a } }',
      '  carol: { console: true, acknowledge: { IP107: x, IP103: key on order } }',
      '',
    ].join('\n');
    const { state, warnings } = succeeded(parseConfig(src, 'f.yaml'));
    expect(state.users.map((u) => [u.name, u.acknowledge])).toEqual([
      ['bob', { IP101: 'keys stay', IP103: 'n/a' }],
      ['carol', { IP107: 'x', IP103: 'key on order' }],
    ]);
    expect(warnings.map(formatDiagnostic)).toEqual([
      'f.yaml:3:59: warning: acknowledging IP103 has no effect for bob, who has console: false\n' +
        '  fix: IP103 is only raised for users who keep or get console access; remove the acknowledgement',
      'f.yaml:4:42: warning: acknowledging IP107 has no effect for carol, who has console: true\n' +
        '  fix: IP107 is only raised when console access is removed; remove the acknowledgement',
    ]);
  });

  it('warns about an unknown YAML tag', () => {
    const { warnings } = succeeded(parseConfig('version: 1\naccount: !Sub "123456789012"\n', 'f.yaml'));
    expect(heads(warnings)).toEqual(['f.yaml:2:10: warning: unknown tag `!Sub`; the value is read as plain text']);
  });
});

interface BrokenCase {
  name: string;
  source: string;
  /** The exact `file:line:col: severity: message` lines, sorted by position. */
  expected: string[];
  /** The exact fix lines, in the same order, when the case is about the advice too. */
  fixes?: (string | undefined)[];
}

const broken: BrokenCase[] = [
  {
    name: 'unknown top-level key',
    source: 'version: 1\ncolour: blue\n',
    expected: ['f.yaml:2:1: error: unknown key `colour` at the top level'],
    fixes: ['valid keys at the top level: `version`, `account`, `organization`, `passwordPolicy`, `scope`, `defaults`, `users`, `advisories`, `accounts`'],
  },
  {
    name: 'top-level key that belongs in a section',
    source: 'version: 1\nunlisted: disable\nalice: { console: true }\n',
    expected: ['f.yaml:2:1: error: unknown key `unlisted` at the top level', 'f.yaml:3:1: error: unknown key `alice` at the top level'],
    fixes: ['`unlisted` belongs in scope', 'users go under `users:`, e.g. `users: { alice: { console: true } }`'],
  },
  {
    name: 'unknown policy key with a suggestion',
    source: 'version: 1\npasswordPolicy:\n  minimumLength: 14\n  requireUpercase: true\n',
    expected: ['f.yaml:4:3: error: unknown key `requireUpercase` in passwordPolicy'],
    fixes: ['did you mean `requireUppercase`?'],
  },
  {
    name: 'misspelt required key: one problem, not two',
    source: 'version: 1\npasswordPolicy:\n  minimum_length: 14\n',
    expected: ['f.yaml:3:3: error: unknown key `minimum_length` in passwordPolicy'],
    fixes: ['did you mean `minimumLength`?'],
  },
  {
    name: 'minimumLength out of range',
    source: 'version: 1\npasswordPolicy: { minimumLength: 5, allowUsersToChangePassword: true }\n',
    expected: ['f.yaml:2:34: error: minimumLength must be between 6 and 128, got 5'],
    fixes: ['use a length from 6 to 128'],
  },
  {
    name: 'maxAgeDays and reusePrevention out of range',
    source: 'version: 1\npasswordPolicy:\n  minimumLength: 129\n  maxAgeDays: 0\n  reusePrevention: 25\n',
    expected: [
      'f.yaml:3:18: error: minimumLength must be between 6 and 128, got 129',
      'f.yaml:4:15: error: maxAgeDays must be between 1 and 1095, got 0',
      'f.yaml:5:20: error: reusePrevention must be between 1 and 24, got 25',
    ],
    fixes: [
      'use a length from 6 to 128',
      'use 1 to 1095 days, or leave maxAgeDays out so passwords never expire',
      'use 1 to 24, or leave reusePrevention out to allow reusing passwords',
    ],
  },
  {
    name: 'missing minimumLength',
    source: 'version: 1\npasswordPolicy:\n  requireSymbols: true\n',
    expected: ['f.yaml:3:3: error: passwordPolicy needs `minimumLength`'],
    fixes: ['add e.g. `minimumLength: 14` (IAM accepts 6 to 128), or write `passwordPolicy: default` for the AWS default policy'],
  },
  {
    name: 'wrong types',
    source: [
      'version: 1',
      'account: 123456789012',
      'passwordPolicy:',
      '  minimumLength: "14"',
      '  requireSymbols: "true"',
      '  maxAgeDays: 9.5',
      '  allowUsersToChangePassword: true',
      'defaults:',
      '  passwordResetRequired: no',
      'scope:',
      '  tags: { team: 123 }',
      'users:',
      '  alice: { console: "yes" }',
      '  bob: true',
      '',
    ].join('\n'),
    expected: [
      'f.yaml:2:10: error: account must be text, got 123456789012',
      'f.yaml:4:18: error: minimumLength must be a whole number, got "14"',
      'f.yaml:5:19: error: requireSymbols must be true or false, got "true"',
      'f.yaml:6:15: error: maxAgeDays must be a whole number, got 9.5',
      'f.yaml:9:26: error: passwordResetRequired must be true or false, got "no"',
      'f.yaml:11:17: error: the value of tag `team` must be text, got 123',
      'f.yaml:13:21: error: console must be true or false, got "yes"',
      'f.yaml:14:8: error: user bob must be a map like `{ console: true }`, got true',
    ],
    fixes: [
      'put it in quotes: `account: "123456789012"`',
      'write it without quotes: `minimumLength: 14`',
      'write `true` without quotes',
      'use a whole number',
      'write `true` or `false`: YAML 1.2 reads `no` as text',
      'put it in quotes: `team: "123"`',
      'write `true` or `false`: YAML 1.2 reads `yes` as text',
      'write `bob: { console: true }`',
    ],
  },
  {
    name: 'missing console',
    source: 'version: 1\nusers:\n  alice: {}\n  bob:\n  carol: { passwordResetRequired: false }\n',
    expected: [
      'f.yaml:3:10: error: user alice needs `console: true` or `console: false`',
      'f.yaml:4:3: error: user bob needs `console: true` or `console: false`',
      'f.yaml:5:10: error: user carol needs `console: true` or `console: false`',
    ],
  },
  {
    name: 'unknown user key, and a password in the file',
    source: 'version: 1\nusers:\n  alice: { consol: true }\n  bob: { console: true, pass: hunter2 }\n',
    expected: ['f.yaml:3:12: error: unknown key `consol` for user alice', 'f.yaml:4:25: error: unknown key `pass` for user bob'],
    fixes: [
      'did you mean `console`?',
      'passwords never go in this file: reference one with `password: { env: NAME }` or `password: { file: PATH }`, or leave it out to have iampass generate it',
    ],
  },
  {
    name: 'invalid user names',
    source: `version: 1\nusers:\n  "bad name": { console: true }\n  ${'x'.repeat(65)}: { console: true }\n  "a/b": { console: true }\n`,
    expected: [
      'f.yaml:3:3: error: invalid IAM user name `bad name`',
      `f.yaml:4:3: error: invalid IAM user name \`${'x'.repeat(65)}\``,
      'f.yaml:5:3: error: invalid IAM user name `a/b`',
    ],
    fixes: [
      'IAM user names may only contain letters, digits and + = , . @ _ - (not spaces)',
      'IAM user names are at most 64 characters (this one has 65)',
      'IAM user names may only contain letters, digits and + = , . @ _ - (not `/`)',
    ],
  },
  {
    name: 'duplicate key (YAML)',
    source: 'version: 1\nusers:\n  alice: { console: true }\n  alice: { console: false }\n',
    expected: ['f.yaml:4:3: error: duplicate key `alice` (first at 3:3)'],
    fixes: ['a key may appear only once in a map: keep one of the two (lines 3 and 4)'],
  },
  {
    name: 'keys that YAML reads differently but name the same user',
    source: 'version: 1\nusers:\n  123: { console: true }\n  "123": { console: true }\n',
    expected: ['f.yaml:4:3: error: duplicate key `123` (first at 3:3)'],
  },
  {
    name: 'bad indentation',
    source: 'version: 1\nusers:\n  alice:\n    console: true\n   bob: { console: true }\n',
    expected: ['f.yaml:5:1: error: bad indentation: this line does not line up with the keys of its map'],
  },
  {
    name: 'nested key on the same line',
    source: 'version: 1\nusers:\n  alice: console: true\n',
    expected: ['f.yaml:3:10: error: a `key: value` cannot be the value of another key on the same line'],
  },
  {
    name: 'alias without an anchor',
    source: 'version: 1\nusers:\n  alice: *on\n',
    expected: ['f.yaml:3:10: error: unknown alias `*on`'],
    fixes: ['define the anchor `&on` on a value before this alias, or write the value here'],
  },
  {
    name: 'key that is not a name',
    source: 'version: 1\nusers:\n  ~: { console: true }\n  ? [a, b]\n  : { console: true }\n',
    expected: ['f.yaml:3:3: error: empty key', 'f.yaml:4:5: error: a key must be a plain name, not a list or map'],
  },
  {
    name: 'tab indentation',
    source: 'version: 1\nusers:\n\talice: { console: true }\n',
    expected: ['f.yaml:3:1: error: tab used for indentation'],
    fixes: ['YAML indents with spaces only; replace the tab with spaces'],
  },
  {
    name: 'unclosed quote, reported where the string starts',
    source: 'version: 1\naccount: "1234\nusers: {}\n',
    expected: ['f.yaml:2:10: error: unclosed quote: this string has no closing `"`'],
  },
  {
    name: 'unclosed flow map',
    source: 'version: 1\nusers:\n  alice: { console: true\n  bob: { console: true }\n',
    expected: ['f.yaml:4:3: error: unclosed `{`: a `{ ... }` map must end with `}`'],
  },
  {
    name: 'two YAML documents',
    source: 'version: 1\n---\nversion: 1\n',
    expected: ['f.yaml:2:1: error: the file holds more than one YAML document (a `---` line starts a second one)'],
  },
  {
    name: 'case-insensitive duplicate user',
    source: 'version: 1\nusers:\n  Alice: { console: true }\n  alice: { console: false }\n',
    expected: ['f.yaml:4:3: error: `alice` and `Alice` are the same IAM user'],
    fixes: ['IAM user names are case-insensitive; keep one entry for this user (`Alice` is on line 3)'],
  },
  {
    name: 'protected user given console: false (case-insensitively)',
    source: 'version: 1\nscope:\n  protected: [breakglass, Ops]\nusers:\n  breakglass: { console: false }\n  ops: { console: false }\n',
    expected: [
      'f.yaml:5:26: error: breakglass is protected and cannot be given console: false',
      'f.yaml:6:19: error: ops is protected and cannot be given console: false',
    ],
    fixes: ['remove breakglass from scope.protected, or set console: true', 'remove ops from scope.protected, or set console: true'],
  },
  {
    name: 'scope.protected: invalid and repeated names',
    source: 'version: 1\nscope:\n  protected: [a, A, a, "x y", 12345]\n',
    expected: [
      'f.yaml:3:18: error: `A` is listed twice in scope.protected',
      'f.yaml:3:21: error: `a` is listed twice in scope.protected',
      'f.yaml:3:24: error: invalid IAM user name "x y" in scope.protected',
      'f.yaml:3:31: error: scope.protected item 5 must be text, got 12345',
    ],
    fixes: [
      'IAM user names are case-insensitive: `a` on line 3 is the same user; remove one of them',
      'remove one of them (the other is on line 3)',
      'IAM user names may only contain letters, digits and + = , . @ _ - (not spaces)',
      'put it in quotes: `"12345"`',
    ],
  },
  {
    name: 'version 2',
    source: 'version: 2\n',
    expected: ['f.yaml:1:10: error: version must be 1, got 2'],
    fixes: ['this iampass reads format version 1; set `version: 1`'],
  },
  {
    name: 'quoted version: one message, not two',
    source: 'version: "1"\n',
    expected: ['f.yaml:1:10: error: version must be a whole number, got "1"'],
  },
  {
    name: 'missing version',
    source: '# iampass\nusers: {}\n',
    expected: ['f.yaml:2:1: error: missing `version`'],
    fixes: ['add `version: 1` as the first line'],
  },
  {
    name: 'account not 12 digits',
    source: 'version: 1\naccount: "12345"\n',
    expected: ['f.yaml:2:10: error: account must be a 12-digit AWS account id, got "12345"'],
  },
  {
    name: 'account written with dashes',
    source: 'version: 1\naccount: "1234-5678-9012"\n',
    expected: ['f.yaml:2:10: error: account must be a 12-digit AWS account id, got "1234-5678-9012"'],
    fixes: ['write the 12 digits only: `account: "123456789012"`'],
  },
  {
    name: 'passwordPolicy: strict',
    source: 'version: 1\npasswordPolicy: strict\n',
    expected: ['f.yaml:2:17: error: passwordPolicy must be `default` or a map of settings, got "strict"'],
    fixes: [
      '`default` is the only word accepted here (the AWS default policy); for a custom policy list its settings, e.g. `passwordPolicy: { minimumLength: 14 }`',
    ],
  },
  {
    name: 'passwordPolicy with no value',
    source: 'version: 1\npasswordPolicy:\n',
    expected: ['f.yaml:2:1: error: passwordPolicy must be `default` or a map of settings, got an empty value'],
    fixes: [
      'leave passwordPolicy out to not manage the policy, write `passwordPolicy: default` for the AWS default policy, or list the policy settings under it',
    ],
  },
  {
    name: 'unlisted: delete (bad enum)',
    source: 'version: 1\nscope:\n  unlisted: delete\n',
    expected: ['f.yaml:3:13: error: unlisted must be `ignore` or `disable`, got "delete"'],
    fixes: ['`ignore` leaves users not listed under users alone; `disable` deletes their console password'],
  },
  {
    name: 'unlisted: near miss',
    source: 'version: 1\nscope:\n  unlisted: disabled\n',
    expected: ['f.yaml:3:13: error: unlisted must be `ignore` or `disable`, got "disabled"'],
    fixes: ['did you mean `disable`?'],
  },
  {
    name: 'pathPrefix and tags',
    source: `version: 1\nscope:\n  pathPrefix: staff\n  tags:\n    ${'k'.repeat(129)}: a\n    team: ${'v'.repeat(257)}\n    "cost!": x\n`,
    expected: [
      'f.yaml:3:15: error: pathPrefix must start and end with `/`, got "staff"',
      'f.yaml:5:5: error: tag key is 129 characters long; IAM allows at most 128',
      'f.yaml:6:11: error: the value of tag `team` is 257 characters long; IAM allows at most 256',
      'f.yaml:7:5: error: invalid tag key `cost!`',
    ],
    fixes: [
      'write `/staff/`',
      'use the tag key exactly as it is set on the users',
      'use the tag value exactly as it is set on the users',
      'tags may only contain letters, digits, spaces and _ . : / = + - @ (not `!`)',
    ],
  },
  {
    name: 'sections with no value',
    source: 'version: 1\nscope:\nusers:\n',
    expected: [
      'f.yaml:2:1: error: scope must be a map, got an empty value',
      'f.yaml:3:1: error: users must be a map of user names to settings, got an empty value',
    ],
    fixes: ['put settings under `scope:`, or remove the key', 'write `users: {}` to list no users, or remove the key'],
  },
  {
    name: 'acknowledge: unknown, misplaced and misspelt warning ids',
    source: [
      'version: 1',
      'users:',
      '  alice:',
      '    console: true',
      '    acknowledge: { IP999: x, IP105: y, ip103: z }',
      'advisories:',
      '  acknowledge: { IP103: a, IP160: b }',
      '',
    ].join('\n'),
    expected: [
      'f.yaml:5:20: error: unknown warning id `IP999` in users.alice.acknowledge',
      'f.yaml:5:30: error: unknown warning id `IP105` in users.alice.acknowledge',
      'f.yaml:5:40: error: unknown warning id `ip103` in users.alice.acknowledge',
      'f.yaml:7:18: error: unknown warning id `IP103` in advisories.acknowledge',
      'f.yaml:7:28: error: unknown warning id `IP160` in advisories.acknowledge',
    ],
    fixes: [
      'valid ids in users.alice.acknowledge: IP101, IP102, IP103, IP104, IP107, IP108',
      'IP105 is about the account, not one user: acknowledge it under advisories.acknowledge',
      'did you mean `IP103`? valid ids in users.alice.acknowledge: IP101, IP102, IP103, IP104, IP107, IP108',
      'IP103 is about one user: acknowledge it under that user, e.g. `users: { alice: { acknowledge: { IP103: "reason" } } }`',
      'did you mean `IP100`? valid ids in advisories.acknowledge: IP100, IP105, IP106, IP109, IP110',
    ],
  },
  {
    name: 'acknowledge: a reason is required',
    source: 'version: 1\nusers:\n  alice:\n    console: true\n    acknowledge:\n      IP103:\n      IP104: "  "\n      IP102: ""\n',
    expected: [
      'f.yaml:6:7: error: IP103 must be text, got an empty value',
      'f.yaml:7:14: error: the reason for acknowledging IP104 is blank',
      'f.yaml:8:14: error: the reason for acknowledging IP102 is blank',
    ],
    fixes: [
      'write why the warning is accepted, e.g. `IP103: "hardware key on order"`, or remove the key',
      'write why the warning is accepted, e.g. `IP103: "hardware key on order"`, or remove the key',
      'write why the warning is accepted, e.g. `IP103: "hardware key on order"`, or remove the key',
    ],
  },
  {
    name: 'advisories: bad thresholds and failOn',
    source: 'version: 1\nadvisories:\n  unusedDays: 0\n  expiringWithinDays: 400\n  failOn: warnings\n  failon: none\n',
    expected: [
      'f.yaml:3:15: error: unusedDays must be between 1 and 1095, got 0',
      'f.yaml:4:23: error: expiringWithinDays must be between 1 and 365, got 400',
      'f.yaml:5:11: error: failOn must be `none` or `warning`, got "warnings"',
      'f.yaml:6:3: error: unknown key `failon` in advisories',
    ],
    fixes: ['use a value between 1 and 1095', 'use a value between 1 and 365', 'did you mean `warning`?', 'did you mean `failOn`?'],
  },
  {
    name: 'an advisory setting at the top level',
    source: 'version: 1\nfailOn: warning\nacknowledge: { IP105: x }\n',
    expected: ['f.yaml:2:1: error: unknown key `failOn` at the top level', 'f.yaml:3:1: error: unknown key `acknowledge` at the top level'],
    fixes: [
      '`failOn` belongs in advisories',
      '`acknowledge` belongs in a user (`users.NAME.acknowledge`), or `advisories.acknowledge` for warnings about the account',
    ],
  },
  {
    name: 'empty file',
    source: '',
    expected: ['f.yaml:1:1: error: the file is empty'],
  },
  {
    name: 'only comments',
    source: '# nothing here yet\n',
    expected: ['f.yaml:1:1: error: the file is empty'],
  },
  {
    name: 'a list at the top level',
    source: '- version: 1\n',
    expected: ['f.yaml:1:1: error: the top level must be a map of settings (version, passwordPolicy, scope, defaults, users), got a list'],
  },
  {
    name: 'a single word at the top level',
    source: 'iampass\n',
    expected: ['f.yaml:1:1: error: the top level must be a map of settings (version, passwordPolicy, scope, defaults, users), got a single value'],
  },
];

describe('parseConfig: broken files', () => {
  it.each(broken)('$name', ({ source, expected, fixes }) => {
    const ds = failed(parseConfig(source, 'f.yaml'));
    expect(heads(ds)).toEqual(expected);
    if (fixes !== undefined) expect(ds.map((d) => d.hint)).toEqual(fixes);
    for (const d of ds) expect(d.message).not.toMatch(/must NOT|must match|must have required|must be equal to/);
  });
});

describe('loadConfig: broken fixture files', () => {
  it('reports every problem of a file at once, each at its place', async () => {
    const file = fixture('many-problems.iampass.yaml');
    const ds = failed(await loadConfig(file));
    expect(heads(ds).map((l) => l.slice(file.length))).toEqual([
      ':1:10: error: version must be 1, got 2',
      ':2:10: error: account must be a 12-digit AWS account id, got "12345"',
      ':3:1: warning: users must choose a new password at first sign-in (passwordResetRequired), but the policy does not allow users to change their password',
      ':4:18: error: minimumLength must be between 6 and 128, got 5',
      ':5:3: error: unknown key `requireUpercase` in passwordPolicy',
      ':6:15: error: maxAgeDays must be between 1 and 1095, got 2000',
      ':7:20: error: reusePrevention must be between 1 and 24, got 0',
      ':9:13: error: unlisted must be `ignore` or `disable`, got "delete"',
      ':12:21: error: console must be true or false, got "yes"',
      ':13:8: error: user bob needs `console: true` or `console: false`',
      ':14:3: error: invalid IAM user name `bad name`',
      ':16:3: error: `carol` and `Carol` are the same IAM user',
      ':17:26: error: breakglass is protected and cannot be given console: false',
      ':18:1: error: unknown key `colour` at the top level',
    ]);
    expect(ds.filter((d) => d.severity === 'error').length).toBeGreaterThanOrEqual(4);
    expect(ds.every((d) => d.file === file)).toBe(true);
    expect(ds.find((d) => d.message.includes('requireUpercase'))).toMatchObject({
      path: 'passwordPolicy.requireUpercase',
      hint: 'did you mean `requireUppercase`?',
    });
    expect(ds.find((d) => d.message.startsWith('console'))?.path).toBe('users.alice.console');
  });

  it('reports a duplicate key with where the first one is', async () => {
    const file = fixture('duplicate-key.iampass.yaml');
    const ds = failed(await loadConfig(file));
    expect(ds.map(formatDiagnostic)).toEqual([
      `${file}:5:3: error: duplicate key \`alice\` (first at 3:3)\n  fix: a key may appear only once in a map: keep one of the two (lines 3 and 5)`,
    ]);
  });

  it('stops at YAML syntax errors (bad indentation)', async () => {
    const file = fixture('bad-indent.iampass.yaml');
    const ds = failed(await loadConfig(file));
    expect(ds.map(formatDiagnostic)).toEqual([
      `${file}:4:4: error: bad indentation: \`requireSymbols\` is indented deeper than the key above it, so YAML reads it as part of that key's value\n` +
        '  fix: line `requireSymbols` up with the other keys of its map (or, to nest it, leave the key above without a value)',
    ]);
  });
});

describe('parseConfig: many problems', () => {
  it('reports a problem on each of 2,000 users, each at its own line', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `  u${i}: { console: maybe, password: x }`);
    const ds = failed(parseConfig(`version: 1\nusers:\n${users.join('\n')}\n`, 'f.yaml'));
    const consoles = ds.filter((d) => d.message === 'console must be true or false, got "maybe"');
    const passwords = ds.filter((d) => d.message === 'passwords never go in this file');
    expect(consoles.map((d) => d.line)).toEqual(users.map((_, i) => i + 3));
    expect(passwords.map((d) => d.line)).toEqual(users.map((_, i) => i + 3));
    expect(ds).toHaveLength(4000);
  });
});

describe('parseConfig: hostile files', () => {
  it.each([
    ['as people write it (the plain reader)', ''],
    ['with an anchor (the yaml library)', '\ndefaults: &d { passwordResetRequired: true }\nadvisories: *d'],
  ])('finds duplicate keys in a 20,000-entry map with both positions, %s', (_, extra) => {
    const users = Array.from({ length: 20_000 }, (_, i) => `  user-${String(i).padStart(5, '0')}: { console: true }`);
    users.push('  user-00007: { console: false }', '  user-19999: { console: false }');
    const ds = failed(parseConfig(`version: 1\nusers:\n${users.join('\n')}${extra}\n`, 'f.yaml'));
    const duplicates = heads(ds).filter((h) => h.includes('duplicate key'));
    expect(duplicates).toEqual([
      'f.yaml:20003:3: error: duplicate key `user-00007` (first at 10:3)',
      'f.yaml:20004:3: error: duplicate key `user-19999` (first at 20002:3)',
    ]);
    expect(ds.find((d) => d.line === 20003)?.hint).toBe('a key may appear only once in a map: keep one of the two (lines 10 and 20003)');
  });

  it.each([
    ['100,000 `[`', `version: 1\nusers: ${'['.repeat(100_000)}`, 'f.yaml:2:'],
    ['100,000 `{a: `', `version: 1\nusers: ${'{a: '.repeat(100_000)}`, 'f.yaml:2:'],
    ['70 levels of indented maps', `version: 1\n${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n`, 'f.yaml:'],
    ['100,000 `- `', `version: 1\nusers:\n${'- '.repeat(100_000)}x\n`, 'f.yaml:3:'],
  ])('stops at a stated nesting depth for %s, never a stack overflow', (_, source, where) => {
    const ds = failed(parseConfig(source, 'f.yaml'));
    expect(ds).toHaveLength(1);
    expect(heads(ds)[0]).toMatch(new RegExp(`^${where}.*error: lists and maps are nested more than 64 levels deep here`));
  });

  it('stops at the same depth when aliases nest within aliases', () => {
    const chain = Array.from({ length: 100 }, (_, i) => (i === 0 ? 'a0: &a0 [x]' : `a${i}: &a${i} [*a${i - 1}]`));
    const ds = failed(parseConfig(`version: 1\nx:\n${chain.map((l) => `  ${l}`).join('\n')}\n`, 'f.yaml'));
    expect(ds.map((d) => d.message).filter((m) => m.startsWith('lists and maps'))).toEqual([
      'lists and maps are nested more than 64 levels deep here, counting what aliases bring in',
    ]);
    expect(ds.some((d) => /stack/i.test(d.message))).toBe(false);
  });

  it('bounds what aliases expand to ("billion laughs")', () => {
    const levels = Array.from({ length: 12 }, (_, i) => (i === 0 ? 'l0: &l0 [x, x, x, x, x, x, x, x, x, x]' : `l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`));
    const ds = failed(parseConfig(`version: 1\nx:\n${levels.map((l) => `  ${l}`).join('\n')}\n`, 'f.yaml'));
    expect(ds.map((d) => d.message).filter((m) => m.startsWith('aliases expand'))).toEqual(['aliases expand the document to more than 100000 values']);
  });

  it('prints control characters and bidi overrides from keys as escapes, never raw', () => {
    const ds = failed(parseConfig('version: 1\n"\u001b[31mred\u001b[0m": 1\n"evil\u202eexe.txt": 2\n', 'f.yaml'));
    const printed = ds.map(formatDiagnostic).join('\n');
    expect(printed).toContain('unknown key `\\x1b[31mred\\x1b[0m` at the top level');
    expect(printed).toContain('unknown key `evil\\u202eexe.txt` at the top level');
    const raw = [...printed].filter((c) => c !== '\n' && (/\p{Cc}|\p{Cf}/u.test(c)));
    expect(raw).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('explains a top-level key `%s` like any unknown key', (key) => {
    const ds = failed(parseConfig(`version: 1\n${key}: { polluted: true }\n`, 'f.yaml'));
    expect(heads(ds)).toEqual([`f.yaml:2:1: error: unknown key \`${key}\` at the top level`]);
    expect(ds[0]?.hint).toMatch(/^valid keys at the top level: `version`/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts users named like JavaScript built-ins (legal IAM names), with their own settings', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    const src = `version: 1\nusers:\n${names.map((n, i) => `  ${n}: { console: ${i % 2 === 0}, rotation: r${i} }`).join('\n')}\n`;
    const { state } = succeeded(parseConfig(src, 'f.yaml'));
    expect(state.users.map((u) => [u.name, u.console, u.rotation])).toEqual(
      names.map((n, i) => [n, i % 2 === 0, `r${i}`]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
    );
  });
});

describe('loadConfig: unreadable files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iampass-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a missing file as one diagnostic, without throwing', async () => {
    const file = join(dir, 'nope.yaml');
    const ds = failed(await loadConfig(file));
    expect(ds).toEqual([
      {
        severity: 'error',
        file,
        line: 0,
        col: 0,
        message: 'file not found',
        hint: `check the path (looked for ${file}), or write one from the account: \`iampass import -o ${file}\``,
      },
    ]);
    expect(formatDiagnostic(ds[0] as Diagnostic)).toBe(
      `${file}: error: file not found\n  fix: check the path (looked for ${file}), or write one from the account: \`iampass import -o ${file}\``,
    );
  });

  it('reports a directory given as the file', async () => {
    const ds = failed(await loadConfig(dir));
    expect(heads(ds)).toEqual([`${dir}: error: this is a directory, not a regular file`]);
  });

  it('refuses a file over the stated limit without reading it', async () => {
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, 'version: 1\n');
    truncateSync(file, 16 * 1024 * 1024 + 1); // sparse: nothing is written
    const ds = failed(await loadConfig(file));
    expect(heads(ds)).toEqual([`${file}: error: this is over the 16 MiB limit for a desired-state file`]);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const file = join(dir, 'fifo.yaml');
    spawnSync('mkfifo', [file]);
    const ds = failed(await loadConfig(file));
    expect(heads(ds)).toEqual([`${file}: error: this is a named pipe (FIFO), not a regular file`]);
  });
});
