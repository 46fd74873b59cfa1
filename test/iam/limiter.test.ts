import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from '../../src/iam/limiter.js';

describe('AdaptiveLimiter', () => {
  it('admits up to the ceiling at once and queues the rest until a slot is released', async () => {
    const limiter = new AdaptiveLimiter(2);
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    const waiting = limiter.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    limiter.release('ok', 10);
    await waiting;
    expect(third).toBe(true);
  });

  it('narrows the window by 30% on throttling, once per round trip, and widens it again on success', () => {
    let now = 1_000;
    const limiter = new AdaptiveLimiter(20, () => now);
    const cycle = (outcome: 'ok' | 'throttled') => {
      void limiter.acquire();
      limiter.release(outcome, 50);
    };
    cycle('throttled');
    expect(limiter.limit).toBe(14);
    cycle('throttled'); // same round trip: one overshoot, one signal
    expect(limiter.limit).toBe(14);
    now += 200;
    cycle('throttled');
    expect(limiter.limit).toBe(9);
    for (let i = 0; i < 200; i++) cycle('ok');
    expect(limiter.limit).toBe(20);
  });

  it('never goes below one call in flight', () => {
    let now = 0;
    const limiter = new AdaptiveLimiter(4, () => now);
    for (let i = 0; i < 20; i++) {
      now += 1_000;
      void limiter.acquire();
      limiter.release('throttled', 10);
    }
    expect(limiter.limit).toBe(1);
  });

  describe('the pause it gives a throttled call (base 100 ms, most 1,000 ms, jitter at its middle)', () => {
    const cases: Array<{ name: string; outcomes: Array<'ok' | 'throttled' | 'error'>; pause: number }> = [
      { name: 'nothing throttled yet: the base', outcomes: [], pause: 75 },
      { name: 'one narrowing: the base', outcomes: ['ok', 'throttled'], pause: 75 },
      { name: 'two narrowings with no success between: doubled', outcomes: ['throttled', 'throttled'], pause: 150 },
      { name: 'three: doubled again', outcomes: ['throttled', 'throttled', 'throttled'], pause: 300 },
      { name: 'ten: held at the most', outcomes: Array<'throttled'>(10).fill('throttled'), pause: 750 },
      { name: 'a success between starts again from the base', outcomes: ['throttled', 'throttled', 'throttled', 'ok', 'throttled'], pause: 75 },
      // a NoSuchEntity: answered, not throttled (an account where nobody has a password answers every read so)
      { name: 'any other answer between starts again from the base', outcomes: ['throttled', 'throttled', 'throttled', 'error', 'throttled'], pause: 75 },
    ];
    it.each(cases)('$name', ({ outcomes, pause }) => {
      let now = 0;
      const limiter = new AdaptiveLimiter(16, () => now);
      for (const outcome of outcomes) {
        now += 1_000; // past a round trip: every throttle is a narrowing of its own
        void limiter.acquire();
        limiter.release(outcome, 10);
      }
      expect(limiter.throttledPause(100, 1_000, () => 0.5)).toBe(pause);
    });
  });
});
