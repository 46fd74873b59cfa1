/**
 * Fault injection, to exercise a client's retries and pacing against something AWS-like: added latency,
 * throttling past a token bucket (IAM's limits are unpublished, but "Rate exceeded" is what it answers),
 * random 500s, dropped connections, and empty pages that still carry a NextToken (Organizations and CloudTrail
 * do that). Every fault but the empty page is decided when a request arrives and acts before the request is
 * handled, so a faulted call never changes the account. Also the one limit AWS publishes and the sandbox keeps
 * by default: CloudTrail LookupEvents at 2 requests per second per account.
 */
import { SandboxSetupError } from './errors.js';
import { performance } from 'node:perf_hooks';

export interface FaultOptions {
  /** Added to every call, in milliseconds. */
  latencyMs: number;
  /** Sustained requests per second before `Throttling`; 0 = unlimited. */
  rate: number;
  /** Requests allowed in a burst above `rate`; 0 = one second's worth of `rate`. */
  burst: number;
  /**
   * Sustained requests per second per calling account before `Throttling` (AWS limits IAM per account, so an
   * organization run is paced by each account's own limit); 0 = unlimited. Applies beside `rate`.
   */
  accountRate: number;
  /** Burst of each account's bucket; 0 = one second's worth of `accountRate`. */
  accountBurst: number;
  /** Probability (0..1) of answering 500 `ServiceFailure`. */
  failureRate: number;
  /** Probability (0..1) of destroying the connection without answering. */
  dropRate: number;
  /** Probability (0..1) that an Organizations or CloudTrail list call answers an empty page with a NextToken. */
  emptyPageRate: number;
  /** LookupEvents calls per second per account before ThrottlingException; AWS's 2 by default, 0 = unlimited. */
  lookupEventsRate: number;
  /** Seeds the random draws, so a test sees the same faults on every run. */
  faultSeed?: number;
}

export type Fault = 'throttle' | 'drop' | 'failure';

/** The environment variable behind each option, read when the option is not given. */
const ENVIRONMENT: Record<keyof FaultOptions, string> = {
  latencyMs: 'IAMPASS_SANDBOX_LATENCY_MS',
  rate: 'IAMPASS_SANDBOX_RATE',
  burst: 'IAMPASS_SANDBOX_BURST',
  accountRate: 'IAMPASS_SANDBOX_ACCOUNT_RATE',
  accountBurst: 'IAMPASS_SANDBOX_ACCOUNT_BURST',
  failureRate: 'IAMPASS_SANDBOX_FAILURE_RATE',
  dropRate: 'IAMPASS_SANDBOX_DROP_RATE',
  emptyPageRate: 'IAMPASS_SANDBOX_EMPTY_PAGE_RATE',
  lookupEventsRate: 'IAMPASS_SANDBOX_LOOKUP_EVENTS_RATE',
  faultSeed: 'IAMPASS_SANDBOX_FAULT_SEED',
};

const LIMITS: Record<keyof FaultOptions, { max: number; integer?: boolean }> = {
  latencyMs: { max: Number.MAX_SAFE_INTEGER },
  rate: { max: Number.MAX_SAFE_INTEGER },
  burst: { max: Number.MAX_SAFE_INTEGER, integer: true },
  accountRate: { max: Number.MAX_SAFE_INTEGER },
  accountBurst: { max: Number.MAX_SAFE_INTEGER, integer: true },
  failureRate: { max: 1 },
  dropRate: { max: 1 },
  emptyPageRate: { max: 1 },
  lookupEventsRate: { max: Number.MAX_SAFE_INTEGER },
  faultSeed: { max: 2 ** 32 - 1, integer: true },
};

/** LookupEvents' published limit, kept unless turned off. */
export const LOOKUP_EVENTS_RATE = 2;

/**
 * Options given win, then the environment, then "no faults" (and AWS's LookupEvents limit); invalid values are
 * refused with their source named.
 */
export function resolveFaults(given: Partial<FaultOptions> = {}, env: NodeJS.ProcessEnv = process.env): FaultOptions {
  const resolved: FaultOptions = { latencyMs: 0, rate: 0, burst: 0, accountRate: 0, accountBurst: 0, failureRate: 0, dropRate: 0, emptyPageRate: 0, lookupEventsRate: LOOKUP_EVENTS_RATE };
  for (const key of Object.keys(ENVIRONMENT) as (keyof FaultOptions)[]) {
    const fromOptions = given[key];
    const fromEnv = env[ENVIRONMENT[key]];
    if (fromOptions === undefined && (fromEnv === undefined || fromEnv.trim() === '')) continue;
    const value = fromOptions ?? Number(fromEnv);
    const { max, integer } = LIMITS[key];
    if (!Number.isFinite(value) || value < 0 || value > max || (integer && !Number.isInteger(value))) {
      const source = fromOptions === undefined ? `${ENVIRONMENT[key]}=${JSON.stringify(fromEnv)}` : `fault option ${key}=${value}`;
      const range = max === 1 ? 'a probability from 0 to 1' : integer ? 'a whole number >= 0' : 'a number >= 0';
      throw new SandboxSetupError(`invalid ${source}: must be ${range}`);
    }
    resolved[key] = value;
  }
  return resolved;
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly bucket: TokenBucket | undefined;
  private readonly accountBuckets = new Map<string, TokenBucket>();

  constructor(
    readonly options: FaultOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.random = options.faultSeed === undefined ? Math.random : mulberry32(options.faultSeed);
    this.bucket = options.rate > 0 ? new TokenBucket(options.rate, options.burst, clock) : undefined;
  }

  /** Whether the calling account's own bucket refuses this request (called once per request, on arrival). */
  accountThrottled(account: string): boolean {
    if (this.options.accountRate <= 0) return false;
    let bucket = this.accountBuckets.get(account);
    if (!bucket) {
      bucket = new TokenBucket(this.options.accountRate, this.options.accountBurst, this.clock);
      this.accountBuckets.set(account, bucket);
    }
    return !bucket.take();
  }

  /** The fault for the request arriving now, if any. Called once per request, in arrival order. */
  decide(): Fault | undefined {
    if (this.bucket && !this.bucket.take()) return 'throttle';
    if (this.options.dropRate > 0 && this.random() < this.options.dropRate) return 'drop';
    if (this.options.failureRate > 0 && this.random() < this.options.failureRate) return 'failure';
    return undefined;
  }

  /** Whether this list call answers an empty page (the paging code never answers two in a row). */
  emptyPage(): boolean {
    return this.options.emptyPageRate > 0 && this.random() < this.options.emptyPageRate;
  }
}

/** `rate` tokens per second up to `burst` (0: one second's worth); each call takes one or is refused. */
export class TokenBucket {
  private readonly capacity: number;
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly rate: number,
    burst: number,
    private readonly clock: () => number,
  ) {
    this.capacity = burst > 0 ? burst : Math.max(1, Math.ceil(rate));
    this.tokens = this.capacity;
    this.refilledAt = clock();
  }

  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** A small, fast seeded PRNG (Mulberry32); plenty for choosing which requests fail. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
