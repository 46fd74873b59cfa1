/**
 * The fast readers must be exact: for the same wire bytes, the tuned client returns what the SDK's own
 * deserializer returns (a plain IAMClient), whether the fast path reads the reply or declines it. Each case also
 * states which of the two happened, so a reader that declined everything could not pass.
 */
import {
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListUsersCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { _parseRfc3339DateTimeWithOffset } from '@smithy/core/serde';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toIamError } from '../../src/iam/errors.js';
import { parseSimpleXml, readError, readOutput, timestamp } from '../../src/iam/fast-replies.js';
import { createTransport } from '../../src/iam/http/transport.js';
import { clientConfig, tuneClient } from '../../src/iam/sdk-client.js';
import { ENDPOINT, expectCall } from '../support/iam-nock.js';

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const wrap = (action: string, result: string, prolog = '') =>
  `${prolog}<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></${action}Response>`;

const plain = new IAMClient({ region: 'us-east-1', endpoint: ENDPOINT, maxAttempts: 1 });
const tuned = tuneClient(new IAMClient(clientConfig({ region: 'us-east-1', endpoint: ENDPOINT, transport: createTransport({ maxSockets: 2 }) })), { fastReplies: true });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

type Command = ListUsersCommand | GetLoginProfileCommand | ListUserTagsCommand | GetCredentialReportCommand | GetAccountAuthorizationDetailsCommand;

/** Sends `command` through both clients against the same reply; returns both outcomes, `$metadata` set aside. */
async function both(action: string, make: () => Command, body: string, status = 200) {
  const headers = { 'content-type': 'text/xml', 'x-amzn-RequestId': 'req-1' };
  expectCall(action).times(2).reply(status, body, headers);
  const outcome = async (client: IAMClient) => {
    try {
      const { $metadata, ...output } = (await client.send(make() as never)) as { $metadata: { httpStatusCode?: number; requestId?: string } };
      return { output, status: $metadata.httpStatusCode, requestId: $metadata.requestId };
    } catch (error) {
      const e = toIamError(error);
      return { error: { code: e.code, message: e.message, httpStatus: e.httpStatus, requestId: e.requestId } };
    }
  };
  return { sdk: await outcome(plain), fast: await outcome(tuned) };
}

const member = (fields: string) => `<member>${fields}</member>`;
const alice = '<Path>/</Path><UserName>alice</UserName><UserId>AIDAALICE</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate>';

const listUsersCases: Array<{ name: string; result: string; prolog?: string; fast: boolean; fails?: boolean }> = [
  { name: 'two users, one with every optional field, and a Marker', fast: true,
    result: `<Users>${member(alice)}${member(`<Path>/staff/</Path><UserName>bob</UserName><UserId>AIDABOB</UserId><Arn>arn:aws:iam::123456789012:user/staff/bob</Arn><CreateDate>2024-02-29T23:59:59.123Z</CreateDate><PasswordLastUsed>2026-11-01T10:00:00+02:00</PasswordLastUsed><PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::aws:policy/X</PermissionsBoundaryArn></PermissionsBoundary><Tags>${member('<Key>team</Key><Value>a&amp;b</Value>')}</Tags>`)}</Users><IsTruncated>true</IsTruncated><Marker>bWFya2Vy</Marker>` },
  { name: 'an empty list written as <Users/>', fast: true, result: '<Users/><IsTruncated>false</IsTruncated>' },
  { name: 'an empty list written open and closed, and across lines', fast: true, result: '<Users>\n  </Users><IsTruncated>false</IsTruncated>' },
  { name: 'pretty-printed, as the sandbox writes it, after an XML declaration', fast: true, prolog: '<?xml version="1.0" encoding="UTF-8"?>\n',
    result: `\n  <Users>\n    <member>\n      <UserName>carol</UserName>\n      <Arn>arn:aws:iam::1:user/carol</Arn>\n    </member>\n  </Users>\n  <IsTruncated>false</IsTruncated>\n` },
  { name: 'entities and character references', fast: true, result: `<Users>${member('<UserName>a&amp;b&lt;c&gt;&quot;&apos;&#65;&#x42;</UserName><Arn>x</Arn>')}</Users><IsTruncated>FALSE</IsTruncated>` },
  { name: 'a CR written as a reference, and CRLF line ends', fast: true, result: `<Users>${member('<UserName>x&#13;y</UserName><Path>a\r\nb\rc</Path><Arn>x</Arn>')}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'whitespace-only text with and without a line break', fast: true, result: `<Users>${member('<UserName>  </UserName><Path>\n </Path><Arn>x</Arn>')}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'elements the SDK does not know are ignored, as it ignores them', fast: true, result: `<Users>${member(`${alice}<Shiny>new</Shiny>`)}</Users><IsTruncated>false</IsTruncated><Extra><A>1</A></Extra>` },
  { name: 'an empty member', fast: true, result: '<Users><member/></Users><IsTruncated>false</IsTruncated>' },
  { name: 'CDATA (declined: the SDK reads it)', fast: false, result: `<Users>${member('<UserName><![CDATA[a<b]]></UserName><Arn>x</Arn>')}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'a comment (declined)', fast: false, result: `<Users><!-- hi -->${member(alice)}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'an attribute below the root (declined)', fast: false, result: `<Users>${member('<UserName lang="en">alice</UserName><Arn>x</Arn>')}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'a repeated singleton (declined; both fail)', fast: false, fails: true, result: `<Users>${member('<UserName>a</UserName><UserName>b</UserName>')}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'an unknown entity (declined)', fast: false, result: `<Users>${member('<UserName>a&nbsp;b</UserName><Arn>x</Arn>')}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'a character above U+FFFF (declined)', fast: false, result: `<Users>${member('<UserName>&#x1F600;</UserName><Arn>x</Arn>')}</Users><IsTruncated>false</IsTruncated>` },
  { name: 'a date the SDK refuses (declined; both fail)', fast: false, fails: true, result: `<Users>${member('<UserName>a</UserName><CreateDate>yesterday</CreateDate>')}</Users><IsTruncated>false</IsTruncated>` },
];

describe('ListUsers pages', () => {
  it.each(listUsersCases)('$name', async ({ result, prolog, fast, fails }) => {
    const body = wrap('ListUsers', result, prolog);
    expect(readOutput('ListUsers', body) !== undefined).toBe(fast);
    const { sdk, fast: ours } = await both('ListUsers', () => new ListUsersCommand({}), body);
    if (!fails) {
      expect(ours).toEqual(sdk);
      return;
    }
    // Both refuse the reply; the SDK's message quotes it ("unhandled schema type for UserName"), ours names the call.
    expect(sdk).toHaveProperty('error');
    expect(ours).toEqual({
      error: { code: 'UnexpectedReply', httpStatus: 200, requestId: 'req-1', message: `IAM answered ListUsers with a 200 that could not be read as a ListUsersResponse (${Buffer.byteLength(body)} bytes)` },
    });
  });
});

describe('GetLoginProfile and its 404', () => {
  const profile = (reset: string, date = '2025-02-03T04:05:06Z') =>
    `<LoginProfile><UserName>alice</UserName><CreateDate>${date}</CreateDate><PasswordResetRequired>${reset}</PasswordResetRequired></LoginProfile>`;
  it.each([
    ['no reset', profile('false')],
    ['a reset pending', profile('true')],
    ['a reset written in capitals', profile('True')],
    ['an offset date', profile('false', '2025-02-03T04:05:06-05:30')],
    ['no profile element at all', '<Other/>'],
  ])('%s', async (_name, result) => {
    const body = wrap('GetLoginProfile', result);
    expect(readOutput('GetLoginProfile', body)).toBeDefined();
    const { sdk, fast } = await both('GetLoginProfile', () => new GetLoginProfileCommand({ UserName: 'alice' }), body);
    expect(fast).toEqual(sdk);
  });

  it('a 404 NoSuchEntity becomes the same IamError', async () => {
    const body = `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>Login Profile for User alice cannot be found.</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
    expect(readError(body)).toEqual({ code: 'NoSuchEntity', message: 'Login Profile for User alice cannot be found.' });
    const { sdk, fast } = await both('GetLoginProfile', () => new GetLoginProfileCommand({ UserName: 'alice' }), body, 404);
    expect(fast).toEqual(sdk);
    expect(fast).toMatchObject({ error: { code: 'NoSuchEntity', httpStatus: 404, requestId: 'req-1' } });
  });
});

describe('ListUserTags', () => {
  it.each([
    ['tags with entities', `<Tags>${member('<Key>iampass:rotation</Key><Value>2026-Q4</Value>')}${member('<Key>k</Key><Value>&lt;v&gt;</Value>')}</Tags><IsTruncated>false</IsTruncated>`],
    ['no tags', '<Tags/><IsTruncated>false</IsTruncated>'],
    ['a page with a Marker', `<Tags>${member('<Key>a</Key><Value></Value>')}</Tags><IsTruncated>true</IsTruncated><Marker>m</Marker>`],
  ])('%s', async (_name, result) => {
    const body = wrap('ListUserTags', result);
    expect(readOutput('ListUserTags', body)).toBeDefined();
    const { sdk, fast } = await both('ListUserTags', () => new ListUserTagsCommand({ UserName: 'alice' }), body);
    expect(fast).toEqual(sdk);
  });
});

describe('GetCredentialReport', () => {
  it('the base64 content, its format and time', async () => {
    const csv = 'user,arn\nalice,arn:aws:iam::1:user/alice\n';
    const body = wrap('GetCredentialReport', `<Content>${Buffer.from(csv).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-27T08:00:00Z</GeneratedTime>`);
    expect(readOutput('GetCredentialReport', body)).toBeDefined();
    const { sdk, fast } = await both('GetCredentialReport', () => new GetCredentialReportCommand({}), body);
    expect(fast).toEqual(sdk);
    expect(Buffer.from((fast.output as { Content: Uint8Array }).Content).toString()).toBe(csv);
  });

  it('content that is not base64 is declined, and fails as the SDK fails', async () => {
    const body = wrap('GetCredentialReport', '<Content>not*base64</Content><GeneratedTime>2026-11-27T08:00:00Z</GeneratedTime>');
    expect(readOutput('GetCredentialReport', body)).toBeUndefined();
    const { sdk, fast } = await both('GetCredentialReport', () => new GetCredentialReportCommand({}), body);
    expect('error' in sdk && 'error' in fast).toBe(true);
  });
});

describe('GetAccountAuthorizationDetails pages', () => {
  const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::*:user/${aws:username}' }] }));
  const userDetail =
    `<Path>/staff/</Path><UserName>alice</UserName><UserId>AIDAALICE</UserId><Arn>arn:aws:iam::123456789012:user/staff/alice</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate>` +
    `<UserPolicyList>${member(`<PolicyName>Own</PolicyName><PolicyDocument>${doc}</PolicyDocument>`)}</UserPolicyList>` +
    `<GroupList><member>staff</member><member>a&amp;b</member></GroupList>` +
    `<AttachedManagedPolicies>${member('<PolicyName>IAMUserChangePassword</PolicyName><PolicyArn>arn:aws:iam::aws:policy/IAMUserChangePassword</PolicyArn>')}</AttachedManagedPolicies>` +
    `<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/B</PermissionsBoundaryArn></PermissionsBoundary>` +
    `<Tags>${member('<Key>team</Key><Value>blue</Value>')}</Tags>`;
  const groupDetail = `<Path>/</Path><GroupName>staff</GroupName><GroupId>AGPA1</GroupId><Arn>arn:aws:iam::123456789012:group/staff</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate><GroupPolicyList/><AttachedManagedPolicies/>`;
  const policy =
    `<PolicyName>B</PolicyName><PolicyId>ANPA1</PolicyId><Arn>arn:aws:iam::123456789012:policy/B</Arn><Path>/</Path><DefaultVersionId>v2</DefaultVersionId>` +
    `<AttachmentCount>0</AttachmentCount><PermissionsBoundaryUsageCount>12</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable><Description>bound</Description>` +
    `<CreateDate>2025-01-01T00:00:00Z</CreateDate><UpdateDate>2025-02-01T00:00:00Z</UpdateDate>` +
    `<PolicyVersionList>${member(`<Document>${doc}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2025-02-01T00:00:00Z</CreateDate>`)}${member('<Document>%7B%7D</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion>')}</PolicyVersionList>`;
  it.each([
    ['users, groups and policies with every field, and a Marker', true, `<UserDetailList>${member(userDetail)}${member('<UserName>bob</UserName><Arn>x</Arn><GroupList/>')}</UserDetailList><GroupDetailList>${member(groupDetail)}</GroupDetailList><RoleDetailList/><Policies>${member(policy)}</Policies><IsTruncated>true</IsTruncated><Marker>bWFy</Marker>`],
    ['empty lists', true, '<UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>false</IsTruncated>'],
    ['no lists at all', true, '<IsTruncated>false</IsTruncated>'],
    ['role details (declined: iampass never asks for them)', false, `<RoleDetailList>${member('<RoleName>r</RoleName>')}</RoleDetailList><IsTruncated>false</IsTruncated>`],
  ])('%s', async (_name, fast, result) => {
    const body = wrap('GetAccountAuthorizationDetails', result);
    expect(readOutput('GetAccountAuthorizationDetails', body) !== undefined).toBe(fast);
    const { sdk, fast: ours } = await both('GetAccountAuthorizationDetails', () => new GetAccountAuthorizationDetailsCommand({ Filter: ['User', 'Group', 'LocalManagedPolicy'] }), body);
    expect(ours).toEqual(sdk);
  });
});

describe('the scanner', () => {
  // Each malformed document is declined (undefined), never read as something else; each well-formed one is read.
  it.each([
    { name: 'a closing tag with a longer name', doc: '<R><a>x</ab></R>', read: false },
    { name: 'a closing tag with a shorter name', doc: '<R><ab>x</a></R>', read: false },
    { name: 'a closing tag with another name of the same length', doc: '<R><ab>x</ba></R>', read: false },
    { name: 'a closing tag with space before >', doc: '<R><a>x</a ></R>', read: false },
    { name: 'an unclosed root', doc: '<R><a>x</a>', read: false },
    { name: 'text after the root', doc: '<R></R>x', read: false },
    { name: 'names ended by tab, CR and LF before the root\'s attribute', doc: '<R\txmlns="n"\r\n><a>x</a></R>', read: true },
    { name: 'space, tab and line breaks around the root', doc: ' \t\n<R><a>1</a><a>2</a></R>\r\n', read: true },
  ])('$name', ({ doc, read }) => {
    const parsed = parseSimpleXml(doc);
    expect(parsed !== undefined).toBe(read);
  });

  it('reads repeated elements as a list and nested ones as objects', () => {
    expect(parseSimpleXml('<R>\n  <a>1</a>\n  <a>2</a>\n  <b><c>3</c></b>\n</R>')).toEqual({ root: 'R', value: { a: ['1', '2'], b: { c: '3' } } });
  });
});

describe('times', () => {
  const sdk = (text: string) => {
    try {
      return (_parseRfc3339DateTimeWithOffset(text) as Date).toISOString();
    } catch {
      return 'refused';
    }
  };
  const ours = (text: string) => {
    try {
      return timestamp(text).toISOString();
    } catch {
      return 'refused';
    }
  };
  it.each([
    '2026-11-27T08:00:00Z',
    '2024-02-29T23:59:59Z',
    '2023-02-29T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-04-31T12:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-12-00T00:00:00Z',
    '2026-12-01T24:00:00Z',
    '2026-12-01T23:60:00Z',
    '2026-12-01T23:59:60Z',
    '0099-01-01T00:00:00Z',
    '1000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-12-01t10:00:00Z',
    '2026-12-01T10:00:00z',
    '2026-12-01T10:00:00.5Z',
    '2026-12-01T10:00:00+02:00',
    '2026-12-01 10:00:00Z',
    '２026-12-01T10:00:00Z',
  ])('%s is read as the SDK reads it', (text) => {
    expect(ours(text)).toBe(sdk(text));
  });

  it('every second of a day and every day of four years, as the SDK reads them', () => {
    const texts: string[] = [];
    for (let s = 0; s < 86_400; s += 7) texts.push(`2026-06-15T${new Date(s * 1000).toISOString().slice(11, 19)}Z`);
    for (let d = Date.UTC(2023, 0, 1); d < Date.UTC(2027, 0, 1); d += 86_400_000) texts.push(new Date(d).toISOString().replace('.000', ''));
    expect(texts.filter((t) => ours(t) !== sdk(t))).toEqual([]);
  });
});
