/**
 * IAM's Query-protocol documents, for tests that answer from a real local server as much as for those that answer
 * through nock (iam-nock.ts). Kept apart from nock: importing nock instruments node:http, which sends the
 * transport's requests through node:http instead of its socket engine (see transport.ts).
 */

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

let requestCounter = 0;
export const requestId = () => `req-${(++requestCounter).toString().padStart(4, '0')}`;

export function xmlOk(action: string, result: string): string {
  const inner = result === '' ? '' : `<${action}Result>${result}</${action}Result>`;
  return `<${action}Response xmlns="${NS}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
}

export function xmlError(code: string, message: string, type = 'Sender'): string {
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
}

export const user = (name: string, path = '/', extra = '') =>
  `<member><Path>${path}</Path><UserName>${name}</UserName><UserId>AIDA${name.toUpperCase()}</UserId><Arn>arn:aws:iam::123456789012:user${path}${name}</Arn><CreateDate>2025-01-01T00:00:00Z</CreateDate>${extra}</member>`;

export const loginProfile = (name: string, reset: boolean) =>
  `<LoginProfile><UserName>${name}</UserName><CreateDate>2025-02-03T04:05:06Z</CreateDate><PasswordResetRequired>${reset}</PasswordResetRequired></LoginProfile>`;
