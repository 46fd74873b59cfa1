/**
 * Apply keeps its promises when the network lies: the built binary against the sandbox, through a fault proxy that
 * executes a write and then drops, truncates or garbles its reply, answers 500 after carrying it out, or goes away
 * altogether (runs that overlap or die are in reliability-races.test.ts). After every scenario,
 * every user's newest delivered password is checked against the sandbox's stored hash, and "No changes" must be
 * the truth.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { baseEnv, buildAccount, deliveredPasswords, everyDelivered, motoAvailable, motoTarget, runCli, sandboxTarget, tempDir, transcript, writeConfig, type Target } from './harness.js';
import { account, config, expectEveryPasswordValid, names, secrets } from './reliability-fixtures.js';

describe('apply under faults (built binary, sandbox behind a fault proxy)', () => {
  let target: Target;
  let proxy: FaultProxy;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const users = names(4);

  beforeEach(async () => {
    target = await sandboxTarget();
    await buildAccount(target, account(users));
    proxy = await startFaultProxy(target.url);
    dir = await tempDir();
    // Two attempts per call keep the retries short; the protocol, not the retries, is under test.
    env = { ...baseEnv(proxy.url), AWS_MAX_ATTEMPTS: '2' };
    await writeConfig(dir, config(users));
  });
  afterEach(async () => {
    await proxy.close();
    await target.close();
  });

  const apply = (...extra: string[]) => runCli(['apply', '--auto-approve', '--password-dir', 'pw', ...extra], { env, cwd: dir });
  const plan = () => runCli(['plan', '--detailed-exitcode'], { env, cwd: dir });

  const once: Array<[string, FaultRule]> = [
    ['IAM created the profile but the reply was dropped', { action: 'CreateLoginProfile', user: 'user-001', fault: 'drop-after', times: 1 }],
    ['IAM created the profile but the reply was cut short', { action: 'CreateLoginProfile', user: 'user-001', fault: 'truncate', times: 1 }],
    ['IAM created the profile but the reply was garbage', { action: 'CreateLoginProfile', user: 'user-001', fault: 'malform', times: 1 }],
    ['IAM created the profile but answered 500', { action: 'CreateLoginProfile', user: 'user-001', fault: 'error-after', times: 1 }],
  ];
  it.each(once)('%s: apply converges on a known password in the same run', async (_name, rule) => {
    proxy.setRules([rule]);
    const applied = await apply();
    expect(applied.stdout).toContain('Apply complete. 4 done, 0 failed.');
    expect(applied.code).toBe(0);
    expect(await expectEveryPasswordValid(target, `${dir}/pw`, users)).toBe(4);
    proxy.setRules([]);
    const after = await plan();
    expect(after.stdout).toContain('No changes.');
    expect(after.code).toBe(0);
  });

  it('a reply lost and IAM gone before it could be read back: the next plan says so, and the next apply converges', async () => {
    proxy.setRules([
      { action: 'CreateLoginProfile', user: 'user-002', fault: 'drop-after' },
      { action: 'GetLoginProfile', user: 'user-002', fault: 'drop-before', after: 'CreateLoginProfile' },
      { action: 'UpdateLoginProfile', user: 'user-002', fault: 'drop-before' },
    ]);
    const failed = await apply();
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/user-002.*IAM may or may not have set the new password/);
    expect(failed.stdout).toContain('3 done, 1 failed');
    proxy.setRules([]);

    const planned = await plan();
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/~ user-002\s+set a new, known password/);
    expect(planned.stdout).toContain('an earlier apply could not confirm which password IAM holds');

    const again = await apply();
    expect(again.code).toBe(0);
    expect(await expectEveryPasswordValid(target, `${dir}/pw`, users)).toBe(4);
    expect((await plan()).stdout).toContain('No changes.');
  });

  it('a rotation answered 500 after IAM ran it keeps the earlier delivery until a newer password is confirmed', async () => {
    expect((await apply()).code).toBe(0);
    const first = await deliveredPasswords(`${dir}/pw`);
    await writeConfig(dir, config(users, '2026-Q4'));
    proxy.setRules([
      { action: 'UpdateLoginProfile', user: 'user-003', fault: 'error-after' },
      { action: 'GetLoginProfile', user: 'user-003', fault: 'drop-before', after: 'UpdateLoginProfile' },
    ]);
    const failed = await apply();
    expect(failed.code).toBe(1);
    // IAM holds the first unconfirmed write's password now, not the earlier one: the earlier file stays, the newer
    // one stays unconfirmed beside it, and nobody is told either is the current one.
    expect((await deliveredPasswords(`${dir}/pw`)).get('user-003')).toBe(first.get('user-003'));
    expect((await everyDelivered(`${dir}/pw`)).length).toBeGreaterThan(users.length);
    proxy.setRules([]);
    const planned = (await plan()).stdout;
    // still a rotation (its token was never recorded), now for a reason the plan gives
    expect(planned).toMatch(/~ user-003\s+rotate the password/);
    expect(planned).toContain('an earlier apply could not confirm which password IAM holds');
    expect((await apply()).code).toBe(0);
    expect(await expectEveryPasswordValid(target, `${dir}/pw`, users)).toBe(4);
    expect((await plan()).stdout).toContain('No changes.');
  });
});

describe.runIf(motoAvailable())('the same promises on moto (a second opinion)', () => {
  it('a create whose reply was dropped converges, the journal is cleared, and the next plan is empty', async () => {
    const target = await motoTarget();
    const proxy = await startFaultProxy(target.url, [{ action: 'CreateLoginProfile', user: 'user-001', fault: 'drop-after', times: 1 }]);
    try {
      const users = names(3);
      await buildAccount(target, account(users));
      const dir = await tempDir();
      await writeConfig(dir, config(users));
      const env = { ...baseEnv(proxy.url), AWS_MAX_ATTEMPTS: '2' };
      const applied = await runCli(['apply', '--auto-approve', '--password-dir', 'pw'], { env, cwd: dir });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect((await deliveredPasswords(`${dir}/pw`)).size).toBe(3);
      expect((await runCli(['plan'], { env, cwd: dir })).stdout).toContain('No changes.');
    } finally {
      await proxy.close();
      await target.close();
    }
  });
});

describe('secrets', () => {
  it('no output of this suite holds a password it delivered', () => {
    expect(transcript.length).toBeGreaterThan(10);
    expect(secrets.size).toBeGreaterThan(10);
    for (const secret of secrets) for (const text of transcript) expect(text.includes(secret), 'a password leaked into an output').toBe(false);
  });
});

