/**
 * Posting a report to a webhook (Slack incoming webhooks, or anything that takes JSON). The URL is treated as a
 * secret, as Slack's are: messages name its origin only, never its path or query.
 */
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
    throw new UserError(`error: --webhook must be an http(s) URL, not ${url.protocol}`);
  }
  return url;
}

/**
 * POSTs `body` as JSON; one more attempt after a network error or a 5xx. Resolves once the receiver answered
 * 2xx; otherwise throws a `UserError` naming the origin and the status.
 */
export async function postJson(url: URL, body: unknown, options: { timeoutMs?: number; retryDelayMs?: number } = {}): Promise<void> {
  const payload = JSON.stringify(body);
  let problem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'iampass' },
        body: payload,
        signal: AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      problem = `HTTP ${response.status}`;
      if (response.status < 500) break;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      problem = (error as Error).name === 'TimeoutError' ? `no answer within ${(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000}s` : (cause ?? (error as Error).message);
    }
    if (attempt === 1) await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 1_000));
  }
  throw new UserError(`error: posting the report to the webhook at ${url.origin} failed: ${problem}`);
}
