/**
 * `iampass sandbox` as separate processes, the way scripts use it, run plan-apply-plan style against one state
 * file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateLoginProfileCommand, GetLoginProfileCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { EXAMPLE_SEED, failure, iamClient, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The built binary (npm test builds before running vitest), so this also covers the CLI's wiring. */
const mainJs = join(root, 'dist', 'cli', 'main.js');

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

async function launch(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [mainJs, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /^iampass sandbox listening on (http:\/\/127\.0\.0\.1:\d+) \(account (\d{12})\)\n/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exit.then((code) => reject(new Error(`sandbox exited with ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exit };
}

function clientFor(url: string) {
  return iamClient({ url } as SandboxHandle);
}

describe('sandbox main', () => {
  it('runs as separate processes that share one account through the state file, and stops cleanly on SIGTERM', async () => {
    const state = join(tempDir(), 'state.json');
    const password = 'Process-Two-Secret-9';

    const plan = await launch(['--port', '0', '--seed', EXAMPLE_SEED, '--state', state]);
    const planClient = clientFor(plan.url);
    expect(await failure(planClient.send(new GetLoginProfileCommand({ UserName: 'carol' })))).toBeInstanceOf(NoSuchEntityException);
    planClient.destroy();
    plan.child.kill('SIGTERM');
    expect(await plan.exit).toBe(0);

    const apply = await launch(['--port', '0', '--seed', EXAMPLE_SEED, '--state', state, '--verbose']);
    const applyClient = clientFor(apply.url);
    await applyClient.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: password }));
    applyClient.destroy();
    apply.child.kill('SIGINT');
    expect(await apply.exit).toBe(0);
    expect(apply.stderr()).toMatch(/ CreateLoginProfile user=carol 200 \d+ms\n/);
    expect(apply.stderr()).not.toContain(password);

    const replan = await launch(['--port', '0', '--state', state]);
    const replanClient = clientFor(replan.url);
    expect((await replanClient.send(new GetLoginProfileCommand({ UserName: 'carol' }))).LoginProfile?.UserName).toBe('carol');
    replanClient.destroy();
    replan.child.kill('SIGTERM');
    expect(await replan.exit).toBe(0);
    expect(readFileSync(state, 'utf8')).not.toContain(password);
  });

  it('exits 1 with the problem when the seed is invalid or an argument is bad', async () => {
    const badSeed = spawn(process.execPath, [mainJs, 'sandbox', '--port', '0', '--seed', join(tempDir(), 'missing.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    badSeed.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => badSeed.on('exit', resolve))).toBe(1);
    expect(stderr).toMatch(/^iampass sandbox: cannot read sandbox seed .*missing\.yaml/);

    const badArgs = spawn(process.execPath, [mainJs, 'sandbox', '--port', 'eighty'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => badArgs.on('exit', resolve))).toBe(1);
  });
});
