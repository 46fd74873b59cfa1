/**
 * The fast SigV4 path signs exactly as the SDK's SignatureV4 does: same headers, same Authorization, for the same
 * request, credentials and time; requests outside its simple shape are left to the SDK's code.
 */
import { HttpRequest } from '@smithy/core/protocols';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { prepareFormSigner, speedUpSigner, type SdkSigner } from '../../src/iam/http/sigv4.js';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function signers(credentials: Creds, service = 'iam') {
  const make = () => new SignatureV4({ credentials: async () => credentials, region: 'us-east-1', service, sha256: Sha256 });
  const sdk = make();
  const fast = make();
  speedUpSigner(fast as unknown as SdkSigner);
  return { sdk, fast };
}

const request = (over: Partial<ConstructorParameters<typeof HttpRequest>[0]> = {}) =>
  new HttpRequest({
    protocol: 'https:',
    hostname: 'iam.amazonaws.com',
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'iam.amazonaws.com', 'user-agent': 'aws-sdk-js/3 app/iampass', 'x-amz-user-agent': 'aws-sdk-js/3' },
    body: 'Action=GetLoginProfile&Version=2010-05-08&UserName=alice',
    ...over,
  });

const AT = new Date('2026-12-01T23:59:59.999Z');

describe('SigV4, fast path against the SDK', () => {
  const cases: Array<{ name: string; creds?: Creds; make: () => HttpRequest; service?: string; date?: Date }> = [
    { name: 'a Query POST', make: () => request() },
    { name: 'with a session token', creds: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 'token/with+chars=' }, make: () => request() },
    { name: 'header values with folded whitespace and mixed-case names', make: () => request({ headers: { Host: 'iam.amazonaws.com', 'Content-Type': '  a   b\tc ', 'X-Amz-Target': 'x\ny' } }) },
    { name: 'unsignable and proxy headers', make: () => request({ headers: { host: 'h', connection: 'keep-alive', 'proxy-authorization': 'p', 'sec-x': '1', 'x-amzn-trace-id': 't', expect: '100-continue' } }) },
    { name: 'a stale date and authorization already on the request', make: () => request({ headers: { host: 'h', 'X-Amz-Date': '20000101T000000Z', Authorization: 'old', date: 'yesterday' } }) },
    { name: 'a byte body and unicode', make: () => request({ body: new TextEncoder().encode('Action=TagUser&Tags.member.1.Value=\u00e9\u6f22') }) },
    { name: 'no body', make: () => request({ body: undefined }) },
    { name: 'a payload hash given by the caller', make: () => request({ headers: { host: 'h', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } }) },
    { name: 'the STS service and another day', service: 'sts', date: new Date('2027-01-01T00:00:00Z'), make: () => request() },
    { name: 'a path other than / (the SDK signs it)', make: () => request({ path: '/a b/../c/' }) },
    { name: 'a query (the SDK signs it)', make: () => request({ method: 'GET', query: { b: '2', a: ['1', '0'] }, body: undefined }) },
  ];
  it.each(cases)('$name', async ({ creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }, make, service, date = AT }) => {
    const { sdk, fast } = signers(creds, service);
    const expected = await sdk.sign(make(), { signingDate: date });
    const actual = await fast.sign(make(), { signingDate: date });
    expect(actual.headers).toEqual(expected.headers);
    expect(actual.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
  });

  it('keeps signing correctly across days and credentials (signing keys are not mixed up)', async () => {
    const a = { accessKeyId: 'A', secretAccessKey: 'one' };
    const b = { accessKeyId: 'B', secretAccessKey: 'two' };
    let current = a;
    const sdk = new SignatureV4({ credentials: async () => current, region: 'eu-west-1', service: 'iam', sha256: Sha256 });
    const fast = new SignatureV4({ credentials: async () => current, region: 'eu-west-1', service: 'iam', sha256: Sha256 });
    speedUpSigner(fast as unknown as SdkSigner);
    for (const [creds, day] of [[a, '2026-12-01'], [b, '2026-12-01'], [a, '2026-12-02'], [a, '2026-12-01']] as const) {
      current = creds;
      const signingDate = new Date(`${day}T12:00:00Z`);
      expect((await fast.sign(request(), { signingDate })).headers.authorization).toBe((await sdk.sign(request(), { signingDate })).headers.authorization);
    }
  });

  it('the request it was given is left as it was', async () => {
    const { fast } = signers({ accessKeyId: 'A', secretAccessKey: 'S' });
    const original = request();
    const before = JSON.stringify(original);
    await fast.sign(original, { signingDate: AT });
    expect(JSON.stringify(original)).toBe(before);
  });
});

describe('SigV4 for a run of form POSTs (prepared once, signed per body and time), against the SDK', () => {
  const fixed = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com', 'user-agent': 'aws-sdk-js/3 app/iampass', 'x-amz-user-agent': 'aws-sdk-js/3' };
  const cases: Array<{ name: string; creds?: Creds; fixed?: Record<string, string>; body?: string; date?: Date; applyChecksum?: boolean }> = [
    { name: 'a GetLoginProfile form' },
    { name: 'with a session token', creds: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 'token/with+chars=' } },
    { name: 'a session token with spaces to fold', creds: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: ' a  b ' } },
    { name: 'fixed headers with folded whitespace and mixed-case names', fixed: { Host: 'iam.amazonaws.com', 'Content-Type': '  a   b\tc ', 'X-Amz-User-Agent': 'x' } },
    { name: 'stale per-call headers among the fixed ones are replaced', fixed: { ...fixed, 'X-Amz-Date': '20000101T000000Z', Authorization: 'old', 'content-length': '1', 'x-amz-content-sha256': 'x' } },
    { name: 'a body with characters beyond ASCII', body: 'Action=ListUserTags&Version=2010-05-08&UserName=%C3%A9&Marker=\u00e9' },
    { name: 'without the payload hash header (applyChecksum off)', applyChecksum: false },
    { name: 'another day', date: new Date('2027-01-01T00:00:00Z') },
  ];
  it.each(cases)('$name', async ({ creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }, fixed: headers = fixed, body = 'Action=GetLoginProfile&Version=2010-05-08&UserName=alice', date = AT, applyChecksum = true }) => {
    const make = () => new SignatureV4({ credentials: async () => creds, region: 'us-east-1', service: 'iam', sha256: Sha256, applyChecksum });
    const prepared = prepareFormSigner(make() as unknown as SdkSigner, headers, 'us-east-1', 'iam');
    const actual = await prepared.sign(body, date);
    // The SDK signs the request as it would leave: the fixed headers without stale per-call ones, and its length.
    const sdkHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(x-amz-date|authorization|content-length|x-amz-content-sha256)$/i.test(k)));
    const expected = await make().sign(request({ headers: { ...sdkHeaders, 'content-length': String(Buffer.byteLength(body)) }, body }), { signingDate: date });
    expect(actual).toEqual(expected.headers);
  });

  it('reads the credentials on every call, so refreshed ones sign the next request', async () => {
    let current = { accessKeyId: 'OLD', secretAccessKey: 'one' };
    const prepared = prepareFormSigner(new SignatureV4({ credentials: async () => current, region: 'us-east-1', service: 'iam', sha256: Sha256 }) as unknown as SdkSigner, fixed, 'us-east-1', 'iam');
    expect((await prepared.sign('a=1', AT)).authorization).toContain('Credential=OLD/');
    current = { accessKeyId: 'NEW', secretAccessKey: 'two' };
    expect((await prepared.sign('a=1', AT)).authorization).toContain('Credential=NEW/');
  });
});
