import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/iam/token-bucket.js';

function bucket(perSecond: number, capacity: number) {
  let now = 0;
  const sleeps: number[] = [];
  const b = new TokenBucket(perSecond, capacity, () => now, async (ms) => {
    sleeps.push(ms);
    now += ms;
  });
  return { b, sleeps, advance: (ms: number) => (now += ms) };
}

describe('the token bucket that paces LookupEvents', () => {
  it('lets a burst of its capacity through at once, then one call per 1/rate seconds', async () => {
    const { b, sleeps } = bucket(2, 2);
    for (let i = 0; i < 5; i++) await b.take();
    expect(sleeps).toEqual([500, 500, 500]);
  });

  it('refills while idle, never beyond its capacity', async () => {
    const { b, sleeps, advance } = bucket(2, 2);
    await b.take();
    await b.take();
    advance(10_000);
    for (let i = 0; i < 3; i++) await b.take();
    expect(sleeps).toEqual([500]);
  });

  it('serves concurrent callers in order, each waiting its turn', async () => {
    const { b, sleeps } = bucket(2, 1);
    const order: number[] = [];
    await Promise.all([0, 1, 2].map(async (i) => b.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2]);
    expect(sleeps).toEqual([500, 500]);
  });
});
