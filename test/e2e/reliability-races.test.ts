/**
 * Apply keeps its promises when runs overlap or die: two applies at once (serialised by the account lock), and
 * kill -9 at random points, each followed by a rerun. After each, every user's newest delivered password is checked
 * against the sandbox's stored hash.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { BIN, ROOT, baseEnv, buildAccount, deliveredPasswords, motoAvailable, motoTarget, runCli, sandboxTarget, tempDir, transcript, writeConfig, type CliResult, type Target } from './harness.js';
import { account, config, expectEveryPasswordValid, names, secrets } from './reliability-fixtures.js';

/**
 * Two applies that overlap for certain, whatever the machine's speed: the first is stopped at its first password
 * write (under the lock, its answer held at a proxy) while the second runs to its end against the endpoint itself;
 * then the write is answered and the first goes on. Started together instead, the first could finish before the
 * second asked for the lock (it did once, on moto: both exited 0).
 */
async function overlapping(upstream: string, args: string[], env: (url: string) => NodeJS.ProcessEnv, cwd: string): Promise<{ first: CliResult; second: CliResult }> {
  const proxy = await startFaultProxy(upstream, [{ action: 'CreateLoginProfile', fault: 'hold-after', times: 1 }]);
  try {
    const writing = new Promise<void>((resolve) => proxy.onRequest((_count, action) => action === 'CreateLoginProfile' && resolve()));
    const first = runCli(args, { env: env(proxy.url), cwd });
    // should the first end without writing, the second still runs, and the assertions say what happened
    await Promise.race([writing, first]);
    const second = await runCli(args, { env: env(upstream), cwd });
    proxy.release();
    return { first: await first, second };
  } finally {
    await proxy.close();
  }
}

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
    const { first, second: loser } = await overlapping(target.url, ['apply', '--auto-approve', '--password-dir', 'pw'], baseEnv, dir);
    expect([first.code, loser.code]).toEqual([0, 1]);
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

describe.runIf(motoAvailable())('two applies at once on moto (a second opinion)', () => {
  it('are serialised by the lock there too: one applies, the other refuses, and the next plan is empty', async () => {
    const users = names(10);
    const target = await motoTarget();
    try {
      await buildAccount(target, account(users));
      const dir = await tempDir();
      await writeConfig(dir, config(users));
      // moto answers SimulatePrincipalPolicy 500 (the plan's IP102 check): two attempts keep that short.
      const env = (url: string) => ({ ...baseEnv(url), AWS_MAX_ATTEMPTS: '2' });
      const { first, second } = await overlapping(target.url, ['apply', '--auto-approve', '--password-dir', 'pw'], env, dir);
      expect([first.code, second.code]).toEqual([0, 1]);
      expect(second.stderr).toContain('error: another apply is running on account');
      expect((await deliveredPasswords(`${dir}/pw`)).size).toBe(10);
      expect((await runCli(['plan'], { env: env(target.url), cwd: dir })).stdout).toContain('No changes.');
    } finally {
      await target.close();
    }
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
