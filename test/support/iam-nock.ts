/**
 * Speaks IAM's Query protocol through nock, so tests exercise the SDK's real serialisation, pagination and
 * error parsing. Each interceptor matches one `Action` (and optionally more form fields).
 */
import nock from 'nock';
import { loginProfile, requestId, user, xmlError, xmlOk } from './iam-xml.js';

export { loginProfile, user, xmlError, xmlOk };

export const ENDPOINT = 'https://iam.nock.test';

export type Form = Record<string, string>;

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
