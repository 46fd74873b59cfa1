/**
 * Adaptive concurrency for IAM calls (AIMD, as TCP does with its window). IAM's rate limits are unpublished and
 * cannot be raised, so the right number of calls in flight is found, not configured: each success widens the
 * window by about one call per window's worth of calls, and a throttled call narrows it by 30%, at most once per
 * round trip (a burst of throttles from one overshoot is one signal, not many). `--concurrency` is the ceiling.
 */
export class AdaptiveLimiter {
  private window: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private lastDecrease = 0;
  /** Smoothed round-trip time of successful calls, in ms. */
  private rttMs = 100;

  constructor(
    private readonly ceiling: number,
    private readonly now: () => number = Date.now,
    /** Where the window starts (default: the ceiling); an organization run starts each account where the last one ended. */
    start?: number,
  ) {
    this.window = Math.max(1, Math.min(ceiling, start ?? ceiling));
  }

  /** Calls allowed in flight now. */
  get limit(): number {
    return Math.max(1, Math.floor(this.window));
  }

  async acquire(): Promise<void> {
    if (this.inFlight < this.limit) {
      this.inFlight += 1;
      return;
    }
    // release() hands the slot over already counted.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(outcome: 'ok' | 'throttled' | 'error', elapsedMs: number): void {
    const now = this.now();
    if (outcome === 'ok') {
      this.rttMs = 0.9 * this.rttMs + 0.1 * elapsedMs;
      this.window = Math.min(this.ceiling, this.window + 1 / this.window);
    } else if (outcome === 'throttled' && now - this.lastDecrease > this.rttMs) {
      this.window = Math.max(1, this.window * 0.7);
      this.lastDecrease = now;
    }
    this.inFlight -= 1;
    while (this.waiting.length > 0 && this.inFlight < this.limit) {
      this.inFlight += 1;
      this.waiting.shift()?.();
    }
  }
}
