/**
 * Speaks IAM's Query protocol through nock, so tests exercise the SDK's real serialisation, pagination and
 * error parsing. Each interceptor matches one `Action` (and optionally more form fields).
 */
import nock from 'nock';

export const ENDPOINT = 'https://iam.nock.test';
const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export type Form = Record<string, string>;

let requestCounter = 0;
const requestId = () => `req-${(++requestCounter).toString().padStart(4, '0')}`;

export function xmlOk(action: string, result: string): string {
  const inner = result === '' ? '' : `<${action}Result>${result}</${action}Result>`;
  return `<${action}Response xmlns="${NS}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
}

export function xmlError(code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
}

/** An interceptor for one call: `expect('GetLoginProfile', { UserName: 'alice' })`. */
export function expectCall(action: string, fields: Form = {}): nock.Interceptor {
  return nock(ENDPOINT).post('/', (body: Form) => body.Action === action && Object.entries(fields).every(([k, v]) => body[k] === v));
}

export function replyOk(interceptor: nock.Interceptor, action: string, result = ''): nock.Scope {
  return interceptor.reply(200, xmlOk(action, result), { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId() });
}

export function replyError(interceptor: nock.Interceptor, status: number, code: string, message: string): nock.Scope {
  return interceptor.reply(status, xmlError(code, message, status >= 500 ? 'Receiver' : 'Sender'), {
    'content-type': 'text/xml',
  });
}

export const user = (name: string, path = '/', extra = '') =>
  `<member><Path>${path}</Path><UserName>${name}</UserName><UserId>AIDA${name.toUpperCase()}</UserId><Arn>arn:aws:iam::123456789012:user${path}${name}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate>${extra}</member>`;

export const loginProfile = (name: string, reset: boolean) =>
  `<LoginProfile><UserName>${name}</UserName><CreateDate>2025-02-03T04:05:06Z</CreateDate><PasswordResetRequired>${reset}</PasswordResetRequired></LoginProfile>`;

export function mockIdentity(account = '123456789012'): nock.Scope {
  return replyOk(
    expectCall('GetCallerIdentity'),
    'GetCallerIdentity',
    `<Arn>arn:aws:iam::${account}:user/admin</Arn><UserId>AIDAADMIN</UserId><Account>${account}</Account>`,
  );
}

export function mockNoPolicy(): nock.Scope {
  return replyError(expectCall('GetAccountPasswordPolicy'), 404, 'NoSuchEntity', 'The Password Policy with domain name 123456789012 cannot be found.');
}

export function mockUsers(...names: string[]): nock.Scope {
  return replyOk(expectCall('ListUsers'), 'ListUsers', `<Users>${names.map((n) => user(n)).join('')}</Users><IsTruncated>false</IsTruncated>`);
}

export function mockProfile(name: string, reset: boolean | null): nock.Scope {
  const call = expectCall('GetLoginProfile', { UserName: name });
  return reset === null
    ? replyError(call, 404, 'NoSuchEntity', `Login Profile for User ${name} cannot be found.`)
    : replyOk(call, 'GetLoginProfile', loginProfile(name, reset));
}

/** The journal of unconfirmed passwords (an IAM group) does not exist yet: no user's password is unconfirmed. */
export function mockNoJournal(): nock.Scope {
  return replyError(expectCall('GetGroup', { GroupName: 'iampass-unconfirmed-passwords' }), 404, 'NoSuchEntity', 'The group with name iampass-unconfirmed-passwords cannot be found.');
}
