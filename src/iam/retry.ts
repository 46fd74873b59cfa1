import { attemptsAllowed, IamError, isThrottling, toIamError, type ErrorContext } from './errors.js';
import { DEFAULT_CALL_BUDGET_MS, formatDuration } from './http/limits.js';
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
  /**
   * Base of the exponential backoff for throttling when no adaptive window paces the calls (the SDKs' 500 ms), and
   * for the codes a call asks to retry slowly. Under a window, a throttled call pauses as the window says instead
   * (`AdaptiveLimiter.throttledPause`, from `baseDelayMs`).
   */
  throttleBaseDelayMs: number;
  maxDelayMs: number;
  /**
   * Attempts for a timeout, nothing listening or a name that does not resolve (default 3): each timeout already
   * cost a deadline, and the others are seldom cured by waiting.
   */
  fewAttempts?: number;
  /** The most time one call may take, attempts and pauses together (default `DEFAULT_CALL_BUDGET_MS`). */
  budgetMs?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 100,
  throttleBaseDelayMs: 500,
  maxDelayMs: 20_000,
  fewAttempts: 3,
  budgetMs: DEFAULT_CALL_BUDGET_MS,
};

/** What one attempt is given: the time by which the whole call must be over (the transport holds it to that). */
export interface AttemptContext {
  /** Epoch milliseconds. */
  deadlineAt: number;
  attempt: number;
}

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
  /** Also widens the call's budget to at least this much. */
  retryWindowMs?: number;
  /** The endpoint the call goes to, for the fix of an error. */
  where?: string;
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
  clock?: () => number;
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
  private readonly clock: () => number;

  constructor(options: CallerOptions = {}) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.onRetry = options.onRetry ?? (() => {});
    this.onAttempt = options.onAttempt;
    this.limiter = options.limiter;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Runs `fn` until it succeeds, fails in a way not worth retrying, runs out of attempts for its kind of failure,
   * or would outlast the call's budget. The error it throws says how many attempts were made, and over how long.
   */
  async run<T>(operation: string, fn: (attempt: AttemptContext) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const started = this.clock();
    const deadlineAt = started + Math.max(this.policy.budgetMs ?? DEFAULT_CALL_BUDGET_MS, options.retryWindowMs ?? 0);
    const context = { operation, ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.where ? { where: options.where } : {}) };
    for (let attempt = 1; ; attempt++) {
      this.stats.calls += 1;
      const sent = this.clock();
      const trace = (outcome: string) =>
        this.onAttempt?.({ operation, user: options.user, attempt, outcome, ms: this.clock() - sent });
      try {
        const result = await this.attempt(() => fn({ deadlineAt, attempt }), context);
        trace('ok');
        return result;
      } catch (raw) {
        const error = toIamError(raw, context);
        trace(error.code);
        if (isThrottling(error)) this.stats.throttled += 1;
        const slowRetry = options.retryCodes?.includes(error.code) ?? false;
        const withinWindow = slowRetry && this.clock() - started < (options.retryWindowMs ?? 0);
        const retryable = attempt < attemptsAllowed(error, this.policy.maxAttempts, this.policy.fewAttempts ?? 3) || withinWindow;
        // Throttling under an adaptive window: the window's pause, shared by the calls (see AdaptiveLimiter).
        const delayMs =
          isThrottling(error) && this.limiter
            ? this.limiter.throttledPause(this.policy.baseDelayMs, this.policy.maxDelayMs, this.random)
            : this.backoff(attempt, isThrottling(error) || slowRetry);
        // An attempt left with almost no time would only fail again, with a confusing deadline in its message.
        const left = deadlineAt - (this.clock() + delayMs);
        if (!retryable || left < Math.min(1000, (deadlineAt - started) / 10)) throw this.finalError(error, attempt, started);
        this.stats.retries += 1;
        this.onRetry({ operation, user: options.user, attempt, code: error.code, delayMs });
        await this.sleep(delayMs);
      }
    }
  }

  private finalError(error: IamError, attempts: number, started: number): IamError {
    error.attempts = attempts;
    if (attempts > 1) error.message += ` (${attempts} attempts in ${formatDuration(this.clock() - started)})`;
    return error;
  }

  /**
   * One attempt, holding a limiter slot only while the call is in flight (never while backing off). A success widens
   * the window, throttling narrows it, and any other error leaves it as it is. That includes the 404 of a user without
   * a password (half the calls of a plan): counting those as successes too made the window grow twice as fast and
   * overshoot low rate limits (an organization of 50 accounts at 50 calls/s each: 17,000 throttled requests of 67,000
   * and 1.59x its floor, against 1.28x).
   */
  private async attempt<T>(fn: () => Promise<T>, context: ErrorContext): Promise<T> {
    if (!this.limiter) return fn();
    await this.limiter.acquire();
    const sent = Date.now();
    let outcome: 'ok' | 'throttled' | 'error' = 'error';
    try {
      const result = await fn();
      outcome = 'ok';
      return result;
    } catch (raw) {
      // Converted once, here, with the call's context: `run` gets the IamError back as it is.
      const error = toIamError(raw, context);
      outcome = isThrottling(error) ? 'throttled' : 'error';
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
