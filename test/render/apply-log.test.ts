/**
 * Apply's result lines for logs and pipes, through the real executor and the SDK against nock: one user's reply
 * is held back until the others have completed, so completions come out of plan order, and the lines must not.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHandling } from '../../src/apply/delivery.js';
import { execute, type ExecutorEvent } from '../../src/apply/execute.js';
import { createAwsGateway } from '../../src/iam/aws.js';
import { Caller } from '../../src/iam/retry.js';
import { AWS_DEFAULT_PASSWORD_RULES } from '../../src/model/policy.js';
import { diff } from '../../src/plan/diff.js';
import { PLAIN } from '../../src/render/ansi.js';
import { createResultLog } from '../../src/render/apply-log.js';
import { desiredState, liveState, liveUser } from '../support/builders.js';
import { ENDPOINT, loginProfile, xmlOk, type Form } from '../support/iam-nock.js';

const USERS = ['alice', 'bob', 'carol'];

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** Answers CreateLoginProfile for `user`; `held` replies only once `release` is called. */
function answer(user: string, held: Promise<void> | null) {
  nock(ENDPOINT)
    .post('/', (body: Form) => body.Action === 'CreateLoginProfile' && body.UserName === user)
    .reply((_uri, _body, callback) => {
      const reply = () => callback(null, [200, xmlOk('CreateLoginProfile', loginProfile(user, true)), { 'content-type': 'text/xml' }]);
      if (held) void held.then(reply);
      else reply();
    });
}

describe('apply result lines', () => {
  it.each([
    { slow: 'alice', printedWhenOthersDone: [] },
    { slow: 'bob', printedWhenOthersDone: ['alice'] },
    { slow: 'carol', printedWhenOthersDone: ['alice', 'bob'] },
  ])('come in plan order when $slow completes last, each as soon as every action before it is done', async ({ slow, printedWhenOthersDone }) => {
    const dir = await mkdtemp(join(tmpdir(), 'iampass-log-'));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    for (const user of USERS) answer(user, user === slow ? held : null);

    const lines: string[] = [];
    const log = createResultLog((line) => lines.push(line), PLAIN);
    const completed: string[] = [];
    let printedMeanwhile: string[] | null = null;
    const onEvent = (event: ExecutorEvent) => {
      log.onEvent(event);
      if (event.type !== 'finished') return;
      completed.push(event.result.action.kind === 'update-password-policy' ? 'policy' : (event.result.action as { user: string }).user);
      if (completed.length === USERS.length - 1) {
        printedMeanwhile = lines.map(userOf);
        release();
      }
    };

    const plan = diff(desiredState({ users: USERS.map((name) => ({ name })) }), liveState({ users: USERS.map((n) => liveUser(n, null)) }));
    const caller = new Caller({ policy: { maxAttempts: 1, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 1 } });
    const report = await execute(plan, {
      gateway: createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 3 }, caller),
      passwords: createPasswordHandling({ account: '123456789012', rules: AWS_DEFAULT_PASSWORD_RULES, env: {}, keys: new Map(), deliveryDir: dir, passwordDir: dir, reveal: null }),
      // The order of printed lines is under test, not the journal (test/apply covers it over HTTP): it records nothing.
      journal: { mark: async () => {}, clear: async () => {} },
      concurrency: 3,
      onEvent,
    });
    log.finish(report);

    expect(completed.at(-1)).toBe(slow);
    expect(printedMeanwhile).toEqual(printedWhenOthersDone);
    expect(lines.map(userOf)).toEqual(USERS);
    expect(lines.every((line) => line.startsWith('done     + '))).toBe(true);
  });
});

const userOf = (line: string) => /^\S+\s+\+ (\S+):/.exec(line)?.[1] ?? line;
