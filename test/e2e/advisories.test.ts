/**
 * The advisories, end to end: the built binary against the sandbox seeded from examples/sandbox/account.yaml
 * (bob has an active access key, erin has no MFA, dave may not change his own password, carol may).
 * `advisories.unusedDays: 1095` keeps IP104 out of these scenarios so they do not depend on today's date.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetLoginProfileCommand } from '@aws-sdk/client-iam';
import { baseEnv, ROOT, runCli, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';

const SEED = join(ROOT, 'examples', 'sandbox', 'account.yaml');

/** CIS in everything but letting users change their own password, so forced resets need a simulation. */
const STRICT_POLICY = `passwordPolicy:
  minimumLength: 14
  requireUppercase: true
  requireLowercase: true
  requireNumbers: true
  requireSymbols: true
  allowUsersToChangePassword: false
  maxAgeDays: 90
  reusePrevention: 24
`;

/** Governs the five /staff/ users it lists; breakglass is in scope but unlisted (ignored). */
const STAFF = `version: 1
account: "123456789012"
${STRICT_POLICY}scope:
  pathPrefix: /staff/
advisories:
  unusedDays: 1095
users:
  alice: { console: true }
  bob: { console: false }
  carol: { console: true }
  dave: { console: true }
  erin: { console: true }
`;

const IN_SCOPE = ['alice', 'bob', 'breakglass', 'carol', 'dave', 'erin'];

describe('advisories end to end against the seeded sandbox', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    target = await sandboxTarget({ seed: SEED });
    env = baseEnv(target.url);
    dir = await tempDir();
  });
  afterEach(async () => target.close());

  const count = (actions: string[], name: string) => actions.filter((a) => a === name).length;

  it('warns before apply: active keys on disable, a reset nobody can perform, no MFA; with one extra call per user at most', async () => {
    const file = await writeConfig(dir, STAFF);
    const before = target.actions().length;
    const result = await runCli(['plan', '-c', file, '--detailed-exitcode'], { env });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(2);

    const out = result.stdout;
    expect(out).toContain('IP101 bob keeps 1 active access key after console access is removed: API and CLI access continue');
    expect(out).toMatch(/IP102 dave must choose a new password at next sign-in but may be locked out: .* iam:ChangePassword is denied for dave/);
    expect(out).not.toContain('IP102 carol');
    expect(out).toContain('IP103 carol gets console access without an MFA device (CIS 1.10)');
    expect(out).toContain('IP103 erin keeps console access without an MFA device (CIS 1.10)');
    expect(out).not.toContain('IP103 alice');
    expect(out).toMatch(/Advisories used the credential report generated \d{4}-\d\d-\d\d \d\d:\d\d UTC, less than a minute before this plan\./);
    expect(out.indexOf('Warnings (')).toBeLessThan(out.indexOf('Plan: 2 to add'));

    // The calls: the plan's own reads (with the journal of unconfirmed passwords: one GetGroup), the report
    // (generate, poll, get), and per user at most one more.
    const actions = target.actions().slice(before);
    const reads = ['GetCallerIdentity', 'GetAccountPasswordPolicy', 'GetGroup', 'ListUsers', 'GetLoginProfile'];
    const report = ['GenerateCredentialReport', 'GetCredentialReport'];
    const perUser = ['SimulatePrincipalPolicy', 'ListAccessKeys', 'ListMFADevices', 'GetUser'];
    expect(actions.filter((a) => !reads.includes(a) && !report.includes(a) && !perUser.includes(a))).toEqual([]);
    expect(count(actions, 'GetLoginProfile')).toBe(5);
    expect(count(actions, 'GetGroup')).toBe(1);
    expect(count(actions, 'GetCredentialReport')).toBe(1);
    expect(count(actions, 'GenerateCredentialReport')).toBeLessThanOrEqual(3);
    // Only carol and dave are forced to reset under a policy that does not let users change passwords.
    expect(count(actions, 'SimulatePrincipalPolicy')).toBe(2);
    const extraPerUser = perUser.reduce((n, a) => n + count(actions, a), 0);
    expect(extraPerUser).toBeLessThanOrEqual(IN_SCOPE.length);
    expect(target.requests()).toBe(before + actions.length);
  });

  it('puts the warnings in the JSON plan, acknowledged ones marked', async () => {
    const file = await writeConfig(dir, STAFF.replace('erin: { console: true }', 'erin: { console: true, acknowledge: { IP103: "hardware key on order" } }'));
    const result = await runCli(['plan', '-c', file, '--format', 'json'], { env });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { warnings: Array<{ id: string; user?: string; acknowledged?: { reason: string }; fix: string }>; credentialReport?: unknown };
    expect(plan.warnings.map((w) => `${w.id} ${w.user ?? '-'}${w.acknowledged ? ` (${w.acknowledged.reason})` : ''}`)).toEqual([
      'IP101 bob',
      'IP102 dave',
      'IP103 carol',
      'IP103 dave',
      'IP103 erin (hardware key on order)',
      'IP108 carol',
      'IP108 dave',
    ]);
    expect(plan.warnings.every((w) => w.fix.length > 0)).toBe(true);
    expect(plan.credentialReport).toMatchObject({ ageMinutes: 0 });
  });

  it('--fail-on warning fails the plan, naming each warning; acknowledging them all lets it pass', async () => {
    const file = await writeConfig(dir, STAFF);
    const failed = await runCli(['plan', '-c', file, '--fail-on', 'warning'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Plan: 2 to add');
    expect(failed.stderr).toContain(
      'plan failed: 7 warnings are not acknowledged (--fail-on: warning): IP101 bob, IP102 dave, IP103 carol, IP103 dave, IP103 erin, IP108 carol, IP108 dave',
    );
    expect(failed.stderr).toContain('users.NAME.acknowledge.ID');

    const acknowledged = STAFF.replace('bob: { console: false }', 'bob: { console: false, acknowledge: { IP101: "moved to API-only work: keys stay" } }')
      .replace('carol: { console: true }', 'carol: { console: true, acknowledge: { IP103: "MFA enrolment booked for Monday", IP108: "password handed over in person" } }')
      .replace('dave: { console: true }', 'dave: { console: true, acknowledge: { IP102: "helpdesk resets it with him", IP103: "joins MFA with carol", IP108: "password handed over in person" } }')
      .replace('erin: { console: true }', 'erin: { console: true, acknowledge: { IP103: "hardware key on order" } }');
    await writeConfig(dir, acknowledged);
    const passed = await runCli(['plan', '-c', file, '--fail-on', 'warning', '--detailed-exitcode'], { env });
    expect(passed.stderr).not.toContain('failed');
    expect(passed.code).toBe(2);
    expect(passed.stdout).toContain('Warnings (7, 7 acknowledged):');
    expect(passed.stdout).toContain('  IP101 bob keeps 1 active access key after console access is removed: API and CLI access continue\n         acknowledged: moved to API-only work: keys stay');
  });

  it('takes failOn from the file, lets --fail-on none override it, and makes apply refuse before writing', async () => {
    const file = await writeConfig(dir, STAFF.replace('advisories:\n', 'advisories:\n  failOn: warning\n'));
    const planned = await runCli(['plan', '-c', file], { env });
    expect(planned.code).toBe(1);
    expect(planned.stderr).toContain('(advisories.failOn: warning)');
    expect((await runCli(['plan', '-c', file, '--fail-on', 'none'], { env })).code).toBe(0);

    const applied = await runCli(['apply', '-c', file, '--auto-approve', '--password-dir', join(dir, 'passwords')], { env });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('apply failed: 7 warnings are not acknowledged');
    expect(applied.stderr).toContain('Nothing was changed.');
    expect((await target.iam.send(new GetLoginProfileCommand({ UserName: 'bob' }))).LoginProfile).toBeDefined();
  });
});

describe('IP102 at one simulation per permission set', () => {
  let target: Target;
  let dir: string;

  /** 60 users at /team/ with no policy, 12 who may change their password, and one whose permission hangs on a tag. */
  const PLAIN = Array.from({ length: 60 }, (_, i) => `plain-${String(i).padStart(2, '0')}`);
  const ABLE = Array.from({ length: 12 }, (_, i) => `able-${String(i).padStart(2, '0')}`);
  const SEED_YAML = `account: "123456789012"
caller: admin
users:
  - name: admin
    loginProfile: {}
${PLAIN.map((n) => `  - { name: ${n}, path: /team/ }`).join('\n')}
${ABLE.map((n) => `  - { name: ${n}, path: /team/, canChangePassword: true }`).join('\n')}
  - name: tagged
    path: /team/
    tags: { team: red }
    inlinePolicies:
      Team: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "iam:ChangePassword", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/team": blue } } }] }
`;
  const FILE = `version: 1
account: "123456789012"
${STRICT_POLICY}scope:
  pathPrefix: /team/
advisories:
  unusedDays: 1095
users:
${[...PLAIN, ...ABLE, 'tagged'].map((n) => `  ${n}: { console: true }`).join('\n')}
`;

  beforeEach(async () => {
    dir = await tempDir();
    const seed = join(dir, 'seed.yaml');
    await writeFile(seed, SEED_YAML);
    target = await sandboxTarget({ seed });
  });
  afterEach(async () => target.close());

  it('simulates one member of each class of identical permissions, and says what the advisories cost', async () => {
    const file = await writeConfig(dir, FILE);
    const before = target.actions().length;
    const result = await runCli(['plan', '-c', file, '--format', 'json'], { env: baseEnv(target.url) });
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    const actions = target.actions().slice(before);
    const count = (name: string) => actions.filter((a) => a === name).length;
    // 73 users forced to reset: 60 alike, 12 alike, and one whose answer hangs on its tag.
    expect(count('SimulatePrincipalPolicy')).toBe(3);
    expect(count('GetAccountAuthorizationDetails')).toBe(1);
    expect(count('GetPolicy')).toBe(1);
    expect(count('GetPolicyVersion')).toBe(1);

    const plan = JSON.parse(result.stdout) as { warnings: Array<{ id: string; user?: string }>; factsCost: Record<string, unknown> };
    const locked = plan.warnings.filter((w) => w.id === 'IP102').map((w) => w.user);
    expect(locked).toEqual([...PLAIN, 'tagged']);
    expect(plan.factsCost).toMatchObject({
      calls: count('GenerateCredentialReport') + count('GetCredentialReport') + 3 + 1 + 2,
      byOperation: { GetAccountAuthorizationDetails: 1, GetPolicy: 1, GetPolicyVersion: 1, SimulatePrincipalPolicy: 3 },
      changePassword: { method: 'by-permission-set', usersAsked: 73, simulations: 3, shared: { classes: 2, members: 72 } },
    });

    const text = await runCli(['plan', '-c', file], { env: baseEnv(target.url) });
    expect(text.stdout).toMatch(/The advisories cost \d+ IAM calls \(GenerateCredentialReport \d, GetAccountAuthorizationDetails 1, GetCredentialReport 1, GetPolicy 1, GetPolicyVersion 1, SimulatePrincipalPolicy 3\)\. iam:ChangePassword: 3 simulations for 73 users, 72 of them in 2 classes of identical permissions/);
  });
});

describe('iampass lint (offline)', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    target = await sandboxTarget({ seed: SEED });
    env = baseEnv(target.url);
    dir = await tempDir();
  });
  afterEach(async () => target.close());

  const WEAK = `version: 1
passwordPolicy:
  minimumLength: 8
  requireNumbers: true
  allowUsersToChangePassword: true
  maxAgeDays: 90
  hardExpiry: true
advisories:
  failOn: warning
users:
  alice: { console: true }
`;

  it('shows the warnings the file alone can show, exits 1 per failOn, and calls nothing', async () => {
    const file = await writeConfig(dir, WEAK);
    const before = target.requests();
    const failed = await runCli(['lint', '-c', file], { env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(
      'IP105 the password policy is weaker than the CIS AWS Foundations Benchmark: minimumLength 8 (CIS: 14 or more), requireUppercase off, requireLowercase off, requireSymbols off, reusePrevention off (CIS: 24)',
    );
    expect(failed.stdout).toContain('IP106 hardExpiry is on: a user whose password expires (after 90 days) is locked out until an administrator resets it');
    expect(failed.stdout).toContain(`${file}: 2 warnings from the file alone; \`iampass plan\` adds the checks that need live IAM.`);
    expect(failed.stderr).toContain('lint failed: 2 warnings are not acknowledged (advisories.failOn: warning): IP105, IP106');

    expect((await runCli(['lint', '-c', file, '--fail-on', 'none'], { env })).code).toBe(0);

    await writeConfig(
      dir,
      WEAK.replace('  failOn: warning\n', '  failOn: warning\n  acknowledge:\n    IP105: "8 characters until the SSO move"\n    IP106: "admins reset expired passwords the same day"\n'),
    );
    const passed = await runCli(['lint', '-c', file], { env });
    expect(passed.code).toBe(0);
    expect(passed.stdout).toContain('2 warnings (2 acknowledged) from the file alone');
    expect(target.requests()).toBe(before);
  });

  it('passes the shipped example, and fails a broken file like validate does', async () => {
    const ok = await runCli(['lint', '-c', 'examples/iampass.yaml', '--fail-on', 'warning'], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    expect(ok.code).toBe(0);
    const file = await writeConfig(dir, 'version: 1\nusers:\n  alice: { console: true, acknowledge: { IP105: x } }\n');
    const broken = await runCli(['lint', '-c', file], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${file}:3:42: error: unknown warning id \`IP105\` in users.alice.acknowledge`);
    expect(broken.stderr).toContain('IP105 is about the account, not one user: acknowledge it under advisories.acknowledge');
  });
});
