/**
 * The CloudTrail adapter at the HTTP level: the SDK's real JSON 1.1 request (X-Amz-Target, epoch-second times, one
 * lookup attribute) and response (CloudTrailEvent as a JSON string), paging, throttling, refusals, and iampass's
 * user agent. Then the query runner over it: stop when settled, stop at the page bound, stop on a refusal.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCloudTrailGateway } from '../../src/iam/cloudtrail-aws.js';
import { decodeChangeEvent } from '../../src/iam/cloudtrail-events.js';
import { IamError } from '../../src/iam/errors.js';
import { Caller } from '../../src/iam/retry.js';
import { TokenBucket } from '../../src/iam/token-bucket.js';
import { runLookups } from '../../src/iam/trail-read.js';
import { planLookups } from '../../src/plan/attribution.js';
import type { DriftItem } from '../../src/plan/drift.js';

const ENDPOINT = 'https://cloudtrail.nock.test';
const TARGET = 'CloudTrail_20131101.LookupEvents';

interface Body {
  LookupAttributes?: Array<{ AttributeKey: string; AttributeValue: string }>;
  StartTime?: number;
  EndTime?: number;
  MaxResults?: number;
  NextToken?: string;
}

function record(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAMALLORY', arn: 'arn:aws:iam::123456789012:user/mallory', accountId: '123456789012', accessKeyId: 'AKIAMALLORY', userName: 'mallory' },
    eventTime: '2026-11-30T08:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'DeleteLoginProfile',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6',
    requestParameters: { userName: 'bob' },
    responseElements: null,
    eventID: 'e-1',
    readOnly: false,
    eventType: 'AwsApiCall',
    ...over,
  });
}

function trailEvent(id: string, name: string, epochSeconds: number, cloudTrailEvent: string) {
  return { EventId: id, EventName: name, ReadOnly: 'false', EventTime: epochSeconds, EventSource: 'iam.amazonaws.com', Username: 'mallory', Resources: [], CloudTrailEvent: cloudTrailEvent };
}

function gateway(sleeps: number[] = []) {
  let now = 0;
  const caller = new Caller({ sleep: async () => {}, random: () => 0 });
  const bucket = new TokenBucket(2, 2, () => now, async (ms) => {
    sleeps.push(ms);
    now += ms;
  });
  return createCloudTrailGateway({ region: 'us-east-1', endpointUrl: ENDPOINT, userAgent: ['iampass', '0.1.0'] }, caller, bucket);
}

const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('the CloudTrail gateway (SDK, JSON 1.1 over nock)', () => {
  it('sends one lookup attribute, the window in epoch seconds and iampass\'s user agent; decodes the events', async () => {
    let seen: { headers: Record<string, string | string[] | undefined>; body: Body } | undefined;
    nock(ENDPOINT)
      .post('/')
      .reply(function (_uri, body) {
        seen = { headers: this.req.headers, body: (typeof body === 'string' ? JSON.parse(body) : body) as Body };
        return [200, JSON.stringify({ Events: [trailEvent('e-1', 'DeleteLoginProfile', 1796025600, record())], NextToken: 'page-2' }), json];
      });
    const page = await gateway().lookupEvents({
      attribute: { key: 'EventName', value: 'DeleteLoginProfile' },
      startTime: '2026-09-02T12:00:00.000Z',
      endTime: '2026-12-01T12:00:00.000Z',
      maxResults: 50,
    });
    expect(seen?.headers['x-amz-target']).toBe(TARGET);
    expect(seen?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(String(seen?.headers['user-agent'])).toMatch(/(^| )iampass\/0\.1\.0( |$)/);
    expect(seen?.body).toEqual({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteLoginProfile' }],
      StartTime: Date.parse('2026-09-02T12:00:00.000Z') / 1000,
      EndTime: Date.parse('2026-12-01T12:00:00.000Z') / 1000,
      MaxResults: 50,
    });
    expect(page.nextToken).toBe('page-2');
    expect(page.events).toEqual([{ eventId: 'e-1', eventName: 'DeleteLoginProfile', eventTime: new Date(1796025600 * 1000).toISOString(), username: 'mallory', cloudTrailEvent: record() }]);
    expect(decodeChangeEvent(page.events[0]!)).toEqual({
      eventId: 'e-1',
      eventName: 'DeleteLoginProfile',
      eventTime: '2026-11-30T08:00:00.000Z',
      targetUser: 'bob',
      passwordResetRequired: null,
      actor: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mallory', name: 'mallory', roleArn: null, sessionName: null, sourceIdentity: null, accessKeyId: 'AKIAMALLORY' },
      sourceIp: '203.0.113.7',
      userAgent: 'aws-cli/2.15.0 Python/3.11.6',
      errorCode: null,
    });
  });

  it('retries ThrottlingException, and paces calls to 2 a second', async () => {
    const sleeps: number[] = [];
    nock(ENDPOINT).post('/').reply(400, JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }), json);
    nock(ENDPOINT).post('/').times(3).reply(200, JSON.stringify({ Events: [] }), json);
    const gw = gateway(sleeps);
    const request = { attribute: { key: 'EventName' as const, value: 'DeleteLoginProfile' }, startTime: '2026-11-01T00:00:00Z', endTime: '2026-12-01T00:00:00Z', maxResults: 50 };
    await gw.lookupEvents(request);
    await gw.lookupEvents(request);
    await gw.lookupEvents(request);
    // Four attempts on a bucket of two at 2/s: the third and the fourth each wait half a second.
    expect(sleeps).toEqual([500, 500]);
  });

  it('turns a refusal into an IamError with CloudTrail\'s code', async () => {
    nock(ENDPOINT)
      .post('/')
      .reply(400, JSON.stringify({ __type: 'AccessDeniedException', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudtrail:LookupEvents' }), json);
    const error = await gateway()
      .lookupEvents({ attribute: { key: 'EventName', value: 'DeleteLoginProfile' }, startTime: '2026-11-01T00:00:00Z', endTime: '2026-12-01T00:00:00Z', maxResults: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IamError);
    expect(error).toMatchObject({ code: 'AccessDeniedException', httpStatus: 400 });
  });
});

describe('decoding CloudTrail records', () => {
  it('names a role session\'s role, session and source identity', () => {
    const raw = {
      eventId: 'e-2',
      eventName: 'UpdateLoginProfile',
      eventTime: '2026-11-30T08:00:00.000Z',
      username: 'alice@example.com',
      cloudTrailEvent: record({
        eventName: 'UpdateLoginProfile',
        requestParameters: { userName: 'dana', passwordResetRequired: true },
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com',
          accessKeyId: 'ASIAEXAMPLE',
          sessionContext: {
            sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::123456789012:role/Admin', userName: 'Admin' },
            sourceIdentity: 'alice',
          },
        },
      }),
    };
    expect(decodeChangeEvent(raw)).toMatchObject({
      targetUser: 'dana',
      passwordResetRequired: true,
      actor: { type: 'AssumedRole', name: 'Admin', roleArn: 'arn:aws:iam::123456789012:role/Admin', sessionName: 'alice@example.com', sourceIdentity: 'alice', accessKeyId: 'ASIAEXAMPLE' },
    });
  });

  it('takes the caller as the target of a call on oneself, strips control characters, and skips untracked events', () => {
    const self = decodeChangeEvent({
      eventId: 'e-3',
      eventName: 'DeleteLoginProfile',
      eventTime: '2026-11-30T08:00:00.000Z',
      username: 'mallory',
      cloudTrailEvent: record({ requestParameters: null, userAgent: 'evil\u001b[2J\u0007agent' }),
    });
    expect(self?.targetUser).toBe('mallory');
    expect(self?.userAgent).toBe('evil[2Jagent');
    expect(decodeChangeEvent({ eventId: 'e-4', eventName: 'TagUser', eventTime: '2026-11-30T08:00:00.000Z', username: null, cloudTrailEvent: record() })).toBeNull();
    const unreadable = decodeChangeEvent({ eventId: 'e-5', eventName: 'DeleteLoginProfile', eventTime: '2026-11-30T08:00:00.000Z', username: null, cloudTrailEvent: '{not json' });
    expect(unreadable).toMatchObject({ eventTime: '2026-11-30T08:00:00.000Z', targetUser: null, actor: { type: 'Unknown' } });
  });
});

describe('running the planned queries', () => {
  const bob: DriftItem = {
    kind: 'console',
    address: 'user:bob:console',
    user: 'bob',
    live: false,
    desired: true,
    reason: 'r',
    fix: 'create-login-profile',
    loginProfileCreated: null,
    passwordLastUsed: null,
  };
  const checkedAt = '2026-12-01T12:00:00.000Z';

  it('stops paging once every item the query serves is settled', async () => {
    const other = record({ requestParameters: { userName: 'erin' } });
    nock(ENDPOINT).post('/', (b: Body) => b.NextToken === undefined).reply(200, JSON.stringify({ Events: [trailEvent('e-0', 'DeleteLoginProfile', 1796100000, other)], NextToken: 't2' }), json);
    nock(ENDPOINT).post('/', (b: Body) => b.NextToken === 't2').reply(200, JSON.stringify({ Events: [trailEvent('e-1', 'DeleteLoginProfile', 1796025600, record())], NextToken: 't3' }), json);
    const { outcomes, events } = await runLookups(gateway(), planLookups([bob], checkedAt), [bob]);
    expect(outcomes.map((o) => ({ pages: o.pages, complete: o.complete, error: o.error }))).toEqual([{ pages: 2, complete: true, error: null }]);
    expect(events.map((e) => e.eventId)).toEqual(['e-0', 'e-1']);
  });

  it('stops at the page bound, saying the search was cut', async () => {
    nock(ENDPOINT).post('/').times(2).reply(200, JSON.stringify({ Events: [], NextToken: 'more' }), json);
    const { outcomes } = await runLookups(gateway(), planLookups([bob], checkedAt), [bob], { maxPages: 2 });
    expect(outcomes.map((o) => ({ pages: o.pages, complete: o.complete }))).toEqual([{ pages: 2, complete: false }]);
  });

  it('asks no more after a refusal: every query gets the same answer', async () => {
    const policy: DriftItem = { kind: 'policy-field', address: 'policy.minimumLength', field: 'minimumLength', live: 8, desired: 14, reason: 'r', fix: 'update-password-policy' };
    nock(ENDPOINT).post('/').reply(400, JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized\nsecond line' }), json);
    const queries = planLookups([policy, bob], checkedAt);
    const { outcomes } = await runLookups(gateway(), queries, [policy, bob]);
    expect(outcomes).toHaveLength(2);
    expect(outcomes.map((o) => o.error)).toEqual([
      { message: 'LookupEvents: AccessDeniedException: not authorized second line', denied: true },
      { message: 'LookupEvents: AccessDeniedException: not authorized second line', denied: true },
    ]);
  });
});
