/**
 * A second client against the sandbox: the AWS CLI, where one is installed (it is not a project dependency, so
 * the test says so and skips elsewhere). Proves the sandbox speaks IAM's wire protocol, not just what our SDK
 * version happens to send.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sandboxTarget, type Target } from './harness.js';

const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasAwsCli) console.log('the AWS CLI is not installed: the sandbox-with-AWS-CLI test is skipped.');

describe.skipIf(!hasAwsCli)('the AWS CLI against the sandbox', () => {
  let target: Target;
  beforeAll(async () => {
    target = await sandboxTarget({ seed: join(ROOT, 'examples/sandbox/account.yaml') });
  });
  afterAll(async () => target.close());

  /** Asynchronous: the sandbox runs in this process and must keep answering while the CLI waits. */
  const aws = (...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'aws',
        ['--endpoint-url', target.url, '--output', 'json', ...args],
        {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_DEFAULT_REGION: 'us-east-1' },
        },
        (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('lists users across pages, reads a login profile, and gets IAM error codes back', async () => {
    const users = await aws('iam', 'list-users', '--page-size', '2');
    expect(users.status).toBe(0);
    expect((JSON.parse(users.stdout) as { Users: Array<{ UserName: string }> }).Users.map((u) => u.UserName)).toEqual([
      'admin', 'alice', 'bob', 'breakglass', 'carol', 'ci-deploy', 'dave', 'erin', 'frank',
    ]);
    expect(JSON.parse((await aws('iam', 'get-login-profile', '--user-name', 'bob')).stdout)).toMatchObject({
      LoginProfile: { UserName: 'bob', PasswordResetRequired: true },
    });
    const missing = await aws('iam', 'get-login-profile', '--user-name', 'carol');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('(NoSuchEntity)');
    const weak = await aws('iam', 'create-login-profile', '--user-name', 'carol', '--password', 'short');
    expect(weak.stderr).toContain('(PasswordPolicyViolation)');
    expect(JSON.parse((await aws('sts', 'get-caller-identity')).stdout)).toMatchObject({ Account: '123456789012' });
  }, 60_000);
});
