import {
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetUserCommand,
  ListUsersCommand,
  NoSuchEntityException,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { failure, iamClient, ManualClock, sandboxWith, SMALL_SEED, track } from './helpers.js';

/** Runs `count` calls one after another and records which failed, by error name. */
async function outcomes(count: number, call: () => Promise<unknown>): Promise<string[]> {
  const results: string[] = [];
  for (let i = 0; i < count; i++) {
    try {
      await call();
      results.push('ok');
    } catch (error) {
      results.push((error as Error).name);
    }
  }
  return results;
}

describe('throttling', () => {
  it('answers 400 Throttling "Rate exceeded" beyond the token bucket', async () => {
    // A clock that stands still: no token comes back however slow the machine is.
    const clock = new ManualClock();
    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { rate: 1, burst: 3 }, clock: clock.now });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => iam.send(new ListUsersCommand({}))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    const throttled = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error & { $metadata: { httpStatusCode?: number } }] : []));
    expect(throttled).toHaveLength(3);
    for (const error of throttled) {
      expect(error.name).toBe('Throttling');
      expect(error.message).toBe('Rate exceeded');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('refills the bucket over time', async () => {
    const clock = new ManualClock();
    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { rate: 20, burst: 1 }, clock: clock.now });
    await iam.send(new ListUsersCommand({}));
    expect((await failure(iam.send(new ListUsersCommand({})))).name).toBe('Throttling');
    clock.advance(60);
    await iam.send(new ListUsersCommand({}));
  });

  it('is retried through by the SDK', async () => {
    const { sandbox } = await sandboxWith({ seed: SMALL_SEED, faults: { rate: 50, burst: 1 } });
    const iam = track(sandbox, iamClient(sandbox, 10, 25));
    const results = await Promise.all(Array.from({ length: 3 }, () => iam.send(new ListUsersCommand({}))));
    expect(results).toHaveLength(3);
    expect(sandbox.requestCount()).toBeGreaterThan(3);
  });
});

describe('environment variables', () => {
  const names = ['IAMPASS_SANDBOX_RATE', 'IAMPASS_SANDBOX_BURST', 'IAMPASS_SANDBOX_FAILURE_RATE'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('sets fault defaults from IAMPASS_SANDBOX_* when options leave them out', async () => {
    process.env.IAMPASS_SANDBOX_RATE = '1';
    process.env.IAMPASS_SANDBOX_BURST = '2';
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    expect(await outcomes(3, () => iam.send(new ListUsersCommand({})))).toEqual(['ok', 'ok', 'Throttling']);
  });

  it('lets options override the environment', async () => {
    process.env.IAMPASS_SANDBOX_FAILURE_RATE = '1';
    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { failureRate: 0 } });
    await iam.send(new ListUsersCommand({}));
  });

  it('refuses an invalid value, naming the variable', async () => {
    process.env.IAMPASS_SANDBOX_FAILURE_RATE = '1.5';
    await expect(startSandbox({ port: 0, seed: SMALL_SEED })).rejects.toThrow('invalid IAMPASS_SANDBOX_FAILURE_RATE="1.5": must be a probability from 0 to 1');
  });
});

describe('failures and dropped connections', () => {
  it('answers 500 ServiceFailure (ServiceFailureException) at the failure rate, the same requests for the same faultSeed', async () => {
    const run = async () => {
      const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { failureRate: 0.5, faultSeed: 7 } });
      return outcomes(20, () => iam.send(new ListUsersCommand({})));
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((name) => name === 'ServiceFailureException').length).toBeGreaterThan(3);
    expect(first.filter((name) => name === 'ok').length).toBeGreaterThan(3);
    expect(first.filter((name) => name !== 'ok' && name !== 'ServiceFailureException')).toEqual([]);

    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { failureRate: 1 } });
    const error = await failure(iam.send(new ListUsersCommand({})));
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect(error.message).toBe('Request processing has failed due to some unknown error, exception or failure.');
  });

  it('never applies a mutating call that failed', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: SMALL_SEED, faults: { failureRate: 1 } }, 3);
    const before = sandbox.snapshot();
    expect((await failure(iam.send(new CreateUserCommand({ UserName: 'carol' })))).name).toBe('ServiceFailureException');
    expect((await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Welcome-2026' })))).name).toBe('ServiceFailureException');
    expect((await failure(iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', PasswordResetRequired: true })))).name).toBe('ServiceFailureException');
    expect(sandbox.requestCount()).toBe(9); // three attempts each
    expect(sandbox.snapshot()).toEqual(before);
  });

  it('applies each retried mutating call exactly once', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { failureRate: 0.5, faultSeed: 3 } }, 20);
    for (let i = 0; i < 10; i++) await iam.send(new CreateUserCommand({ UserName: `new-${i}` }));
    const { Users } = await iam.send(new ListUsersCommand({}));
    expect(Users?.filter((user) => user.UserName?.startsWith('new-'))).toHaveLength(10);
  });

  it('drops connections without answering, changing nothing', async () => {
    const { iam, sandbox } = await sandboxWith({ seed: SMALL_SEED, faults: { dropRate: 1 } });
    const before = sandbox.snapshot();
    const error = await failure(iam.send(new CreateUserCommand({ UserName: 'carol' })));
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(sandbox.snapshot()).toEqual(before);
  });

  it('adds the configured latency to every call', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { latencyMs: 150 } });
    const started = performance.now();
    await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });
});

describe('request log', () => {
  it('logs one line per request with action, user, status and latency, never a password', async () => {
    const lines: string[] = [];
    const { iam, sandbox } = await sandboxWith({ seed: SMALL_SEED, log: (line) => lines.push(line) });
    const secrets = ['Welcome-2026-Secret', 'short', 'Rotated-2026-Secret'];
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: secrets[0] }));
    await failure(iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: secrets[1] })));
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'bob', Password: secrets[2] }));
    await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    // A password sent in the wrong field is not logged either.
    await fetch(`${sandbox.url}/`, { method: 'POST', body: new URLSearchParams({ Action: 'GetUser', Version: '2010-05-08', UserName: 'p@ss word!' }) });

    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z CreateLoginProfile user=bob 200 \d+ms$/);
    expect(lines[1]).toMatch(/ CreateLoginProfile user=bob 409 \d+ms$/);
    expect(lines[3]).toMatch(/ GetUser user=nobody 404 \d+ms$/);
    expect(lines[4]).toMatch(/ GetUser user=<invalid> 400 \d+ms$/);
    const log = lines.join('\n');
    for (const secret of [...secrets, 'p@ss word!']) expect(log).not.toContain(secret);
  });

  it('marks injected faults', async () => {
    const lines: string[] = [];
    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { rate: 1, burst: 1 }, log: (line) => lines.push(line) });
    await iam.send(new ListUsersCommand({}));
    await failure(iam.send(new ListUsersCommand({})));
    expect(lines[1]).toMatch(/ ListUsers user=- 400 \d+ms \(injected throttle\)$/);
  });
});

describe('unknown user through faults', () => {
  it('still answers NoSuchEntity when the call gets through', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED, faults: { failureRate: 0.5, faultSeed: 11 } }, 10);
    expect(await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })))).toBeInstanceOf(NoSuchEntityException);
  });
});
