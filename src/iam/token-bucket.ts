/**
 * A token bucket: at most `capacity` calls at once, refilled at `perSecond`. CloudTrail's LookupEvents allows 2
 * requests per second per account; pacing to it up front is cheaper than being throttled and backing off. Calls to
 * `take` are served in order.
 */
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: Sleep = realSleep,
  ) {
    this.tokens = capacity;
    this.last = clock();
  }

  /** Resolves when one call may be made (at once while tokens remain). */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeInTurn());
    this.queue = turn.catch(() => {});
    return turn;
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }

  private async takeInTurn(): Promise<void> {
    this.refill();
    if (this.tokens < 1) {
      await this.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
      this.refill();
    }
    this.tokens = Math.max(0, this.tokens - 1);
  }
}
