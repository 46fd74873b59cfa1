/**
 * Saved plans through the built binary against the sandbox: `plan --out FILE`, then `apply FILE` applies exactly
 * those actions, or refuses a plan that no longer holds (exit 1, not one write) and names what changed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateLoginProfileCommand, DeleteLoginProfileCommand, GetAccountPasswordPolicyCommand, UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { parsePlanDocument } from '../../src/plan/saved.js';
import {
  baseEnv,
  buildAccount,
  deliveredPasswords,
  runCli,
  sandboxTarget,
  SEEDED_PASSWORD,
  tempDir,
  transcript,
  writeConfig,
  type Target, loginProfileOf } from './harness.js';
import { ACCOUNT, CONFIG, WRITE } from './fixtures.js';

describe('saved plans (built binary, sandbox)', () => {
  let target: Target;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let config: string;
  let planFile: string;

  beforeEach(async () => {
    target = await sandboxTarget();
    await buildAccount(target, ACCOUNT);
    env = baseEnv(target.url);
    dir = await tempDir();
    config = await writeConfig(dir, CONFIG);
    planFile = join(dir, 'iampass.plan.json');
  });
  /** Every password this suite handled, and every saved plan it wrote, for the final search. */
  const secrets = new Set<string>([SEEDED_PASSWORD]);
  const savedPlans: string[] = [];
  afterEach(async () => {
    for (const p of (await deliveredPasswords(join(dir, 'passwords'))).values()) secrets.add(p);
    savedPlans.push(await readFile(planFile, 'utf8').catch(() => ''));
    await target.close();
  });
  afterAll(() => {
    expect(secrets.size).toBeGreaterThan(2);
    for (const secret of secrets) {
      for (const text of [...transcript, ...savedPlans]) expect(text.includes(secret), `a password leaked into: ${text.slice(0, 200)}`).toBe(false);
    }
  });

  const savePlan = () => runCli(['plan', '-c', config, '--out', planFile, '--detailed-exitcode'], { env });
  const applyPlan = (...extra: string[]) => runCli(['apply', planFile, '--password-dir', join(dir, 'passwords'), ...extra], { env });
  const profileOf = (user: string) => loginProfileOf(target, user);
  const minimumLength = async () => (await target.iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy?.MinimumPasswordLength;

  /** Runs `fn` and returns the IAM writes the sandbox logged meanwhile, and whether its state file changed. */
  async function watchWrites(fn: () => Promise<void>): Promise<{ writes: string[]; stateChanged: boolean }> {
    const [stateBefore] = await target.artefacts();
    const seen = target.requestLog()?.length ?? 0;
    await fn();
    const [stateAfter] = await target.artefacts();
    return { writes: (target.requestLog() ?? []).slice(seen).filter((l) => WRITE.test(l)), stateChanged: stateAfter !== stateBefore };
  }

  it('round trip: plan --out saves a valid, secret-free document; apply FILE carries out exactly it; the next plan is empty', async () => {
    const planned = await savePlan();
    expect(planned.code).toBe(2);
    expect(planned.stderr).toContain(`Saved the plan to ${planFile}; \`iampass apply ${planFile}\` applies exactly these actions.`);
    expect(planned.stdout).toContain('Plan: 1 to add, 1 to change, 2 to destroy.');
    const saved = await readFile(planFile, 'utf8');
    const parsed = parsePlanDocument(saved);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.doc.actions.map((a) => `${a.kind} ${'user' in a ? a.user : ''}`.trim())).toEqual([
      'update-password-policy',
      'create-login-profile carol',
      'delete-login-profile bob',
      'delete-login-profile dave',
    ]);
    expect(parsed.doc.basis.users.map((u) => u.name)).toEqual(['bob', 'carol', 'dave']);
    expect(parsed.doc.config.file).toBe(config);

    // `--format json` prints the very same document
    const json = await runCli(['plan', '-c', config, '--format', 'json'], { env });
    expect(json.stdout).toBe(saved);

    let applied = { code: null as number | null, stdout: '', stderr: '' };
    const watched = await watchWrites(async () => {
      applied = await applyPlan();
    });
    // the same watch that sees no write in the stale cases sees these: the lock taken, the policy, carol's password
    // recorded in the journal, set, and the record cleared, the removals, the lock released
    expect(watched.writes.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual([
      'CreatePolicy user=-',
      'UpdateAccountPasswordPolicy user=-',
      'CreateGroup user=-',
      'AddUserToGroup user=carol',
      'CreateLoginProfile user=carol',
      'RemoveUserFromGroup user=carol',
      'DeleteLoginProfile user=bob',
      'DeleteLoginProfile user=dave',
      'DeletePolicy user=-',
    ]);
    expect(watched.stateChanged).toBe(true);
    expect(applied.stderr).toContain('The saved plan still holds.');
    expect(applied.stdout).toContain('Apply complete. 4 done, 0 failed.');
    expect(applied.code).toBe(0);
    expect(await profileOf('carol')).not.toBeNull();
    expect(await profileOf('bob')).toBeNull();
    expect(await minimumLength()).toBe(14);

    const again = await runCli(['plan', '-c', config, '--detailed-exitcode'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    const passwords = [...(await deliveredPasswords(join(dir, 'passwords'))).values(), SEEDED_PASSWORD];
    expect(passwords).toHaveLength(2);
    for (const p of passwords) expect(saved).not.toContain(p);
  });

  it('applies only the saved actions, never a fresh diff: drift elsewhere since the plan is left for the next plan', async () => {
    expect((await savePlan()).code).toBe(2);
    // alice is not acted on by the plan: losing her password since is not the saved plan's business
    await target.iam.send(new DeleteLoginProfileCommand({ UserName: 'alice' }));
    const applied = await applyPlan();
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete. 4 done, 0 failed.');
    expect(await profileOf('alice')).toBeNull();
    const next = await runCli(['plan', '-c', config], { env });
    expect(next.stdout).toMatch(/\+ alice\s+enable console access/);
  });

  it('applied twice, the second apply finds it stale', async () => {
    expect((await savePlan()).code).toBe(2);
    expect((await applyPlan()).code).toBe(0);
    const second = await applyPlan();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('is stale');
  });

  const staleCases: Array<{ name: string; change: () => Promise<void>; expected: string[] }> = [
    {
      name: 'a login profile the plan acts on changed',
      change: async () => {
        await target.iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: SEEDED_PASSWORD, PasswordResetRequired: false }));
      },
      expected: [`error: saved plan PLAN is stale: 1 thing changed since it was made`, '  - user carol: login profile was absent, now present (created '],
    },
    {
      name: 'the password policy changed',
      change: async () => {
        await target.iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 10, RequireNumbers: true }));
      },
      expected: ['  - password policy: minimumLength was 8, now 10'],
    },
    {
      name: 'the config file changed (even by a comment)',
      change: async () => {
        await writeFile(config, `${CONFIG}# reviewed\n`);
      },
      expected: ['  - the configuration changed: CONFIG has sha256 '],
    },
  ];
  for (const { name, change, expected } of staleCases) {
    it(`refuses, exit 1 and not one write, when ${name}`, async () => {
      expect((await savePlan()).code).toBe(2);
      await change();
      const before = { bob: await profileOf('bob'), minimumLength: await minimumLength() };
      let result = { code: null as number | null, stdout: '', stderr: '' };
      const watched = await watchWrites(async () => {
        result = await applyPlan();
      });
      expect(result.code).toBe(1);
      for (const line of expected) expect(result.stderr).toContain(line.replace('PLAN', planFile).replace('CONFIG', config));
      expect(result.stderr).toContain('  fix: make a new plan');
      expect(result.stderr).toContain('Nothing was changed.');
      expect(result.stdout).toBe('');
      expect(watched).toEqual({ writes: [], stateChanged: false });
      expect({ bob: await profileOf('bob'), minimumLength: await minimumLength() }).toEqual(before);
    });
  }

  it('re-reads only what the plan depends on: the caller, the policy, the journal, one listing for paths, and each acted-on user', async () => {
    expect((await savePlan()).code).toBe(2);
    await target.iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 10, RequireNumbers: true }));
    const seen = target.requestLog()?.length ?? 0;
    expect((await applyPlan()).code).toBe(1);
    const actions = (target.requestLog() ?? []).slice(seen).map((l) => l.split(' ').slice(1, 3).join(' '));
    expect(actions.sort()).toEqual([
      'GetAccountPasswordPolicy user=-',
      'GetCallerIdentity user=-',
      'GetGroup user=-',
      'GetLoginProfile user=bob',
      'GetLoginProfile user=carol',
      'GetLoginProfile user=dave',
      'ListUserTags user=bob',
      'ListUserTags user=carol',
      'ListUserTags user=dave',
      'ListUsers user=-',
    ]);
  });

  it('refuses a changed config file before any call to AWS', async () => {
    expect((await savePlan()).code).toBe(2);
    await writeFile(config, `${CONFIG}# changed\n`);
    const before = target.requests();
    const result = await applyPlan();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  - the configuration changed: ');
    expect(target.requests()).toBe(before);
  });

  it('refuses a plan made for another account, reading nothing more there', async () => {
    expect((await savePlan()).code).toBe(2);
    const seed = join(dir, 'other.yaml');
    await writeFile(seed, 'account: "210987654321"\ncaller: admin\nusers:\n  - name: admin\n  - name: bob\n    loginProfile: {}\n');
    const other = await sandboxTarget({ seed });
    try {
      const result = await runCli(['apply', planFile, '--password-dir', join(dir, 'passwords')], { env: baseEnv(other.url) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        '  - the account changed: the plan is for account 123456789012, the credentials are for account 210987654321 (arn:aws:iam::210987654321:user/admin)',
      );
      expect(other.requestLog()?.map((l) => l.split(' ')[1])).toEqual(['GetCallerIdentity']);
    } finally {
      await other.close();
    }
  });

  it('refuses another format version, or an edited document, before any call', async () => {
    expect((await savePlan()).code).toBe(2);
    const doc = JSON.parse(await readFile(planFile, 'utf8'));
    const before = target.requests();

    await writeFile(planFile, JSON.stringify({ ...doc, formatVersion: 1 }));
    const older = await applyPlan();
    expect(older.code).toBe(1);
    expect(older.stderr).toContain(`error: saved plan ${planFile} cannot be applied: it has formatVersion 1, and this iampass applies formatVersion 2 only`);
    expect(older.stderr).toContain('Nothing was changed.');

    doc.actions[1].after.password = { kind: 'generated', value: 'chosen-by-hand' };
    await writeFile(planFile, JSON.stringify(doc));
    const edited = await applyPlan();
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('does not match schema/plan.schema.json: at /actions/1/after/password');

    const missing = await runCli(['apply', join(dir, 'nope.json')], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error: saved plan ${join(dir, 'nope.json')} does not exist`);
    expect(target.requests()).toBe(before);
  });

  it('refuses before any call when the plan creates a profile and there is nowhere to deliver its password', async () => {
    expect((await savePlan()).code).toBe(2);
    const before = target.requests();
    const result = await runCli(['apply', planFile], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pass --password-dir DIR');
    expect(target.requests()).toBe(before);
  });

  it('checks the file named with -c when the plan was made elsewhere', async () => {
    expect((await savePlan()).code).toBe(2);
    const moved = join(dir, 'moved.yaml');
    await writeFile(moved, CONFIG);
    await writeFile(config, 'version: 1\n');
    const result = await applyPlan('-c', moved);
    expect(result.stderr).toContain(`Checking the saved plan ${planFile} against ${moved} and live IAM...`);
    expect(result.code).toBe(0);
  });
});
