/**
 * Per-user reads sent without the SDK's middleware must be the calls the SDK would have sent: same endpoint, same
 * headers, a body the SDK would write, a signature the SDK's own signer agrees with; their replies and errors must
 * come out as the SDK's would; and anything the direct path cannot read goes back through the SDK.
 */
import { createHash } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import nock from 'nock';
import { IAMClient } from '@aws-sdk/client-iam';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsGateway } from '../../src/iam/aws.js';
import { IamError } from '../../src/iam/errors.js';
import { Caller } from '../../src/iam/retry.js';
import { startHostileEndpoint, type HostileEndpoint } from '../support/hostile-endpoint.js';
import { ENDPOINT, expectCall, loginProfile, mockUsers, replyError, replyOk, xmlOk } from '../support/iam-nock.js';

const CREDENTIALS = { accessKeyId: 'AKIADIRECTTEST', secretAccessKey: 'direct-secret' };
const quick = { maxAttempts: 3, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 5 };

function gateway(options: { sdkLog?: (line: string) => void; endpointUrl?: string } = {}) {
  const caller = new Caller({ policy: quick });
  return {
    caller,
    gateway: createAwsGateway(
      {
        endpointUrl: options.endpointUrl ?? ENDPOINT,
        region: 'us-east-1',
        concurrency: 2,
        credentials: async () => CREDENTIALS,
        userAgent: ['iampass', '0.1.0'],
        ...(options.sdkLog ? { sdkLog: options.sdkLog } : {}),
      },
      caller,
    ),
  };
}

interface Seen {
  headers: Record<string, string>;
  body: string;
}

/** Replies to GetLoginProfile for `user`, keeping what was sent. */
function captureProfile(user: string, seen: Seen[], reply: () => [number, string, Record<string, string>?], times = 1) {
  return nock(ENDPOINT)
    .post('/', (body: Record<string, string>) => body.Action === 'GetLoginProfile' && body.UserName === user)
    .times(times)
    .reply(function (_uri, body) {
      seen.push({ headers: { ...(this.req.headers as Record<string, string>) }, body: String(body) });
      const [status, text, headers] = reply();
      return [status, text, { 'content-type': 'text/xml', 'x-amzn-requestid': `rid-${seen.length}`, ...headers }];
    });
}

const profileOk = (user: string): [number, string] => [200, xmlOk('GetLoginProfile', loginProfile(user, true))];

beforeAll(() => nock.disableNetConnect());
/** Calls that went through the SDK's middleware stack (`IAMClient.send`); the direct path never calls it. */
let sdkSends: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  sdkSends = vi.spyOn(IAMClient.prototype, 'send');
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  sdkSends.mockRestore();
  expect(pending).toEqual([]);
});

describe('direct per-user reads', () => {
  it('sends the request the SDK sends: same headers and body, and a signature the SDK signer computes too', async () => {
    const { gateway: g } = gateway();
    const viaSdk: Seen[] = [];
    const direct: Seen[] = [];
    // The first call goes through the SDK (nothing has been watched yet) and teaches the direct path.
    captureProfile('alice', viaSdk, () => profileOk('alice'));
    expect(await g.getLoginProfile('alice')).toEqual({ createDate: '2025-02-03T04:05:06.000Z', passwordResetRequired: true });
    expect(sdkSends).toHaveBeenCalledTimes(1);
    captureProfile('b+o=b,x@y.z_-', direct, () => profileOk('b+o=b,x@y.z_-'));
    expect(await g.getLoginProfile('b+o=b,x@y.z_-')).toEqual({ createDate: '2025-02-03T04:05:06.000Z', passwordResetRequired: true });
    expect(sdkSends).toHaveBeenCalledTimes(1);

    const [sdk] = viaSdk;
    const [ours] = direct;
    expect(sdk && ours).toBeTruthy();
    const perCall = ['authorization', 'x-amz-date', 'content-length', 'x-amz-content-sha256'];
    const without = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !perCall.includes(k)));
    expect(without(ours!.headers)).toEqual(without(sdk!.headers));
    expect(sdk!.body).toBe('Action=GetLoginProfile&Version=2010-05-08&UserName=alice');
    expect(ours!.body).toBe('Action=GetLoginProfile&Version=2010-05-08&UserName=b%2Bo%3Db%2Cx%40y.z_-');
    expect(ours!.headers['content-length']).toBe(String(Buffer.byteLength(ours!.body)));
    expect(ours!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(ours!.body).digest('hex'));

    // The SDK's own signer, given the same request at the same time, writes the same Authorization.
    const date = ours!.headers['x-amz-date']!;
    const at = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    const { authorization, 'x-amz-date': _date, ...headers } = ours!.headers;
    const resigned = await new SignatureV4({ credentials: async () => CREDENTIALS, region: 'us-east-1', service: 'iam', sha256: Sha256 }).sign(
      new HttpRequest({ protocol: 'https:', hostname: 'iam.nock.test', method: 'POST', path: '/', headers, body: ours!.body }),
      { signingDate: at },
    );
    expect(authorization).toBe(resigned.headers.authorization);
    expect(authorization).toContain('Credential=AKIADIRECTTEST/');
  });

  it('reads a missing login profile (404 NoSuchEntity) as no password, and other errors as the SDK would', async () => {
    const { gateway: g } = gateway();
    mockUsers('alice');
    await g.listUsers();
    const seen: Seen[] = [];
    captureProfile('nobody', seen, () => [404, '<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Login Profile for User nobody cannot be found.</Message></Error><RequestId>r</RequestId></ErrorResponse>']);
    expect(await g.getLoginProfile('nobody')).toBeNull();
    captureProfile('denied', seen, () => [403, '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: x is not authorized to perform: iam:GetLoginProfile</Message></Error><RequestId>r</RequestId></ErrorResponse>']);
    const error = await g.getLoginProfile('denied').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IamError);
    expect(error).toMatchObject({ code: 'AccessDenied', httpStatus: 403, requestId: `rid-${seen.length}` });
    expect((error as IamError).fix).toContain('iam:GetLoginProfile');
    // Both went direct (the one SDK call is the listing).
    expect(sdkSends).toHaveBeenCalledTimes(1);
    expect(seen.map((s) => s.body)).toEqual(['Action=GetLoginProfile&Version=2010-05-08&UserName=nobody', 'Action=GetLoginProfile&Version=2010-05-08&UserName=denied']);
  });

  it('retries a throttled direct call like any other, through the same retry policy', async () => {
    const { gateway: g, caller } = gateway();
    mockUsers('alice');
    await g.listUsers();
    let n = 0;
    const seen: Seen[] = [];
    captureProfile('alice', seen, () => (++n === 1 ? [400, '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r</RequestId></ErrorResponse>'] : profileOk('alice')), 2);
    expect(await g.getLoginProfile('alice')).toMatchObject({ passwordResetRequired: true });
    expect(caller.stats).toMatchObject({ throttled: 1, retries: 1 });
    expect(sdkSends).toHaveBeenCalledTimes(1);
  });

  it('asks the SDK again when the fast reader declines a reply, and returns what the SDK reads', async () => {
    const { gateway: g } = gateway();
    mockUsers('alice');
    await g.listUsers();
    const seen: Seen[] = [];
    // A CDATA section: valid XML the fast reader does not read (it reads what IAM sends, exactly).
    captureProfile('alice', seen, () => [200, xmlOk('GetLoginProfile', '<LoginProfile><UserName><![CDATA[alice]]></UserName><CreateDate>2025-02-03T04:05:06Z</CreateDate><PasswordResetRequired>false</PasswordResetRequired></LoginProfile>')], 2);
    expect(await g.getLoginProfile('alice')).toEqual({ createDate: '2025-02-03T04:05:06.000Z', passwordResetRequired: false });
    expect(seen).toHaveLength(2);
    // The listing, then the second asking.
    expect(sdkSends).toHaveBeenCalledTimes(2);
  });

  it('corrects for a skewed clock as the SDK does, so the retry is signed with the server\'s time', async () => {
    const { gateway: g } = gateway();
    mockUsers('alice');
    await g.listUsers();
    const serverTime = new Date(Date.now() + 3_600_000);
    let n = 0;
    const seen: Seen[] = [];
    captureProfile('alice', seen, () =>
      ++n === 1
        ? [400, '<ErrorResponse><Error><Type>Sender</Type><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error><RequestId>r</RequestId></ErrorResponse>', { date: serverTime.toUTCString() }]
        : profileOk('alice'),
    );
    // RequestTimeTooSkewed is not retried by iampass's policy: the call fails, and the next one is signed right.
    await g.getLoginProfile('alice').catch(() => undefined);
    captureProfile('alice', seen, () => profileOk('alice'));
    await g.getLoginProfile('alice');
    const signedAt = (s: Seen) => Number(s.headers['x-amz-date']!.slice(9, 11));
    expect(signedAt(seen[seen.length - 1]!)).toBe(serverTime.getUTCHours());
    expect(sdkSends).toHaveBeenCalledTimes(1);
  });

  it('sends every call through the SDK while its log is on (--verbose shows each call as the SDK logs it)', async () => {
    const lines: string[] = [];
    const { gateway: g } = gateway({ sdkLog: (line) => lines.push(line) });
    mockUsers('alice');
    await g.listUsers();
    replyOk(expectCall('GetLoginProfile', { UserName: 'alice' }), 'GetLoginProfile', loginProfile('alice', false));
    await g.getLoginProfile('alice');
    expect(lines.filter((l) => l.includes('GetLoginProfileCommand'))).toHaveLength(1);
    expect(sdkSends).toHaveBeenCalledTimes(2);
  });

  it('reads tags directly too, page by page with the marker', async () => {
    const { gateway: g } = gateway();
    mockUsers('alice');
    await g.listUsers();
    replyOk(expectCall('ListUserTags', { UserName: 'alice' }).matchHeader('x-amz-date', /Z$/), 'ListUserTags',
      '<Tags><member><Key>a</Key><Value>1</Value></member></Tags><IsTruncated>true</IsTruncated><Marker>m/1=</Marker>');
    replyOk(expectCall('ListUserTags', { UserName: 'alice', Marker: 'm/1=' }), 'ListUserTags', '<Tags><member><Key>b</Key><Value></Value></member></Tags><IsTruncated>false</IsTruncated>');
    expect(await g.listUserTags('alice')).toEqual({ a: '1', b: '' });
    expect(sdkSends).toHaveBeenCalledTimes(1);
  });

  it('retries a direct call answered 503, as calls through the SDK are', async () => {
    const { gateway: g } = gateway();
    mockUsers('alice');
    await g.listUsers();
    replyError(expectCall('GetLoginProfile', { UserName: 'alice' }), 503, 'ServiceUnavailable', 'try later');
    replyOk(expectCall('GetLoginProfile', { UserName: 'alice' }), 'GetLoginProfile', loginProfile('alice', false));
    expect(await g.getLoginProfile('alice')).toMatchObject({ passwordResetRequired: false });
    expect(sdkSends).toHaveBeenCalledTimes(1);
  });
});

describe('direct per-user reads against an endpoint that stops answering', () => {
  let endpoint: HostileEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  it('hold each attempt to its deadline, as calls through the SDK do', async () => {
    nock.enableNetConnect('127.0.0.1');
    const page = xmlOk('ListUsers', '<Users></Users><IsTruncated>false</IsTruncated>');
    endpoint = await startHostileEndpoint((request) => (request.action === 'ListUsers' ? { kind: 'reply', body: page } : { kind: 'silence' }));
    const caller = new Caller({ policy: { ...quick, maxAttempts: 1, budgetMs: 60_000 } });
    const g = createAwsGateway(
      { endpointUrl: endpoint.url, region: 'us-east-1', concurrency: 1, credentials: async () => CREDENTIALS, transport: { deadlines: { firstByteMs: 300 } } },
      caller,
    );
    await g.listUsers();
    const error = await g.getLoginProfile('alice').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Timeout' });
    expect((error as IamError).message).toMatch(/no reply within 300 ms/);
    expect(sdkSends).toHaveBeenCalledTimes(1);
    g.destroy();
    nock.disableNetConnect();
  });
});
