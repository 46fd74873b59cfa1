/**
 * `iampass sandbox` as separate processes, the way scripts use it, run plan-apply-plan style against one state
 * file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { CreateLoginProfileCommand, GetLoginProfileCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { clientsFor, EXAMPLE_SEED, failure, iamClient, KEYS, ORGANIZATION_SEED, tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The built binary (npm test builds before running vitest), so this also covers the CLI's wiring. */
const mainJs = join(root, 'dist', 'cli', 'main.js');

interface Running {
  child: ChildProcess;
  url: string;
  stdout: () => string;
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
  return { child, url, stdout: () => stdout, stderr: () => stderr, exit };
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

  it('serves an organization, says how to point iampass and the AWS CLI at it, and takes the paging fault', async () => {
    const running = await launch(['--port', '0', '--seed', ORGANIZATION_SEED, '--empty-page-rate', '1']);
    const { organizations } = clientsFor({ url: running.url } as SandboxHandle, KEYS.admin);
    const first = await organizations.send(new ListAccountsCommand({}));
    expect(first.Accounts).toEqual([]);
    expect(first.NextToken).toBeTruthy();
    organizations.destroy();
    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    const out = running.stdout();
    expect(out).toMatch(/^iampass sandbox listening on http:\/\/127\.0\.0\.1:\d+ \(account 111111111111\)\n/);
    expect(out).toContain(`export AWS_ENDPOINT_URL=${running.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox`);
    expect(out).toContain(`aws --endpoint-url ${running.url} iam list-users`);
    expect(out).toContain('acts as admin in 111111111111');
    expect(out).toMatch(/organization o-[a-z0-9]{10}: 5 accounts, management 111111111111/);
  });

  it('names the file, line and column of each seed problem, without a stack trace', async () => {
    const seed = join(tempDir(), 'seed.yaml');
    writeFileSync(seed, 'account: "111122223333"\ncaller: admin\nusers:\n  - name: admin\n    mfa: yes\n');
    const child = spawn(process.execPath, [mainJs, 'sandbox', '--port', '0', '--seed', seed], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(1);
    expect(stderr).toContain(`${seed}:5:10: users[0].mfa: must be true or false`);
    expect(stderr).not.toMatch(/\n\s+at /);
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
