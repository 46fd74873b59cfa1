/**
 * Apply keeps its promises when the network lies: the built binary against the sandbox, through a fault proxy that
 * executes a write and then drops, truncates or garbles its reply, answers 500 after carrying it out, or goes away
 * altogether; two applies at once; and kill -9 at random points, each followed by a rerun. After every scenario,
 * every user's newest delivered password is checked against the sandbox's stored hash, and "No changes" must be
 * the truth.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import {
  BIN,
  ROOT,
  baseEnv,
  buildAccount,
  deliveredPasswords,
  everyDelivered,
  motoAvailable,
  motoTarget,
  runCli,
  sandboxAccepts,
  sandboxTarget,
  tempDir,
  transcript,
  writeConfig,
  type AccountSpec,
  type CliResult,
  type Target,
} from './harness.js';

const names = (n: number, prefix = 'user') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

function account(users: string[]): AccountSpec {
  return { users: [{ name: 'admin', console: { passwordResetRequired: false } }, ...users.map((name) => ({ name, path: '/staff/' }))] };
}

function config(users: string[], rotation?: string): string {
  return `version: 1
scope: { pathPrefix: /staff/ }
defaults:
  passwordResetRequired: true${rotation ? `\n  rotation: "${rotation}"` : ''}
users:
${users.map((u) => `  ${u}: { console: true }`).join('\n')}
`;
}

/** Every password this suite delivered, confirmed or not, for the final search of every output. */
const secrets = new Set<string>();

/**
 * Every user's newest delivered password is the one the sandbox holds, and no temporary file of an interrupted write
 * is left; returns how many users were checked.
 */
async function expectEveryPasswordValid(target: Target, dir: string, users: string[]): Promise<number> {
  for (const p of await everyDelivered(dir)) secrets.add(p);
  expect((await readdir(join(dir, '123456789012'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  const delivered = await deliveredPasswords(dir);
  for (const user of users) {
    const password = delivered.get(user);
    expect(password, `${user} has no delivered password`).toBeDefined();
    expect(await sandboxAccepts(target, user, password as string), `${user}'s newest delivered password is not the one IAM holds`).toBe(true);
  }
  return users.length;
}

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

describe('two applies at once (built binary, sandbox)', () => {
  let target: Target;
  let dir: string;
  afterEach(async () => target.close());

  it('are serialised by the account lock: one applies, the other refuses naming the holder, and no password is lost', async () => {
    const users = names(60);
    target = await sandboxTarget();
    await buildAccount(target, account(users));
    dir = await tempDir();
    await writeConfig(dir, config(users));
    const env = baseEnv(target.url);
    const both = await Promise.all([0, 1].map(() => runCli(['apply', '--auto-approve', '--password-dir', 'pw'], { env, cwd: dir })));
    const codes = both.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    const loser = both.find((r) => r.code === 1) as CliResult;
    expect(loser.stderr).toMatch(/error: another apply is running on account 123456789012: lock [0-9a-f]{16}, held by arn:aws:iam::123456789012:user\/admin on .* since /);
    expect(loser.stderr).toContain('Nothing was changed.');
    expect(await expectEveryPasswordValid(target, `${dir}/pw`, users)).toBe(60);
  });

  it('with --lock-timeout the second waits for the first, then finds nothing left to do', async () => {
    const users = names(20);
    target = await sandboxTarget();
    await buildAccount(target, account(users));
    dir = await tempDir();
    await writeConfig(dir, config(users));
    const env = baseEnv(target.url);
    const both = await Promise.all([0, 1].map(() => runCli(['apply', '--auto-approve', '--password-dir', 'pw', '--lock-timeout', '5m'], { env, cwd: dir })));
    expect(both.map((r) => r.code)).toEqual([0, 0]);
    expect(both.some((r) => r.stderr.includes('Waiting for the apply lock on account 123456789012'))).toBe(true);
    expect(both.some((r) => r.stdout.includes('No changes.'))).toBe(true);
    expect(await expectEveryPasswordValid(target, `${dir}/pw`, users)).toBe(20);
  });
});

describe('kill -9 at random points, each followed by a rerun (built binary, sandbox)', () => {
  it('never leaves a wrong or lost password once the rerun converges', async () => {
    const users = names(8);
    const target = await sandboxTarget();
    const proxy = await startFaultProxy(target.url);
    try {
      await buildAccount(target, account(users));
      const dir = await tempDir();
      const env = baseEnv(proxy.url);
      // A seeded sequence of kill points, so a failure can be replayed; every round rotates every password.
      let seed = 20261201;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let round = 1; round <= 4; round++) {
        await writeConfig(dir, config(users, `round-${round}`));
        const killAt = 6 + Math.floor(random() * 30);
        const killed = await runUntilKilled(['apply', '--auto-approve', '--password-dir', 'pw'], { env, cwd: dir }, proxy, killAt);
        expect(killed, `round ${round}: the apply was killed at request ${killAt}`).toBe('SIGKILL');

        // The killed run left its lock: the rerun names it, and force-unlock breaks it.
        let rerun = await runCli(['apply', '--auto-approve', '--password-dir', 'pw'], { env, cwd: dir });
        const held = /force-unlock ([0-9a-f]{16})/.exec(rerun.stderr);
        if (rerun.code !== 0 && held) {
          expect((await runCli(['force-unlock', held[1] as string], { env, cwd: dir })).code).toBe(0);
          rerun = await runCli(['apply', '--auto-approve', '--password-dir', 'pw'], { env, cwd: dir });
        }
        expect(rerun.code, `round ${round}: ${rerun.stdout}${rerun.stderr}`).toBe(0);
        const after = await runCli(['plan', '--detailed-exitcode'], { env, cwd: dir });
        expect(after.stdout, `round ${round}`).toContain('No changes.');
        expect(await expectEveryPasswordValid(target, `${dir}/pw`, users)).toBe(users.length);
      }
    } finally {
      await proxy.close();
      await target.close();
    }
  }, 240_000);
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
    expect(secrets.size).toBeGreaterThan(50);
    for (const secret of secrets) for (const text of transcript) expect(text.includes(secret), 'a password leaked into an output').toBe(false);
  });
});

/** Spawns the binary and SIGKILLs it when the proxy sees its `killAt`-th request; resolves with the signal. */
function runUntilKilled(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }, proxy: FaultProxy, killAt: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const start = proxy.log().length;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env, stdio: 'ignore' });
    proxy.onRequest((count) => {
      if (count - start >= killAt) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      proxy.onRequest(null);
      resolve(signal);
    });
  });
}
