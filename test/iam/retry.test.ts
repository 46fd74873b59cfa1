/**
 * The caller's retry rules, on a fake clock: how many attempts each kind of failure gets, and the budget that
 * bounds a call across attempts and pauses.
 */
import { describe, expect, it } from 'vitest';
import { IamError } from '../../src/iam/errors.js';
import { AdaptiveLimiter } from '../../src/iam/limiter.js';
import { Caller, type AttemptContext, type RetryPolicy } from '../../src/iam/retry.js';

const POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, throttleBaseDelayMs: 500, maxDelayMs: 20_000, fewAttempts: 3, budgetMs: 75_000 };

/** A caller whose clock moves only when an attempt "takes" time or the caller sleeps. */
function fakeTime(policy: RetryPolicy = POLICY) {
  let now = 1_000_000;
  const caller = new Caller({ policy, clock: () => now, sleep: async (ms) => void (now += ms), random: () => 0.5 });
  return { caller, advance: (ms: number) => void (now += ms), now: () => now };
}

describe('attempts by kind of failure', () => {
  const cases: Array<{ name: string; error: () => IamError; attempts: number }> = [
    { name: 'throttling: the policy\'s many', error: () => new IamError('Throttling', 'Rate exceeded', 400, undefined), attempts: 10 },
    { name: 'a 5xx: the policy\'s many', error: () => new IamError('ServiceFailure', 'failure', 500, undefined), attempts: 10 },
    { name: 'a timeout: a few', error: () => new IamError('Timeout', 'no reply', undefined, undefined), attempts: 3 },
    { name: 'nothing listening: a few', error: () => new IamError('ConnectionRefused', 'nothing is listening', undefined, undefined), attempts: 3 },
    { name: 'a wrong document: once', error: () => new IamError('UnexpectedReply', 'html', 200, undefined), attempts: 1 },
    { name: 'a reply too large: once', error: () => new IamError('ReplyTooLarge', 'huge', undefined, undefined), attempts: 1 },
    { name: 'access denied: once', error: () => new IamError('AccessDenied', 'no', 403, undefined), attempts: 1 },
  ];
  it.each(cases)('$name', async ({ error, attempts }) => {
    // A budget long enough for every pause: this is about the attempt rule alone.
    const { caller } = fakeTime({ ...POLICY, budgetMs: 600_000 });
    let calls = 0;
    await expect(
      caller.run('ListUsers', async () => {
        calls += 1;
        throw error();
      }),
    ).rejects.toMatchObject({ attempts });
    expect(calls).toBe(attempts);
  });
});

describe('the call budget', () => {
  it('by default, a silent endpoint gets three full 20 s attempts', async () => {
    const { caller, advance, now } = fakeTime({ ...POLICY, budgetMs: undefined });
    const timeLeft: number[] = [];
    const error = await caller
      .run('GetCallerIdentity', async (a) => {
        timeLeft.push(a.deadlineAt - now());
        advance(20_000);
        throw new IamError('Timeout', 'no reply within 20 s', undefined, undefined);
      })
      .catch((e: IamError) => e);
    expect(error.attempts).toBe(3);
    expect(timeLeft.every((ms) => ms >= 20_000)).toBe(true);
  });

  it('bounds throttling too: in 60 s, nine attempts fit (pauses of 0.4, 0.8, 1.5, 3, 6, 12, 15, 15 s)', async () => {
    const { caller } = fakeTime({ ...POLICY, budgetMs: 60_000 });
    const error = await caller
      .run('GetLoginProfile', async () => {
        throw new IamError('Throttling', 'Rate exceeded', 400, undefined);
      })
      .catch((e: IamError) => e);
    expect(error.attempts).toBe(9);
    expect(error.message).toBe('Rate exceeded (9 attempts in 53.6 s)');
  });

  it('stops retrying when the next attempt would start past the budget, and says how long it tried', async () => {
    const { caller, advance } = fakeTime({ ...POLICY, fewAttempts: 10, budgetMs: 60_000 });
    const deadlines: number[] = [];
    const error = await caller
      .run('ListUsers', async (a: AttemptContext) => {
        deadlines.push(a.deadlineAt);
        advance(20_000); // each attempt waits out a 20 s first-byte deadline
        throw new IamError('Timeout', 'no reply within 20 s after the request was sent to IAM at https://iam.amazonaws.com', undefined, undefined);
      })
      .catch((e: IamError) => e);
    // 0-20 s, 20-40 s, 40-60 s: a fourth would start at the budget's end.
    expect(error.attempts).toBe(3);
    expect(error.message).toBe('no reply within 20 s after the request was sent to IAM at https://iam.amazonaws.com (3 attempts in 60.2 s)');
    expect(new Set(deadlines).size).toBe(1);
  });

  it('every attempt is given the same deadline: the start of the call plus the budget', async () => {
    const { caller, now } = fakeTime();
    const start = now();
    let seen: AttemptContext | undefined;
    await caller.run('GetUser', async (a) => {
      seen = a;
      return 1;
    });
    expect(seen).toEqual({ deadlineAt: start + 75_000, attempt: 1 });
  });

  it('a call that retries for IAM\'s eventual consistency gets a budget as long as its window', async () => {
    const { caller, now } = fakeTime();
    const start = now();
    let deadline = 0;
    await caller.run(
      'UpdateLoginProfile',
      async (a) => {
        deadline = a.deadlineAt;
      },
      { retryCodes: ['EntityTemporarilyUnmodifiable'], retryWindowMs: 120_000 },
    );
    expect(deadline).toBe(start + 120_000);
  });
});

describe('what each outcome tells the window of calls in flight', () => {
  const run = async (error: (() => IamError) | null, calls: number) => {
    // A window started at 4 of 20: only outcomes counted as served round trips widen it.
    const limiter = new AdaptiveLimiter(20, () => 1_000, 4);
    const caller = new Caller({ policy: { ...POLICY, maxAttempts: 1, fewAttempts: 1 }, limiter });
    for (let i = 0; i < calls; i++) {
      await caller
        .run('GetLoginProfile', async () => {
          if (error) throw error();
          return 'profile';
        })
        .catch(() => undefined);
    }
    return limiter.limit;
  };
  it.each([
    { name: 'a success widens it', error: null, widens: true },
    // Widening on these too overshot low rate limits (see Caller.attempt).
    { name: 'NoSuchEntity (a user without a password) leaves it', error: () => new IamError('NoSuchEntity', 'no profile', 404, 'r'), widens: false },
    { name: 'AccessDenied leaves it', error: () => new IamError('AccessDenied', 'no', 403, 'r'), widens: false },
    { name: 'a 5xx leaves it', error: () => new IamError('ServiceFailure', 'failure', 500, 'r'), widens: false },
    { name: 'a timeout leaves it', error: () => new IamError('Timeout', 'no reply', undefined, undefined), widens: false },
  ])('$name', async ({ error, widens }) => {
    expect((await run(error, 40)) > 4).toBe(widens);
  });

  it('throttling narrows it', async () => {
    expect(await run(() => new IamError('Throttling', 'Rate exceeded', 400, 'r'), 1)).toBe(2);
  });
});

describe('the pause of a throttled call under the window', () => {
  /** A caller with a window on the same fake clock; every pause it sleeps is recorded. */
  const windowed = () => {
    let now = 1_000_000;
    const pauses: number[] = [];
    // started at its ceiling: five narrowings still leave room for a second call in flight
    const limiter = new AdaptiveLimiter(20, () => now);
    const caller = new Caller({ policy: POLICY, limiter, clock: () => now, sleep: async (ms) => void (pauses.push(ms), (now += ms)), random: () => 0.5 });
    return { caller, pauses, advance: (ms: number) => void (now += ms) };
  };
  const throttled = () => new IamError('Throttling', 'Rate exceeded', 400, 'r');

  it('while other calls succeed, an unlucky call throttled five times pauses the base each time, not 0.5 s doubling', async () => {
    const { caller, pauses, advance } = windowed();
    let attempts = 0;
    await caller.run('GetLoginProfile', async () => {
      attempts += 1;
      if (attempts > 5) return 'profile';
      await caller.run('GetLoginProfile', async () => 'another user, served');
      advance(200); // a round trip
      throw throttled();
    });
    // baseDelayMs 100 with equal jitter at random 0.5; the call's own backoff would have been 375, 750, 1500, 3000, 6000
    expect(pauses).toEqual([75, 75, 75, 75, 75]);
  });

  it('the same when the other calls are answered NoSuchEntity (nobody has a password yet): they got through', async () => {
    const { caller, pauses, advance } = windowed();
    let attempts = 0;
    await caller.run('CreateLoginProfile', async () => {
      attempts += 1;
      if (attempts > 5) return 'created';
      await caller
        .run('GetLoginProfile', async () => {
          throw new IamError('NoSuchEntity', 'no profile', 404, 'r');
        })
        .catch(() => undefined);
      advance(200);
      throw throttled();
    });
    expect(pauses).toEqual([75, 75, 75, 75, 75]);
  });

  it('while nothing succeeds, the pause doubles with each narrowing, up to the ceiling of a call\'s own backoff', async () => {
    const { caller, pauses, advance } = windowed();
    await expect(
      caller.run('GetLoginProfile', async () => {
        advance(200);
        throw throttled();
      }),
    ).rejects.toMatchObject({ code: 'Throttling', attempts: 10 });
    expect(pauses).toEqual([75, 150, 300, 600, 1200, 2400, 4800, 9600, 15_000]);
  });
});

