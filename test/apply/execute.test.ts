import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPasswordHandling, type PasswordHandling } from '../../src/apply/delivery.js';
import { execute, type ExecutorEvent } from '../../src/apply/execute.js';
import { createAwsGateway } from '../../src/iam/aws.js';
import { iamJournal } from '../../src/iam/journal.js';
import { Caller } from '../../src/iam/retry.js';
import { diff } from '../../src/plan/diff.js';
import { AWS_DEFAULT_PASSWORD_RULES } from '../../src/model/policy.js';
import { CIS_POLICY, desiredState, liveState, liveUser, profile } from '../support/builders.js';
import { ENDPOINT, expectCall, loginProfile, replyError, replyOk, xmlError, type Form } from '../support/iam-nock.js';

const fastRetries = { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 };
const ACCOUNT = '123456789012';
let dir: string;
let passwords: string[];

function handling(env: NodeJS.ProcessEnv = {}): PasswordHandling {
  return recording(
    createPasswordHandling({ account: ACCOUNT, rules: AWS_DEFAULT_PASSWORD_RULES, env, keys: new Map(), deliveryDir: dir, passwordDir: dir, reveal: null }),
  );
}

function options(extra: { events?: ExecutorEvent[] } = {}) {
  const caller = new Caller({ policy: fastRetries });
  const gateway = createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 2 }, caller);
  return {
    gateway,
    passwords: handling(),
    journal: iamJournal(gateway),
    concurrency: 2,
    onEvent: (e: ExecutorEvent) => extra.events?.push(e),
  };
}

/** The account's delivery folder, and the files in it, sorted. */
const deliveries = async () => (await readdir(join(dir, ACCOUNT)).catch(() => [] as string[])).sort();
const contentOf = async (name: string) => (await readFile(join(dir, ACCOUNT, name), 'utf8')).trim();

/**
 * The journal's calls for one password-setting write of `user`: the group (already there), the user added, and,
 * unless the outcome stays unknown, removed again.
 */
function journalCalls(user: string, sent: Form[], cleared = true) {
  nock(ENDPOINT)
    .post('/', (b: Form) => b.Action === 'CreateGroup' && (sent.push(b), true))
    .reply(409, xmlError('EntityAlreadyExists', 'Group with name iampass-unconfirmed-passwords already exists.'), { 'content-type': 'text/xml' });
  replyOk(capture('AddUserToGroup', sent, { UserName: user }), 'AddUserToGroup');
  if (cleared) replyOk(capture('RemoveUserFromGroup', sent, { UserName: user }), 'RemoveUserFromGroup');
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
function capture(action: string, sent: Form[], fields: Form = {}) {
  return nock(ENDPOINT).post('/', (body: Form) => {
    if (body.Action !== action || !Object.entries(fields).every(([k, v]) => body[k] === v)) return false;
    sent.push(body);
    return true;
  });
}

const noProfile = (name: string) => `Login Profile for User ${name} cannot be found.`;

describe('apply through the SDK', () => {
  it('records the change in the journal, delivers to a 0600 file first, creates, confirms, then clears the record', async () => {
    const sent: Form[] = [];
    journalCalls('alice', sent);
    replyOk(capture('CreateLoginProfile', sent), 'CreateLoginProfile', loginProfile('alice', true));
    const events: ExecutorEvent[] = [];
    const report = await execute(createPlan('alice'), options({ events }));

    expect(report.results.map((r) => r.status)).toEqual(['ok']);
    expect(sent.map((f) => f.Action)).toEqual(['CreateGroup', 'AddUserToGroup', 'CreateLoginProfile', 'RemoveUserFromGroup']);
    const [name] = await deliveries();
    expect(name).toMatch(/^alice\.\d{8}T\d{9}Z-[0-9a-f]{6}-0001\.password$/);
    const delivered = await contentOf(name as string);
    expect(sent[2]).toMatchObject({ UserName: 'alice', PasswordResetRequired: 'true', Password: delivered });
    expect((await stat(join(dir, ACCOUNT, name as string))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(report)).not.toContain(delivered);
    expect(JSON.stringify(events)).not.toContain(delivered);
    expect(events.map((e) => e.type)).toEqual(['started', 'finished']);
  });

  it('removes the delivered password when IAM definitively refuses it, and words the error without it', async () => {
    journalCalls('alice', []);
    replyError(expectCall('CreateLoginProfile'), 400, 'PasswordPolicyViolation', 'Password does not conform to the account password policy.');
    const report = await execute(createPlan('alice'), options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'PasswordPolicyViolation' });
    expect(await deliveries()).toEqual([]);
    expect(report.results[0]?.message).not.toContain(passwords[0]);
  });

  it('re-reads and reports a profile that appeared since the plan instead of counting the create as done', async () => {
    journalCalls('alice', []);
    replyError(expectCall('CreateLoginProfile'), 409, 'EntityAlreadyExists', 'Login Profile for user alice already exists.');
    replyOk(expectCall('GetLoginProfile', { UserName: 'alice' }), 'GetLoginProfile', loginProfile('alice', false));
    const report = await execute(createPlan('alice'), options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'EntityAlreadyExists' });
    expect(report.results[0]?.message).toContain('created outside this apply');
    expect(await deliveries()).toEqual([]);
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
      .times(7)
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
    expect(order.slice(1, 5)).toEqual(['CreateGroup', 'AddUserToGroup zoe', 'CreateLoginProfile zoe', 'RemoveUserFromGroup zoe']);
    expect(report.results.map((r) => [r.action.kind, r.status])).toEqual([
      ['update-password-policy', 'ok'],
      ['create-login-profile', 'ok'],
      ['delete-login-profile', 'failed'],
    ]);
  });

  it('starts nothing new once asked to stop, and marks the rest not run', async () => {
    journalCalls('a1', []);
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
    journalCalls('dana', []);
    replyOk(capture('CreateLoginProfile', sent), 'CreateLoginProfile', loginProfile('dana', false));
    replyOk(capture('TagUser', sent), 'TagUser');
    const plan = diff(
      desiredState({ users: [{ name: 'dana', password: { kind: 'env', name: 'DANA_PW' }, rotation: '2026-11', passwordResetRequired: false }] }),
      liveState({ users: [liveUser('dana', null)] }),
    );
    const report = await execute(plan, { ...options(), passwords: handling({ DANA_PW: 'Supplied-Pa55word!' }) });
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    expect(report.results[0]?.message).toContain('supplied by environment variable DANA_PW');
    expect(sent[0]).toMatchObject({ UserName: 'dana', Password: 'Supplied-Pa55word!', PasswordResetRequired: 'false' });
    expect(sent[1]).toMatchObject({ UserName: 'dana', 'Tags.member.1.Key': 'iampass:rotation', 'Tags.member.1.Value': '2026-11' });
    expect(await deliveries()).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('Supplied-Pa55word!');
  });

  it('rotates: sends a new password with the reset intent, then records the new token', async () => {
    const sent: Form[] = [];
    journalCalls('erin', []);
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
    const files = await deliveries();
    expect(files).toHaveLength(1);
    expect(await contentOf(files[0] as string)).toBe(passwords[0]);
  });

  it('words a PasswordPolicyViolation without the password and takes the delivery back', async () => {
    journalCalls('erin', []);
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
    expect(await deliveries()).toEqual([]);
  });

  it('reports a profile set but a token not recorded as failed, keeping the valid delivery', async () => {
    journalCalls('fay', [], false);
    replyOk(expectCall('CreateLoginProfile'), 'CreateLoginProfile', loginProfile('fay', true));
    replyError(expectCall('TagUser').times(3), 500, 'ServiceFailure', 'boom');
    const plan = diff(desiredState({ users: [{ name: 'fay', rotation: 'r1' }] }), liveState({ users: [liveUser('fay', null)] }));
    const report = await execute(plan, options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'ServiceFailure' });
    expect(report.results[0]?.message).toContain('console access enabled');
    expect(report.results[0]?.message).toContain('the next plan rotates again');
    const files = await deliveries();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^fay\..*\.password$/);
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

describe('every outcome of a password-setting write is resolved (replies lost, cut short, or garbage)', () => {
  const rotationPlan = () =>
    diff(desiredState({ users: [{ name: 'erin', rotation: 'r2' }] }), liveState({ users: [liveUser('erin', profile(false), { rotation: 'r1' })] }));
  /** A delivery an earlier run confirmed: erin's valid password until a new one is confirmed. */
  const OLDER = 'erin.20260101T000000000Z-aaaaaa-0001.password';
  async function olderDelivery() {
    await mkdir(join(dir, ACCOUNT), { recursive: true });
    await writeFile(join(dir, ACCOUNT, OLDER), 'the-password-IAM-holds\n', { mode: 0o600 });
  }
  const serviceFailure = (call: nock.Interceptor, times: number) => replyError(call.times(times), 500, 'ServiceFailure', 'Request processing has failed.');

  it('a create whose reply was lost (the retry meets the profile it made) converges on a new, delivered password', async () => {
    const sent: Form[] = [];
    journalCalls('alice', sent);
    capture('CreateLoginProfile', sent).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    replyError(capture('CreateLoginProfile', sent), 409, 'EntityAlreadyExists', 'Login Profile for user alice already exists.');
    replyOk(expectCall('GetLoginProfile', { UserName: 'alice' }), 'GetLoginProfile', loginProfile('alice', true));
    replyOk(capture('UpdateLoginProfile', sent), 'UpdateLoginProfile');
    const report = await execute(createPlan('alice'), options());

    expect(report.results[0]).toMatchObject({ status: 'ok' });
    expect(report.results[0]?.message).toContain("after IAM's answer was lost, a new password was set and confirmed");
    const update = sent.find((f) => f.Action === 'UpdateLoginProfile');
    const create = sent.find((f) => f.Action === 'CreateLoginProfile');
    expect(update?.Password).not.toBe(create?.Password);
    const files = await deliveries();
    expect(files).toHaveLength(1);
    expect(await contentOf(files[0] as string)).toBe(update?.Password);
    expect(sent.at(-1)?.Action).toBe('RemoveUserFromGroup');
  });

  it.each([
    ['a 200 whose body is garbage', (i: nock.Interceptor) => i.reply(200, '\u0000 not xml <<<', { 'content-type': 'text/xml' })],
    ['a 200 cut short', (i: nock.Interceptor) => i.reply(200, '<CreateLoginProfileResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateLoginPro', { 'content-type': 'text/xml' })],
  ])('a create answered with %s is read back and converges', async (_name, answer) => {
    const sent: Form[] = [];
    journalCalls('alice', sent);
    answer(capture('CreateLoginProfile', sent));
    replyOk(expectCall('GetLoginProfile', { UserName: 'alice' }), 'GetLoginProfile', loginProfile('alice', true));
    replyOk(capture('UpdateLoginProfile', sent), 'UpdateLoginProfile');
    const report = await execute(createPlan('alice'), options());
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    const files = await deliveries();
    expect(files).toHaveLength(1);
    expect(await contentOf(files[0] as string)).toBe(sent.find((f) => f.Action === 'UpdateLoginProfile')?.Password);
  });

  it('a rotation answered 500 until retries ran out keeps the earlier delivery, and converges once IAM answers', async () => {
    await olderDelivery();
    const sent: Form[] = [];
    journalCalls('erin', sent);
    serviceFailure(capture('UpdateLoginProfile', sent), 3);
    replyOk(expectCall('GetLoginProfile', { UserName: 'erin' }), 'GetLoginProfile', loginProfile('erin', false));
    replyOk(capture('UpdateLoginProfile', sent), 'UpdateLoginProfile');
    replyOk(capture('TagUser', sent), 'TagUser');
    const report = await execute(rotationPlan(), options());
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    const final = sent.filter((f) => f.Action === 'UpdateLoginProfile').at(-1)?.Password;
    const files = await deliveries();
    // the converged password is now the newest and only delivery: the older one and the unconfirmed one went
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(OLDER);
    expect(await contentOf(files[0] as string)).toBe(final);
  });

  it('a rotation whose outcome cannot be learned fails as unknown, keeping both deliveries and the record', async () => {
    await olderDelivery();
    const sent: Form[] = [];
    journalCalls('erin', sent, false);
    serviceFailure(capture('UpdateLoginProfile', sent), 3);
    serviceFailure(expectCall('GetLoginProfile', { UserName: 'erin' }), 3);
    const report = await execute(rotationPlan(), options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'OutcomeUnknown' });
    expect(report.results[0]?.message).toContain('is kept unconfirmed; the next plan sets a known password');
    const files = await deliveries();
    expect(files).toContain(OLDER);
    expect(await contentOf(OLDER)).toBe('the-password-IAM-holds');
    const unconfirmed = files.filter((f) => f.endsWith('.unconfirmed'));
    expect(unconfirmed).toHaveLength(1);
    expect(await contentOf(unconfirmed[0] as string)).toBe(sent.find((f) => f.Action === 'UpdateLoginProfile')?.Password);
    expect(sent.map((f) => f.Action)).not.toContain('RemoveUserFromGroup');
    for (const p of passwords) expect(JSON.stringify(report)).not.toContain(p);
  });

  it('a refusal after an earlier attempt may have gone through (reuse prevention meeting its own write) is not taken as a refusal', async () => {
    const sent: Form[] = [];
    journalCalls('erin', sent);
    capture('UpdateLoginProfile', sent).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    replyError(capture('UpdateLoginProfile', sent), 400, 'PasswordPolicyViolation', 'Password was used too recently.');
    replyOk(expectCall('GetLoginProfile', { UserName: 'erin' }), 'GetLoginProfile', loginProfile('erin', false));
    replyOk(capture('UpdateLoginProfile', sent), 'UpdateLoginProfile');
    replyOk(capture('TagUser', sent), 'TagUser');
    const report = await execute(rotationPlan(), options());
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    const updates = sent.filter((f) => f.Action === 'UpdateLoginProfile');
    expect(updates).toHaveLength(3);
    expect(updates[2]?.Password).not.toBe(updates[0]?.Password);
    const files = await deliveries();
    expect(files).toHaveLength(1);
    expect(await contentOf(files[0] as string)).toBe(updates[2]?.Password);
  });

  it('nothing is sent when the change cannot first be recorded', async () => {
    const sent: Form[] = [];
    replyError(expectCall('CreateGroup'), 403, 'AccessDenied', 'User is not authorized to perform: iam:CreateGroup');
    const report = await execute(createPlan('alice'), options());
    expect(report.results[0]).toMatchObject({ status: 'failed', code: 'AccessDenied' });
    expect(report.results[0]?.message).toContain('nothing was sent');
    expect(sent).toEqual([]);
    expect(await deliveries()).toEqual([]);
  });
});
