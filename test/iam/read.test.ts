import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsGateway } from '../../src/iam/aws.js';
import { readLiveState, ReadError } from '../../src/iam/read.js';
import { Caller } from '../../src/iam/retry.js';
import { readRequestOf } from '../../src/model/read-request.js';
import { CIS_POLICY, desiredState } from '../support/builders.js';
import {
  ENDPOINT,
  expectCall,
  mockIdentity,
  mockNoJournal,
  mockNoPolicy,
  mockProfile,
  mockUsers,
  replyError,
  replyOk,
  user,
} from '../support/iam-nock.js';

const fastRetries = { maxAttempts: 4, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2 };

function gateway(caller = new Caller({ policy: fastRetries })) {
  return { caller, gateway: createAwsGateway({ endpointUrl: ENDPOINT, region: 'us-east-1', concurrency: 4 }, caller) };
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('reading live IAM through the SDK', () => {
  it('follows ListUsers pagination across pages and reads each governed profile', async () => {
    mockIdentity();
    mockNoPolicy();
    mockNoJournal();
    replyOk(expectCall('ListUsers', { MaxItems: '1000' }), 'ListUsers', `<Users>${user('alice')}${user('bob')}</Users><IsTruncated>true</IsTruncated><Marker>page2</Marker>`);
    replyOk(expectCall('ListUsers', { Marker: 'page2' }), 'ListUsers', `<Users>${user('carol')}</Users><IsTruncated>true</IsTruncated><Marker>page3</Marker>`);
    replyOk(expectCall('ListUsers', { Marker: 'page3' }), 'ListUsers', `<Users>${user('dave', '/', '<PasswordLastUsed>2026-11-01T10:00:00Z</PasswordLastUsed>')}</Users><IsTruncated>false</IsTruncated>`);
    mockProfile('alice', false);
    mockProfile('dave', true);
    mockProfile('carol', null);

    const { gateway: gw } = gateway();
    const desired = desiredState({ users: [{ name: 'alice' }, { name: 'carol' }, { name: 'dave' }] });
    const result = await readLiveState(gw, readRequestOf(desired), { concurrency: 2 });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.live.users.map((u) => [u.name, u.loginProfile?.passwordResetRequired ?? 'none', u.passwordLastUsed])).toEqual([
      ['alice', false, null],
      ['carol', 'none', null],
      ['dave', true, '2026-11-01T10:00:00.000Z'],
    ]);
    expect(result.live.unlistedIgnored).toEqual(['bob']);
    expect(result.live.passwordPolicy).toBeNull();
    expect(result.live.account).toBe('123456789012');
  });

  it('reads the live policy into the same shape as the file', async () => {
    mockIdentity();
    replyOk(
      expectCall('GetAccountPasswordPolicy'),
      'GetAccountPasswordPolicy',
      '<PasswordPolicy><MinimumPasswordLength>14</MinimumPasswordLength><RequireSymbols>true</RequireSymbols><RequireNumbers>true</RequireNumbers><RequireUppercaseCharacters>true</RequireUppercaseCharacters><RequireLowercaseCharacters>true</RequireLowercaseCharacters><AllowUsersToChangePassword>true</AllowUsersToChangePassword><ExpirePasswords>true</ExpirePasswords><MaxPasswordAge>90</MaxPasswordAge><PasswordReusePrevention>24</PasswordReusePrevention><HardExpiry>false</HardExpiry></PasswordPolicy>',
    );
    mockUsers();
    const result = await readLiveState(gateway().gateway, readRequestOf(desiredState()), { concurrency: 2 });
    expect(result.ok && result.live.passwordPolicy).toEqual(CIS_POLICY);
  });

  it('reads the journal of unconfirmed passwords in one call: governed members are marked, others counted apart', async () => {
    mockIdentity();
    mockNoPolicy();
    replyOk(
      expectCall('GetGroup', { GroupName: 'iampass-unconfirmed-passwords' }),
      'GetGroup',
      `<Group><Path>/iampass/</Path><GroupName>iampass-unconfirmed-passwords</GroupName><GroupId>AGPAJOURNAL</GroupId><Arn>arn:aws:iam::123456789012:group/iampass/iampass-unconfirmed-passwords</Arn><CreateDate>2026-11-01T00:00:00Z</CreateDate></Group><Users>${user('alice')}${user('zed')}</Users><IsTruncated>false</IsTruncated>`,
    );
    mockUsers('alice', 'bob', 'zed');
    mockProfile('alice', false);
    mockProfile('bob', false);
    const result = await readLiveState(gateway().gateway, readRequestOf(desiredState({ users: [{ name: 'alice' }, { name: 'bob' }] })), { concurrency: 1 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.live.users.map((u) => [u.name, u.unconfirmed])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);
    expect(result.live.journal).toEqual({ ungoverned: ['zed'] });
  });

  it('says when the journal cannot be read, instead of taking it as empty', async () => {
    mockIdentity();
    mockNoPolicy();
    replyError(expectCall('GetGroup'), 403, 'AccessDenied', 'User is not authorized to perform: iam:GetGroup');
    mockUsers('alice');
    mockProfile('alice', false);
    const result = await readLiveState(gateway().gateway, readRequestOf(desiredState({ users: [{ name: 'alice' }] })), { concurrency: 1 });
    expect(result.ok && result.live.journal).toMatchObject({ unknown: expect.stringContaining('GetGroup iampass-unconfirmed-passwords: AccessDenied') });
  });

  it('retries throttling and counts it, then succeeds', async () => {
    mockIdentity();
    mockNoPolicy();
    mockNoJournal();
    mockUsers('alice');
    const call = () => expectCall('GetLoginProfile', { UserName: 'alice' });
    replyError(call(), 400, 'Throttling', 'Rate exceeded');
    replyError(call(), 400, 'Throttling', 'Rate exceeded');
    mockProfile('alice', false);

    const { gateway: gw, caller } = gateway();
    const result = await readLiveState(gw, readRequestOf(desiredState({ users: [{ name: 'alice' }] })), { concurrency: 1 });
    expect(result.ok && result.live.users[0]?.loginProfile).toBeTruthy();
    expect(caller.stats).toMatchObject({ throttled: 2, retries: 2 });
  });

  it('fails the read naming the user and the AWS code when a 5xx never clears', async () => {
    mockIdentity();
    mockNoPolicy();
    mockNoJournal();
    mockUsers('alice');
    replyError(expectCall('GetLoginProfile', { UserName: 'alice' }).times(4), 500, 'ServiceFailure', 'Internal failure');

    const promise = readLiveState(gateway().gateway, readRequestOf(desiredState({ users: [{ name: 'alice' }] })), { concurrency: 1 });
    await expect(promise).rejects.toBeInstanceOf(ReadError);
    await expect(promise).rejects.toThrow('GetLoginProfile for user alice failed: ServiceFailure: Internal failure');
  });

  it('refuses an account other than the one the file names, before reading anything else', async () => {
    mockIdentity('999999999999');
    const result = await readLiveState(gateway().gateway, readRequestOf(desiredState({ account: '123456789012' })), { concurrency: 1 });
    expect(result).toMatchObject({ ok: false, kind: 'wrong-account', expected: '123456789012', actual: '999999999999' });
  });

  it('reports every listed user that does not exist, with a close match', async () => {
    mockIdentity();
    mockNoPolicy();
    mockNoJournal();
    mockUsers('alice', 'bob');
    const result = await readLiveState(gateway().gateway, readRequestOf(desiredState({ users: [{ name: 'alise' }, { name: 'zz-top' }, { name: 'bob' }] })), {
      concurrency: 1,
    });
    expect(result).toMatchObject({
      ok: false,
      kind: 'unresolved-users',
      users: [
        { name: 'alise', problem: 'missing', detail: 'alice' },
        { name: 'zz-top', problem: 'missing', detail: null },
      ],
    });
  });

  it('reads tags only for users on the scope path, and scopes by them', async () => {
    mockIdentity();
    mockNoPolicy();
    mockNoJournal();
    replyOk(expectCall('ListUsers'), 'ListUsers', `<Users>${user('alice', '/staff/')}${user('erin', '/staff/')}${user('ci', '/service/')}</Users><IsTruncated>false</IsTruncated>`);
    const tags = (k: string, v: string) => `<Tags><member><Key>${k}</Key><Value>${v}</Value></member></Tags><IsTruncated>false</IsTruncated>`;
    replyOk(expectCall('ListUserTags', { UserName: 'alice' }), 'ListUserTags', tags('team', 'platform'));
    replyOk(expectCall('ListUserTags', { UserName: 'erin' }), 'ListUserTags', tags('team', 'data'));
    mockProfile('alice', false);
    const desired = desiredState({ users: [{ name: 'alice' }], scope: { pathPrefix: '/staff/', tags: { team: 'platform' }, unlisted: 'disable' } });
    const result = await readLiveState(gateway().gateway, readRequestOf(desired), { concurrency: 2 });
    expect(result.ok && result.live.users.map((u) => u.name)).toEqual(['alice']);
    expect(result.ok && result.live.outOfScopeCount).toBe(2);
  });

  it('never has more per-user calls in flight than the concurrency limit', async () => {
    mockIdentity();
    mockNoPolicy();
    mockNoJournal();
    const names = Array.from({ length: 30 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    mockUsers(...names);
    let inFlight = 0;
    let peak = 0;
    nock(ENDPOINT)
      .post('/', (b: Record<string, string>) => b.Action === 'GetLoginProfile')
      .times(30)
      .delay(5)
      .reply(function (_uri, body) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        const name = new URLSearchParams(body as string).get('UserName');
        setTimeout(() => (inFlight -= 1), 4);
        return [404, `<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>Login Profile for User ${name} cannot be found.</Message></Error></ErrorResponse>`];
      });
    const result = await readLiveState(gateway().gateway, readRequestOf(desiredState({ users: names.map((name) => ({ name })) })), { concurrency: 3 });
    expect(result.ok && result.live.users).toHaveLength(30);
    expect(peak).toBeLessThanOrEqual(3);
  });
});
