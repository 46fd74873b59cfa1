/**
 * Posting to a webhook: a URL is a secret (user info, a token in the path, a signature in the query), so every
 * failure names the origin only, says what happened and what to do, and never quotes a library's error text.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/util/user-error.js';
import { postJson, webhookUrl } from '../../src/cli/webhook.js';
import { refusedUrl, startSilentServer } from '../support/hostile-endpoint.js';

const SECRETS = ['hookuser', 'hookpass', 'T000', 'secret-token', 'sig=abc'];

async function receiver(status: number) {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    req.on('end', () => res.writeHead(status).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function failure(url: string, options = { retryDelayMs: 1, timeoutMs: 300 }): Promise<string> {
  const error = await postJson(webhookUrl(url), { text: 'drift' }, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  const message = (error as UserError).message;
  for (const s of SECRETS) expect(message).not.toContain(s);
  return message;
}

const secretPart = '/services/T000/B000/secret-token?sig=abc';
const withSecrets = (origin: string) => origin.replace('http://', 'http://hookuser:hookpass@') + secretPart;

describe('webhook failures: what happened, where (origin only), and what to do', () => {
  it('nothing listening', async () => {
    const origin = await refusedUrl();
    expect(await failure(withSecrets(origin))).toBe(
      `error: posting the report to the webhook at ${origin} failed: nothing is listening there (ECONNREFUSED)\n  fix: check the host and port in the webhook URL`,
    );
  });

  it('no answer in time', async () => {
    const silent = await startSilentServer();
    close = silent.close;
    expect(await failure(withSecrets(silent.url))).toBe(
      `error: posting the report to the webhook at ${silent.url} failed: no answer within 0.3 s\n  fix: check that the receiver is up and reachable from here (proxy, firewall)`,
    );
  });

  it.each([
    [403, 'HTTP 403 (refused)', 'check the webhook URL and its credentials; a revoked Slack webhook answers 403'],
    [410, 'HTTP 410 (no such webhook)', 'the webhook may have been deleted: create a new one and update --webhook / IAMPASS_WEBHOOK_URL'],
    [503, 'HTTP 503', 'the receiver is failing: try again later, or check its status page'],
  ])('the receiver answers %i', async (status, what, fix) => {
    const hook = await receiver(status);
    close = hook.close;
    expect(await failure(withSecrets(hook.origin))).toBe(`error: posting the report to the webhook at ${hook.origin} failed: ${what}\n  fix: ${fix}`);
  });
});

describe('user info in the URL', () => {
  it('is sent as basic authentication, not refused (fetch refuses it inside the URL)', async () => {
    const hook = await receiver(204);
    close = hook.close;
    await postJson(webhookUrl(withSecrets(hook.origin)), { text: 'drift' });
    expect(hook.seen).toHaveLength(1);
    expect(hook.seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('hookuser:hookpass').toString('base64')}`);
    expect(hook.seen[0]?.url).toBe(secretPart);
  });
});
