import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPasswordHandling, type PasswordHandling } from '../../src/apply/delivery.js';
import { execute, type ExecutorEvent } from '../../src/apply/execute.js';
import { createAwsGateway } from '../../src/iam/aws.js';
import { Caller } from '../../src/iam/retry.js';
import { diff } from '../../src/plan/diff.js';
import { AWS_DEFAULT_PASSWORD_RULES } from '../../src/model/policy.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';
import { ENDPOINT, expectCall, loginProfile, replyError, replyOk, type Form } from '../support/iam-nock.js';

const fastRetries = { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 };
let dir: string;
let passwords: string[];

function options(extra: { events?: ExecutorEvent[] } = {}) {
  const caller = new Caller({ policy: fastRetries });
  return {
    gateway: createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 2 }, caller),
    passwords: recording(
      createPasswordHandling({ rules: AWS_DEFAULT_PASSWORD_RULES, env: {}, keys: new Map(), deliveryDir: dir, passwordDir: dir, reveal: null }),
    ),
    concurrency: 2,
    onEvent: (e: ExecutorEvent) => extra.events?.push(e),
  };
}

/** Keeps every password handed out, so tests can look for it where it must not be. */
function recording(handling: PasswordHandling): PasswordHandling {
  return {
    obtain: async (source) => {
      const p = await handling.obtain(source);
      passwords.push(p);
      return p;
    },
    deliver: (...args) => handling.deliver(...args),
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

describe('setting passwords: sources, rotation, delivery', () => {
  it('creates with a supplied password, sends it as given, delivers nothing, and records the rotation token', async () => {
    const sent: Form[] = [];
    replyOk(capture('CreateLoginProfile', sent), 'CreateLoginProfile', loginProfile('dana', false));
    replyOk(capture('TagUser', sent), 'TagUser');
    const plan = diff(
      desiredState({ users: [{ name: 'dana', password: { kind: 'env', name: 'DANA_PW' }, rotation: '2026-11', passwordResetRequired: false }] }),
      liveState({ users: [liveUser('dana', null)] }),
    );
    const handling = createPasswordHandling({
      rules: AWS_DEFAULT_PASSWORD_RULES,
      env: { DANA_PW: 'Supplied-Pa55word!' },
      keys: new Map(),
      deliveryDir: dir,
      passwordDir: dir,
      reveal: null,
    });
    const report = await execute(plan, { ...options(), passwords: handling });
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    expect(report.results[0]?.message).toContain('supplied by environment variable DANA_PW');
    expect(sent[0]).toMatchObject({ UserName: 'dana', Password: 'Supplied-Pa55word!', PasswordResetRequired: 'false' });
    expect(sent[1]).toMatchObject({ UserName: 'dana', 'Tags.member.1.Key': 'iampass:rotation', 'Tags.member.1.Value': '2026-11' });
    expect(await readdir(dir)).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('Supplied-Pa55word!');
  });

  it('rotates: sends a new password with the reset intent, then records the new token', async () => {
    const sent: Form[] = [];
    replyOk(capture('UpdateLoginProfile', sent), 'UpdateLoginProfile');
    replyOk(capture('TagUser', sent), 'TagUser');
    const plan = diff(
      desiredState({ users: [{ name: 'erin', rotation: 'r2' }] }),
      liveState({ users: [liveUser('erin', profile(false), { rotation: 'r1' })] }),
    );
    const report = await execute(plan, options());
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    expect(sent[0]).toMatchObject({ UserName: 'erin', Password: passwords[0], PasswordResetRequired: 'true' });
    expect(sent[1]).toMatchObject({ 'Tags.member.1.Value': 'r2' });
    expect((await readFile(join(dir, 'erin.password'), 'utf8')).trim()).toBe(passwords[0]);
  });

  it('words a PasswordPolicyViolation without the password and takes the delivery back', async () => {
    replyError(expectCall('UpdateLoginProfile'), 400, 'PasswordPolicyViolation', 'Password does not conform to the account password policy.');
    const plan = diff(
      desiredState({ users: [{ name: 'erin', rotation: 'r2' }] }),
      liveState({ users: [liveUser('erin', profile(false), { rotation: 'r1' })] }),
    );
    const report = await execute(plan, options());
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      code: 'PasswordPolicyViolation',
      message: 'IAM refused the new password (a generated password): it does not meet the account password policy in force',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a profile set but a token not recorded as failed, keeping the valid delivery', async () => {
    replyOk(expectCall('CreateLoginProfile'), 'CreateLoginProfile', loginProfile('fay', true));
    replyError(expectCall('TagUser').times(3), 500, 'ServiceFailure', 'boom');
    const plan = diff(desiredState({ users: [{ name: 'fay', rotation: 'r1' }] }), liveState({ users: [liveUser('fay', null)] }));
    const report = await execute(plan, options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'ServiceFailure' });
    expect(report.results[0]?.message).toContain('console access enabled');
    expect(report.results[0]?.message).toContain('the next plan rotates again');
    expect(await readdir(dir)).toEqual(['fay.password']);
  });

  it('fails one action, not the apply, when a supplied password cannot be read', async () => {
    const plan = diff(
      desiredState({ users: [{ name: 'gus', password: { kind: 'env', name: 'GUS_PW' } }] }),
      liveState({ users: [liveUser('gus', null)] }),
    );
    const report = await execute(plan, options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'PasswordUnavailable', message: 'environment variable GUS_PW is not set' });
  });
});
