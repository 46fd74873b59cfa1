/**
 * Posting a report to a webhook (Slack incoming webhooks, or anything that takes JSON). The URL is treated as a
 * secret, as Slack's are: messages name its origin only, never its user info, path or query (`redact-url.ts`), and
 * never quote a library's error text, which can hold the whole URL.
 */
import { originOf } from '../util/redact-url.js';
import { UserError } from '../util/user-error.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Checks the URL before any work is done, so a typo fails the run at once rather than after reading IAM. */
export function webhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserError('error: --webhook is not a URL\n  fix: give the full address, e.g. https://hooks.slack.com/services/...');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`error: --webhook must be an http(s) URL, not ${url.protocol}\n  fix: give the https:// address the receiver documents`);
  }
  return url;
}

/**
 * POSTs `body` as JSON; one more attempt after a network error or a 5xx. Resolves once the receiver answered
 * 2xx; otherwise throws a `UserError` saying what happened at which origin, and what to do. User info in the URL
 * (`https://user:pass@host/...`) is sent as HTTP basic authentication, as curl does; `fetch` refuses it in the URL.
 */
export async function postJson(url: URL, body: unknown, options: { timeoutMs?: number; retryDelayMs?: number } = {}): Promise<void> {
  const payload = JSON.stringify(body);
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const { target, authorization } = withoutUserInfo(url);
  let failure: Failure = { what: 'no attempt was made', fix: '' };
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'iampass', ...(authorization ? { authorization } : {}) },
        body: payload,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      failure = statusFailure(response.status);
      if (response.status < 500) break;
    } catch (error) {
      failure = networkFailure(error, timeoutMs);
    }
    if (attempt === 1) await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 1_000));
  }
  throw new UserError(`error: posting the report to the webhook at ${originOf(url)} failed: ${failure.what}\n  fix: ${failure.fix}`);
}

interface Failure {
  what: string;
  fix: string;
}

function withoutUserInfo(url: URL): { target: URL; authorization?: string } {
  if (url.username === '' && url.password === '') return { target: url };
  const target = new URL(url.href);
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  target.username = '';
  target.password = '';
  return { target, authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

function statusFailure(status: number): Failure {
  if (status === 401 || status === 403) return { what: `HTTP ${status} (refused)`, fix: 'check the webhook URL and its credentials; a revoked Slack webhook answers 403' };
  if (status === 404 || status === 410) return { what: `HTTP ${status} (no such webhook)`, fix: 'the webhook may have been deleted: create a new one and update --webhook / IAMPASS_WEBHOOK_URL' };
  if (status >= 500) return { what: `HTTP ${status}`, fix: 'the receiver is failing: try again later, or check its status page' };
  return { what: `HTTP ${status}`, fix: 'check that the URL is the receiver\'s webhook address and that it accepts JSON' };
}

/** A fetch failure, from its cause's code; the error's own text is never used (it can quote the URL). */
function networkFailure(error: unknown, timeoutMs: number): Failure {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { what: `no answer within ${timeoutMs / 1000} s`, fix: 'check that the receiver is up and reachable from here (proxy, firewall)' };
  }
  const cause = (error as { cause?: { code?: string } } | null)?.cause?.code ?? '';
  if (cause === 'ECONNREFUSED') return { what: 'nothing is listening there (ECONNREFUSED)', fix: 'check the host and port in the webhook URL' };
  if (cause === 'ENOTFOUND' || cause.startsWith('EAI_')) return { what: `the host name does not resolve (${cause})`, fix: 'check the host name in the webhook URL, and this machine\'s DNS' };
  if (/CERT|TLS|SSL/.test(cause)) return { what: `the TLS connection failed (${cause})`, fix: 'check the receiver\'s certificate; for a private certificate authority set NODE_EXTRA_CA_CERTS' };
  if (cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET') return { what: `the connection was closed before an answer (${cause})`, fix: 'check that the URL is the receiver\'s webhook address' };
  return { what: `the request could not be sent (${cause || name || 'network error'})`, fix: 'check the webhook URL and the network path to it' };
}
