import { describe, expect, it } from 'vitest';
import { emitDesiredState, mergeDesiredState, type ImportedState } from '../../src/config/emit.js';
import { parseConfig } from '../../src/config/load.js';
import { diff } from '../../src/plan/diff.js';
import { CIS_POLICY, liveState, liveUser, profile } from '../support/builders.js';

const STATE: ImportedState = {
  account: '123456789012',
  passwordPolicy: { ...CIS_POLICY, reusePrevention: null },
  scope: { pathPrefix: '/staff/', tags: { team: 'platform' } },
  users: [
    { name: 'alice', console: true, resetPending: false },
    { name: 'bob', console: true, resetPending: true },
    { name: 'carol', console: false, resetPending: false },
  ],
};

/** The live state STATE was read from. */
const LIVE = liveState({
  passwordPolicy: STATE.passwordPolicy,
  users: [liveUser('alice', profile()), liveUser('bob', profile(true)), liveUser('carol', null)],
});

function load(text: string) {
  const result = parseConfig(text, 'iampass.yaml');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return result.state;
}

describe('import: a new file', () => {
  it('starts with the schema line and writes the live state whole', () => {
    expect(emitDesiredState(STATE, '../schema/iampass.schema.json')).toBe(`# yaml-language-server: $schema=../schema/iampass.schema.json

# Imported by \`iampass import\` from account 123456789012: the console state of 3 users.
# \`iampass plan\` against this file shows no changes; edit it to make some.

version: 1
account: "123456789012"
# The account password policy as it is now, every setting explicit.
passwordPolicy:
  minimumLength: 14
  requireUppercase: true
  requireLowercase: true
  requireNumbers: true
  requireSymbols: true
  allowUsersToChangePassword: true
  maxAgeDays: 90
  hardExpiry: false

scope:
  pathPrefix: /staff/
  tags: { team: platform }
  unlisted: ignore # users created later are left alone (disable: they would lose console access)
defaults:
  passwordResetRequired: true # passwords iampass sets must be changed at first sign-in

users:
  alice: { console: true }
  bob: { console: true }
  carol: { console: false }
`);
  });

  it('round-trips: the loader accepts it and the diff against the live state it came from is empty', () => {
    const desired = load(emitDesiredState(STATE, 'schema.json'));
    expect(desired.scope).toMatchObject({ pathPrefix: '/staff/', tags: { team: 'platform' }, unlisted: 'ignore' });
    expect(diff(desired, LIVE).actions).toEqual([]);
  });

  it('writes `default` when no custom policy is set, and no scope keys it was not given', () => {
    const text = emitDesiredState({ ...STATE, passwordPolicy: null, scope: { pathPrefix: null, tags: {} } }, 's.json');
    expect(text).toContain('passwordPolicy: default\n');
    expect(text).toContain('scope:\n  unlisted: ignore');
    expect(load(text).passwordPolicy).toEqual({ kind: 'aws-default' });
  });
});

describe('import --merge: into an existing file', () => {
  const EXISTING = `# Platform console access. Owned by #platform-security.
version: 1
passwordPolicy:
  minimumLength: 10   # raised in 2025 after the audit
  requireNumbers: true
scope:
  pathPrefix: /staff/
  tags: { team: platform }
  unlisted: disable   # nobody keeps access by accident
  protected: [breakglass]
defaults:
  passwordResetRequired: false
users:
  alice: { console: true }   # team lead
  bob: { console: true, passwordResetRequired: false }  # back from leave
  zed: { console: true }  # left the company
`;

  it('keeps every comment and setting it does not own, updates values in place, drops users no longer there', () => {
    const merged = mergeDesiredState(EXISTING, STATE, '../schema/iampass.schema.json', ['breakglass']);
    expect(merged).toEqual({
      ok: true,
      text: `# yaml-language-server: $schema=../schema/iampass.schema.json

# Platform console access. Owned by #platform-security.
version: 1
account: "123456789012"
passwordPolicy:
  minimumLength: 14 # raised in 2025 after the audit
  requireUppercase: true
  requireLowercase: true
  requireNumbers: true
  requireSymbols: true
  allowUsersToChangePassword: true
  maxAgeDays: 90
  hardExpiry: false
scope:
  pathPrefix: /staff/
  tags: { team: platform }
  unlisted: disable # nobody keeps access by accident
  protected: [ breakglass ]
defaults:
  passwordResetRequired: false
users:
  alice: { console: true } # team lead
  bob: { console: true, passwordResetRequired: true } # back from leave
  carol: { console: false }
`,
    });
  });

  it('round-trips against the live state, protected users and the file defaults included', () => {
    const merged = mergeDesiredState(EXISTING, { ...STATE, users: [...STATE.users, { name: 'breakglass', console: false, resetPending: false }] }, 's.json', ['breakglass']);
    if (!merged.ok) throw new Error(merged.problem);
    const desired = load(merged.text);
    expect(desired.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    const live = liveState({ ...LIVE, users: [...LIVE.users, liveUser('breakglass', null)] });
    expect(diff(desired, live).actions).toEqual([]);
  });

  it('leaves an unmanaged policy unmanaged', () => {
    const merged = mergeDesiredState('version: 1\nusers: {}\n', STATE, 's.json', []);
    if (!merged.ok) throw new Error(merged.problem);
    expect(merged.text).not.toContain('passwordPolicy');
    expect(load(merged.text).passwordPolicy).toEqual({ kind: 'unmanaged' });
  });

  it('writes the schema line once, however often it merges, even with no blank line after it', () => {
    const source = '# yaml-language-server: $schema=s.json\nversion: 1\nusers: {}\n';
    const once = mergeDesiredState(source, STATE, 's.json', []);
    if (!once.ok) throw new Error(once.problem);
    const twice = mergeDesiredState(once.text, STATE, 's.json', []);
    if (!twice.ok) throw new Error(twice.problem);
    expect(twice.text).toBe(once.text);
    expect(twice.text.match(/yaml-language-server/g)).toHaveLength(1);
  });

  it('adopts users into a file that rotates without rotating them: rotation: false unless their token is the default', () => {
    const source = 'version: 1\ndefaults: { rotation: "2026-Q4" }\nusers:\n  alice: { console: true }\n';
    const state: ImportedState = {
      ...STATE,
      users: [
        { name: 'alice', console: true, resetPending: false, rotation: null },
        { name: 'bob', console: true, resetPending: false, rotation: '2026-Q4' },
        { name: 'carol', console: false, resetPending: false, rotation: null },
        { name: 'dave', console: true, resetPending: false, rotation: '2025-Q1' },
      ],
    };
    const merged = mergeDesiredState(source, state, 's.json', []);
    if (!merged.ok) throw new Error(merged.problem);
    expect(merged.text).toContain('  alice: { console: true }\n');
    expect(merged.text).toContain('  bob: { console: true }\n');
    expect(merged.text).toContain('  carol: { console: false }\n');
    expect(merged.text).toContain('  dave: { console: true, rotation: false } # adopted by import: no "2026-Q4" rotation recorded; remove rotation: false to rotate it\n');
    const desired = load(merged.text);
    const live = liveState({
      passwordPolicy: null,
      users: [
        liveUser('alice', profile(), { rotation: null }),
        liveUser('bob', profile(), { rotation: '2026-Q4' }),
        liveUser('carol', null),
        liveUser('dave', profile(), { rotation: '2025-Q1' }),
      ],
    });
    // alice was already listed: the file's own rotation of her stands (that is a change the file asked for)
    expect(diff(desired, live).actions.map((a) => ('user' in a ? `${a.kind} ${a.user}` : a.kind))).toEqual(['update-login-profile alice']);
  });

  it('refuses a file that is not YAML rather than guess', () => {
    expect(mergeDesiredState('users: [\n', STATE, 's.json', [])).toMatchObject({ ok: false, problem: expect.stringContaining('not valid YAML') });
  });
});
