import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PasswordDirectory } from '../../src/apply/delivery.js';
import { execute, type ExecutorEvent } from '../../src/apply/execute.js';
import { generatePassword } from '../../src/apply/password.js';
import { createAwsGateway } from '../../src/iam/aws.js';
import { Caller } from '../../src/iam/retry.js';
import { diff } from '../../src/plan/diff.js';
import { AWS_DEFAULT_PASSWORD_RULES } from '../../src/plan/policy.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';
import { ENDPOINT, expectCall, loginProfile, replyError, replyOk, type Form } from '../support/iam-nock.js';

const fastRetries = { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 };
let dir: string;
let passwords: string[];

function options(extra: { events?: ExecutorEvent[] } = {}) {
  const caller = new Caller({ policy: fastRetries });
  return {
    gateway: createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 2 }, caller),
    passwordSink: new PasswordDirectory(dir),
    generatePassword: () => {
      const p = generatePassword(AWS_DEFAULT_PASSWORD_RULES);
      passwords.push(p);
      return p;
    },
    concurrency: 2,
    onEvent: (e: ExecutorEvent) => extra.events?.push(e),
  };
}

beforeAll(() => nock.disableNetConnect());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iampass-exec-'));
  passwords = [];
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const createPlan = (...names: string[]) =>
  diff(desiredState({ users: names.map((name) => ({ name })) }), liveState({ users: names.map((n) => liveUser(n, null)) }));

/** Intercepts one call and keeps the form it was sent with. */
function capture(action: string, sent: Form[]) {
  return nock(ENDPOINT).post('/', (body: Form) => {
    if (body.Action !== action) return false;
    sent.push(body);
    return true;
  });
}

const noProfile = (name: string) => `Login Profile for User ${name} cannot be found.`;

describe('apply through the SDK', () => {
  it('creates a profile with the generated password, delivered to a 0600 file first', async () => {
    const sent: Form[] = [];
    replyOk(capture('CreateLoginProfile', sent), 'CreateLoginProfile', loginProfile('alice', true));
    const events: ExecutorEvent[] = [];
    const report = await execute(createPlan('alice'), options({ events }));

    expect(report.results.map((r) => r.status)).toEqual(['ok']);
    const file = join(dir, 'alice.password');
    const delivered = (await readFile(file, 'utf8')).trim();
    expect(sent[0]).toMatchObject({ UserName: 'alice', PasswordResetRequired: 'true', Password: delivered });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(report)).not.toContain(delivered);
    expect(JSON.stringify(events)).not.toContain(delivered);
    expect(events.map((e) => e.type)).toEqual(['started', 'finished']);
  });

  it('removes the delivered password when IAM refuses it, and words the error without it', async () => {
    replyError(expectCall('CreateLoginProfile'), 400, 'PasswordPolicyViolation', 'Password does not conform to the account password policy.');
    const report = await execute(createPlan('alice'), options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'PasswordPolicyViolation' });
    expect(await readdir(dir)).toEqual([]);
    expect(report.results[0]?.message).not.toContain(passwords[0]);
  });

  it('re-reads and reports a profile that appeared since the plan instead of counting the create as done', async () => {
    replyError(expectCall('CreateLoginProfile'), 409, 'EntityAlreadyExists', 'Login Profile for user alice already exists.');
    replyOk(expectCall('GetLoginProfile', { UserName: 'alice' }), 'GetLoginProfile', loginProfile('alice', false));
    const report = await execute(createPlan('alice'), options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'EntityAlreadyExists' });
    expect(report.results[0]?.message).toContain('created outside this apply');
    expect(await readdir(dir)).toEqual([]);
  });

  it('retries EntityTemporarilyUnmodifiable on delete until IAM accepts it', async () => {
    const call = () => expectCall('DeleteLoginProfile', { UserName: 'bob' });
    replyError(call(), 409, 'EntityTemporarilyUnmodifiable', 'Login Profile for User bob cannot be modified while login profile is being created.');
    replyError(call(), 409, 'EntityTemporarilyUnmodifiable', 'Login Profile for User bob cannot be modified while login profile is being created.');
    replyOk(call(), 'DeleteLoginProfile');
    const plan = diff(desiredState({ users: [{ name: 'bob', console: false }] }), liveState({ users: [liveUser('bob', profile())] }));
    const report = await execute(plan, options());
    expect(report.results.map((r) => [r.status, r.message])).toEqual([['ok', 'console access removed']]);
  });

  it('reports a profile already gone at delete time as skipped after re-reading it', async () => {
    replyError(expectCall('DeleteLoginProfile'), 404, 'NoSuchEntity', noProfile('bob'));
    replyError(expectCall('GetLoginProfile'), 404, 'NoSuchEntity', noProfile('bob'));
    const plan = diff(desiredState({ users: [{ name: 'bob', console: false }] }), liveState({ users: [liveUser('bob', profile())] }));
    const report = await execute(plan, options());
    expect(report.results[0]).toMatchObject({ status: 'skipped' });
  });

  it('sends the whole password policy, so no omitted field reverts to a weak default', async () => {
    const sent: Form[] = [];
    replyOk(capture('UpdateAccountPasswordPolicy', sent), 'UpdateAccountPasswordPolicy');
    const plan = diff(desiredState({ passwordPolicy: { kind: 'custom', policy: CIS_POLICY } }), liveState());
    await execute(plan, options());
    expect(sent[0]).toMatchObject({
      MinimumPasswordLength: '14',
      RequireUppercaseCharacters: 'true',
      RequireLowercaseCharacters: 'true',
      RequireNumbers: 'true',
      RequireSymbols: 'true',
      AllowUsersToChangePassword: 'true',
      MaxPasswordAge: '90',
      PasswordReusePrevention: '24',
      HardExpiry: 'false',
    });
  });

  it('clears a pending reset without sending a password', async () => {
    const sent: Form[] = [];
    replyOk(capture('UpdateLoginProfile', sent), 'UpdateLoginProfile');
    const plan = diff(
      desiredState({ users: [{ name: 'carol', passwordResetRequired: false }] }),
      liveState({ users: [liveUser('carol', profile(true))] }),
    );
    await execute(plan, options());
    expect(sent[0]).toMatchObject({ UserName: 'carol', PasswordResetRequired: 'false' });
    expect(sent[0]).not.toHaveProperty('Password');
  });

  it('goes on with independent actions after one fails, and runs the policy before any profile', async () => {
    const order: string[] = [];
    nock(ENDPOINT)
      .post('/', (b: Form) => {
        order.push(`${b.Action}${b.UserName ? ` ${b.UserName}` : ''}`);
        return true;
      })
      .times(4)
      .reply((_uri, body) => {
        const form = new URLSearchParams(body as string);
        if (form.get('UserName') === 'amy') return [500, '<ErrorResponse><Error><Code>ServiceFailure</Code><Message>boom</Message></Error></ErrorResponse>'];
        return [200, `<${form.get('Action')}Response><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${form.get('Action')}Response>`];
      });
    const plan = diff(
      desiredState({
        passwordPolicy: { kind: 'custom', policy: CIS_POLICY },
        users: [{ name: 'amy', console: false }, { name: 'zoe' }],
      }),
      liveState({ users: [liveUser('amy', profile()), liveUser('zoe', null)] }),
    );
    const caller = new Caller({ policy: { ...fastRetries, maxAttempts: 2 } });
    const report = await execute(plan, {
      ...options(),
      gateway: createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 2 }, caller),
    });
    expect(order[0]).toBe('UpdateAccountPasswordPolicy');
    expect(order.slice(1, 2)).toEqual(['CreateLoginProfile zoe']);
    expect(report.results.map((r) => [r.action.kind, r.status])).toEqual([
      ['update-password-policy', 'ok'],
      ['create-login-profile', 'ok'],
      ['delete-login-profile', 'failed'],
    ]);
  });

  it('starts nothing new once asked to stop, and marks the rest not run', async () => {
    replyOk(expectCall('CreateLoginProfile', { UserName: 'a1' }), 'CreateLoginProfile', loginProfile('a1', true));
    let stop = false;
    const report = await execute(createPlan('a1', 'a2', 'a3'), {
      ...options(),
      concurrency: 1,
      onEvent: (e) => {
        if (e.type === 'finished') stop = true;
      },
      shouldStop: () => stop,
    });
    expect(report.results.map((r) => r.status)).toEqual(['ok', 'not-run', 'not-run']);
    expect(report.interrupted).toBe(true);
  });
});
