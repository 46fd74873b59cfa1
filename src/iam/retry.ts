import { IamError, isThrottling, isTransient, toIamError } from './errors.js';
import type { AdaptiveLimiter } from './limiter.js';

/**
 * iampass owns its retry policy instead of leaving it to the SDK (whose clients run with one attempt), because
 * the SDK's retry quota is shared per client and runs dry on a throttled read of thousands of users, and
 * because the progress line and the apply log need to see every retry.
 */
export interface RetryPolicy {
  maxAttempts: number;
  /** Base of the exponential backoff for 5xx and network errors. */
  baseDelayMs: number;
  /** Base of the exponential backoff for throttling (AWS SDKs use a longer one). */
  throttleBaseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 100,
  throttleBaseDelayMs: 500,
  maxDelayMs: 20_000,
};

/** Counters behind the progress line; monotonic. */
export interface CallStats {
  calls: number;
  retries: number;
  throttled: number;
}

export interface RetryEvent {
  operation: string;
  user: string | undefined;
  attempt: number;
  code: string;
  delayMs: number;
}

export interface CallOptions {
  /** The user the call concerns, for messages. */
  user?: string;
  /** Strings that must never appear in an error message (a password being sent). */
  secrets?: readonly string[];
  /** Extra codes worth retrying for this call (e.g. `EntityTemporarilyUnmodifiable`), up to `retryWindowMs`. */
  retryCodes?: readonly string[];
  retryWindowMs?: number;
}

export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One attempt, for `--verbose` traces: what was called for whom, how it ended and how long it took. */
export interface AttemptEvent {
  operation: string;
  user: string | undefined;
  attempt: number;
  /** `ok`, or the AWS error code. */
  outcome: string;
  ms: number;
}

export interface CallerOptions {
  policy?: RetryPolicy;
  onRetry?: (event: RetryEvent) => void;
  onAttempt?: (event: AttemptEvent) => void;
  /** Bounds attempts in flight across the whole run, adapting to throttling. */
  limiter?: AdaptiveLimiter;
  sleep?: Sleep;
  random?: () => number;
}

/** Runs IAM calls with backoff and counts them. One instance per command run. */
export class Caller {
  readonly stats: CallStats = { calls: 0, retries: 0, throttled: 0 };
  private readonly policy: RetryPolicy;
  private readonly onRetry: (event: RetryEvent) => void;
  private readonly onAttempt: ((event: AttemptEvent) => void) | undefined;
  private readonly limiter: AdaptiveLimiter | undefined;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(options: CallerOptions = {}) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.onRetry = options.onRetry ?? (() => {});
    this.onAttempt = options.onAttempt;
    this.limiter = options.limiter;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  async run<T>(operation: string, fn: () => Promise<T>, options: CallOptions = {}): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      this.stats.calls += 1;
      const sent = Date.now();
      const trace = (outcome: string) =>
        this.onAttempt?.({ operation, user: options.user, attempt, outcome, ms: Date.now() - sent });
      try {
        const result = await this.attempt(fn);
        trace('ok');
        return result;
      } catch (raw) {
        const error = toIamError(raw, options.secrets);
        trace(error.code);
        if (isThrottling(error)) this.stats.throttled += 1;
        const slowRetry = options.retryCodes?.includes(error.code) ?? false;
        const withinWindow = slowRetry && Date.now() - started < (options.retryWindowMs ?? 0);
        const retryable = (isTransient(error) && attempt < this.policy.maxAttempts) || withinWindow;
        if (!retryable) {
          error.attempts = attempt;
          throw error;
        }
        const delayMs = this.backoff(attempt, isThrottling(error) || slowRetry);
        this.stats.retries += 1;
        this.onRetry({ operation, user: options.user, attempt, code: error.code, delayMs });
        await this.sleep(delayMs);
      }
    }
  }

  /** One attempt, holding a limiter slot only while the call is in flight (never while backing off). */
  private async attempt<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.limiter) return fn();
    await this.limiter.acquire();
    const sent = Date.now();
    let outcome: 'ok' | 'throttled' | 'error' = 'error';
    try {
      const result = await fn();
      outcome = 'ok';
      return result;
    } catch (error) {
      outcome = isThrottling(toIamError(error)) ? 'throttled' : 'error';
      throw error;
    } finally {
      this.limiter.release(outcome, Date.now() - sent);
    }
  }

  /** Exponential backoff with "equal jitter" (half fixed, half random): workers throttled together spread out. */
  private backoff(attempt: number, slow: boolean): number {
    const base = slow ? this.policy.throttleBaseDelayMs : this.policy.baseDelayMs;
    const ceiling = Math.min(this.policy.maxDelayMs, base * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}

export { IamError };
