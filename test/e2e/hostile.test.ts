/**
 * The built binary against endpoints that never answer, are not there, are misspelt or answer with the wrong
 * document: each run ends by itself, with exit 1, a message that names the call, what happened and what to do, and
 * no stack trace. The first case runs under the default deadlines (about a minute); the kill timer below is only a
 * safety net so a regression cannot hang the suite.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { xmlOk } from '../support/iam-xml.js';
import { refusedUrl, startHostileEndpoint, startSilentServer } from '../support/hostile-endpoint.js';
import { baseEnv, BIN, ROOT, type CliResult } from './harness.js';

const SAFETY_NET_MS = 170_000;

/** Runs `plan` of the example file; `killed` is true only if the safety net had to stop it. */
function plan(env: NodeJS.ProcessEnv, args: string[] = []): Promise<CliResult & { killed: boolean }> {
  return iampass(env, ['plan', '-c', 'examples/iampass.yaml', ...args]);
}

function iampass(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult & { killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, SAFETY_NET_MS);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

function expectCleanFailure(result: CliResult & { killed: boolean }): void {
  expect(result.killed).toBe(false);
  expect(result.code).toBe(1);
  expect(result.stderr).not.toContain('internal error');
  // No stack trace: no "    at fn (file:line:col)" frames.
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('plan against an endpoint that never answers, with the default deadlines', () => {
  it('ends by itself with exit 1, naming the call, what happened, where and what to do', async () => {
    const silent = await startSilentServer();
    close = silent.close;
    const result = await plan({ ...baseEnv('http://unused.invalid'), AWS_ENDPOINT_URL: undefined } as NodeJS.ProcessEnv, ['--endpoint-url', silent.url]);
    expectCleanFailure(result);
    const origin = silent.url.replace(/\/$/, '');
    expect(result.stderr).toMatch(
      new RegExp(
        `\nReading live IAM failed: GetCallerIdentity failed: Timeout: no reply within 20 s after the request was sent to STS at ${origin} \\(from --endpoint-url\\) \\(3 attempts in [\\d.]+ s\\)\\n` +
          // plan never writes: it does not say that nothing was changed (apply does, see "nothing listening" below)
          '  fix: check that the endpoint is up and answering, or correct --endpoint-url \\(unset it to use AWS\\); a proxy or firewall may be holding the connection\\n$',
      ),
    );
    expect(silent.connections()).toBeGreaterThanOrEqual(1);
  }, SAFETY_NET_MS + 10_000);
});

describe('plan against endpoints that fail fast', () => {
  it('nothing listening: said at once, with the variable it came from', async () => {
    const url = await refusedUrl();
    const result = await plan(baseEnv(url));
    expectCleanFailure(result);
    expect(result.stderr).toContain(`GetCallerIdentity failed: ConnectionRefused: nothing is listening at ${url} (from AWS_ENDPOINT_URL) (3 attempts in`);
    expect(result.stderr).toContain('  fix: start the endpoint (for a local one: iampass sandbox), or correct AWS_ENDPOINT_URL (unset it to use AWS)');
    // Only apply, which could have written, says that it did not.
    expect(result.stderr).not.toContain('Nothing was changed');
    const applied = await iampass(baseEnv(url), ['apply', '-c', 'examples/iampass.yaml', '--auto-approve']);
    expectCleanFailure(applied);
    expect(applied.stderr).toMatch(/GetCallerIdentity failed: ConnectionRefused: nothing is listening at .*\n {2}fix: .*\nNothing was changed\.\n$/);
  });

  it('an endpoint URL without a scheme is named with its variable before any call', async () => {
    const result = await plan(baseEnv('127.0.0.1:4566'));
    expectCleanFailure(result);
    expect(result.stderr).toBe(
      'error: AWS_ENDPOINT_URL is not a URL with a scheme (127.0.0.1:4566)\n  fix: write it in full, with http:// or https://, e.g. http://127.0.0.1:4566\n',
    );
  });

  it('an HTML page instead of a user list is an error naming the call, never "user does not exist"', async () => {
    const endpoint = await startHostileEndpoint((r) => {
      if (r.action === 'GetCallerIdentity') {
        return { kind: 'reply', body: xmlOk('GetCallerIdentity', '<Arn>arn:aws:iam::123456789012:user/admin</Arn><UserId>A</UserId><Account>123456789012</Account>') };
      }
      if (r.action === 'GetAccountPasswordPolicy') return { kind: 'reply', status: 404, body: '<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>none</Message></Error></ErrorResponse>' };
      return { kind: 'reply', contentType: 'text/html', body: '<html><body>Welcome to the hotel network</body></html>' };
    });
    close = endpoint.close;
    const result = await plan(baseEnv(endpoint.url));
    expectCleanFailure(result);
    expect(result.stderr).toMatch(
      /ListUsers failed: UnexpectedReply: IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) answered ListUsers with a 200 that is not a ListUsersResponse \(text\/html, 54 bytes\)\n {2}fix: check that AWS_ENDPOINT_URL points at an AWS IAM endpoint/,
    );
    expect(result.stderr).not.toContain('hotel');
    expect(result.stderr + result.stdout).not.toContain('does not exist');
  });
});
