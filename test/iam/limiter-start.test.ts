import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from '../../src/iam/limiter.js';

describe('where the adaptive window starts', () => {
  it.each([
    [undefined, 16],
    [4, 4],
    [0, 1],
    [40, 16],
  ])('with start %s and a ceiling of 16, at %i calls in flight', (start, expected) => {
    expect(new AdaptiveLimiter(16, () => 0, start).limit).toBe(expected);
  });

  it('still grows from a learned start while calls succeed, up to the ceiling', async () => {
    const limiter = new AdaptiveLimiter(16, () => 0, 2);
    for (let i = 0; i < 400; i++) {
      await limiter.acquire();
      limiter.release('ok', 10);
    }
    expect(limiter.limit).toBe(16);
  });
});
