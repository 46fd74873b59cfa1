/**
 * The gateway and the live read against a hostile endpoint: timeouts are retried like 5xx and then reported with
 * the call, the user and the number of attempts; refusals that retries cannot cure fail fast; pagination loops and
 * wrong documents are errors; what the endpoint says reaches a message only without control characters; credential
 * and permission failures say what to do.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsGateway, type ConnectionOptions } from '../../src/iam/aws.js';
import { IamError } from '../../src/iam/errors.js';
import { nodeHttpInstrumented } from '../../src/iam/http/transport.js';
import { readRequestOf } from '../../src/model/read-request.js';
import { readLiveState, ReadError } from '../../src/iam/read.js';
import { Caller, type RetryPolicy } from '../../src/iam/retry.js';
import { desiredState } from '../support/builders.js';
import { refusedUrl, startHostileEndpoint, type Behaviour, type HostileEndpoint, type SeenRequest } from '../support/hostile-endpoint.js';
import { loginProfile, user, xmlError, xmlOk } from '../support/iam-xml.js';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1, throttleBaseDelayMs: 1, maxDelayMs: 2, fewAttempts: 3, budgetMs: 20_000 };
const DEADLINES = { connectMs: 400, firstByteMs: 250, chunkMs: 200, attemptMs: 800 };

let endpoint: HostileEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

function gatewayAt(url: string, extra: Partial<ConnectionOptions> = {}) {
  const caller = new Caller({ policy: POLICY });
  const gateway = createAwsGateway(
    { endpoints: { iam: { url, source: 'AWS_ENDPOINT_URL' }, sts: { url, source: 'AWS_ENDPOINT_URL' } }, region: 'us-east-1', concurrency: 2, transport: { deadlines: DEADLINES }, ...extra },
    caller,
  );
  return { gateway, caller };
}

const ok = (action: string, result: string): Behaviour => ({ kind: 'reply', body: xmlOk(action, result) });
const fail = (status: number, code: string, message: string): Behaviour => ({ kind: 'reply', status, body: xmlError(code, message) });
const identity = ok('GetCallerIdentity', '<Arn>arn:aws:iam::123456789012:user/admin</Arn><UserId>AIDA</UserId><Account>123456789012</Account>');
const noPolicy = fail(404, 'NoSuchEntity', 'The Password Policy with domain name 123456789012 cannot be found.');

/** A healthy IAM for every action, except where `special` says otherwise. */
function iam(special: (r: SeenRequest, n: number) => Behaviour | undefined) {
  const counts = new Map<string, number>();
  return (r: SeenRequest): Behaviour => {
    const n = (counts.get(r.action) ?? 0) + 1;
    counts.set(r.action, n);
    const s = special(r, n);
    if (s) return s;
    switch (r.action) {
      case 'GetCallerIdentity':
        return identity;
      case 'GetAccountPasswordPolicy':
        return noPolicy;
      case 'ListUsers':
        return ok('ListUsers', `<Users>${user('alice')}</Users><IsTruncated>false</IsTruncated>`);
      case 'GetLoginProfile':
        return ok('GetLoginProfile', loginProfile(r.form.UserName ?? '', false));
      default:
        return fail(400, 'InvalidAction', 'not scripted');
    }
  };
}

async function readError(promise: Promise<unknown>): Promise<ReadError> {
  const error = await promise.then(
    () => {
      throw new Error('the read succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReadError);
  return error as ReadError;
}

const desired = desiredState({ users: [{ name: 'alice' }] });

it('these calls go through the socket engine: nothing in this file instruments node:http', () => {
  expect(nodeHttpInstrumented()).toBe(false);
});

describe('timeouts are transient: retried with backoff, then reported with the call, the user and the attempts', () => {
  it('a GetLoginProfile that times out twice and then answers is read, and the retries are counted', async () => {
    endpoint = await startHostileEndpoint(iam((r, n) => (r.action === 'GetLoginProfile' && n <= 2 ? { kind: 'silence' } : undefined)));
    const { gateway, caller } = gatewayAt(endpoint.url);
    const result = await readLiveState(gateway, readRequestOf(desired), { concurrency: 1 });
    expect(result.ok && result.live.users[0]?.loginProfile?.passwordResetRequired).toBe(false);
    expect(endpoint.count('GetLoginProfile')).toBe(3);
    expect(caller.stats.retries).toBe(2);
  });

  it('one that never answers fails after three attempts, naming the call, the user and where', async () => {
    endpoint = await startHostileEndpoint(iam((r) => (r.action === 'GetLoginProfile' ? { kind: 'headers-then-silence' } : undefined)));
    const error = await readError(readLiveState(gatewayAt(endpoint.url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(endpoint.count('GetLoginProfile')).toBe(3);
    expect(error.message).toMatch(
      /^GetLoginProfile for user alice failed: Timeout: IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) stopped after the headers of its reply: nothing for 200 ms \(3 attempts in [\d.]+ m?s\)$/,
    );
    expect(error.error.fix).toContain('correct AWS_ENDPOINT_URL');
    expect(error.error.attempts).toBe(3);
  });

  it('nothing listening fails after three quick attempts with what happened and what to do', async () => {
    const url = await refusedUrl();
    const error = await readError(readLiveState(gatewayAt(url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(error.message).toMatch(new RegExp(`^GetCallerIdentity failed: ConnectionRefused: nothing is listening at ${url} \\(from AWS_ENDPOINT_URL\\) \\(3 attempts in [\\d.]+ m?s\\)$`));
    expect(error.error.fix).toBe('start the endpoint (for a local one: iampass sandbox), or correct AWS_ENDPOINT_URL (unset it to use AWS)');
  });
});

describe('replies that are not what the call expects', () => {
  const cases: Array<{ name: string; action: string; behaviour: Behaviour; message: RegExp }> = [
    {
      name: 'an HTML page for ListUsers is not "no users"',
      action: 'ListUsers',
      behaviour: { kind: 'reply', contentType: 'text/html', body: '<html><body>Sign in to the hotel wifi</body></html>' },
      message: /^ListUsers failed: UnexpectedReply: IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) answered ListUsers with a 200 that is not a ListUsersResponse \(text\/html, 51 bytes\)$/,
    },
    {
      name: 'an empty 200 for GetCallerIdentity',
      action: 'GetCallerIdentity',
      behaviour: { kind: 'reply', body: '' },
      message: /^GetCallerIdentity failed: UnexpectedReply: STS at .* answered GetCallerIdentity with a 200 that is not a GetCallerIdentityResponse \(text\/xml, 0 bytes\)$/,
    },
    {
      name: 'garbage XML under the right root',
      action: 'ListUsers',
      behaviour: { kind: 'reply', body: '<ListUsersResponse><ListUsersResult><Users><member><UserName>a</Users></ListUsersResult></ListUsersResponse>' },
      message: /^ListUsers failed: UnexpectedReply: IAM answered ListUsers with a 200 that could not be read as a ListUsersResponse \(108 bytes\)$/,
    },
    {
      name: 'a login profile without its LoginProfile',
      action: 'GetLoginProfile',
      behaviour: ok('GetLoginProfile', '<Other>x</Other>'),
      message: /^GetLoginProfile for user alice failed: InvalidResponse: IAM answered GetLoginProfile without a LoginProfile for user alice$/,
    },
  ];
  it.each(cases)('$name', async ({ action, behaviour, message }) => {
    endpoint = await startHostileEndpoint(iam((r) => (r.action === action ? behaviour : undefined)));
    const error = await readError(readLiveState(gatewayAt(endpoint.url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(error.message).toMatch(message);
    // A wrong document is not transient: asked once.
    expect(endpoint.count(action)).toBe(1);
  });
});

describe('pagination that would never end is refused', () => {
  it('a Marker the endpoint already gave', async () => {
    endpoint = await startHostileEndpoint(
      iam((r) => (r.action === 'ListUsers' ? ok('ListUsers', `<Users>${user('alice')}</Users><IsTruncated>true</IsTruncated><Marker>same</Marker>`) : undefined)),
    );
    const error = await readError(readLiveState(gatewayAt(endpoint.url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(error.message).toBe('ListUsers failed: InvalidPagination: ListUsers: the endpoint gave a page token it had already given (page 2); the pages would repeat for ever');
    expect(endpoint.count('ListUsers')).toBe(2);
  });

  it('a truncated page without a Marker', async () => {
    endpoint = await startHostileEndpoint(iam((r) => (r.action === 'ListUsers' ? ok('ListUsers', `<Users>${user('alice')}</Users><IsTruncated>true</IsTruncated>`) : undefined)));
    const error = await readError(readLiveState(gatewayAt(endpoint.url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(error.message).toBe('ListUsers failed: InvalidPagination: ListUsers: the endpoint said the list was truncated but gave no Marker to continue from');
  });

  it('tags follow the same rules', async () => {
    endpoint = await startHostileEndpoint(
      iam((r) => (r.action === 'ListUserTags' ? ok('ListUserTags', '<Tags/><IsTruncated>true</IsTruncated><Marker>again</Marker>') : undefined)),
    );
    await expect(gatewayAt(endpoint.url).gateway.listUserTags('alice')).rejects.toMatchObject({ code: 'InvalidPagination' });
  });
});

describe('what an endpoint says reaches a message only as plain text', () => {
  it('ANSI escapes and control characters in an error are stripped', async () => {
    const hostile = 'Rate \u001b[2J\u001b[31mexceeded\u001b]0;pwned\u0007 \u0000now\u202e';
    endpoint = await startHostileEndpoint(iam((r) => (r.action === 'GetLoginProfile' ? fail(400, 'Weird\u001b[31mCode', hostile) : undefined)));
    const error = await readError(readLiveState(gatewayAt(endpoint.url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(error.message).toBe('GetLoginProfile for user alice failed: WeirdCode: Rate exceeded  now');
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });
});

describe('credentials and permissions: what happened and what to do', () => {
  it('an expired token says to renew the credentials, and who refused them', async () => {
    endpoint = await startHostileEndpoint(iam((r) => (r.action === 'GetCallerIdentity' ? fail(403, 'ExpiredToken', 'The security token included in the request is expired') : undefined)));
    const error = await readError(readLiveState(gatewayAt(endpoint.url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(error.message).toMatch(/^GetCallerIdentity failed: ExpiredToken: The security token included in the request is expired \(answered by http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\)\)$/);
    expect(error.error.fix).toBe('the credentials have expired: renew them (`aws sso login`, or new temporary credentials) and run again');
  });

  it('AccessDenied names the permission the call needs', async () => {
    endpoint = await startHostileEndpoint(
      iam((r) => (r.action === 'ListUsers' ? fail(403, 'AccessDenied', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:ListUsers') : undefined)),
    );
    const error = await readError(readLiveState(gatewayAt(endpoint.url).gateway, readRequestOf(desired), { concurrency: 1 }));
    expect(error.error.code).toBe('AccessDenied');
    expect(error.error.fix).toBe('allow iam:ListUsers for these credentials (an IAM policy on the user or role), or use credentials that have it');
    expect(endpoint.count('ListUsers')).toBe(1);
  });

  it('no credentials at all is named, with where to put them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iampass-nocreds-'));
    await writeFile(join(dir, 'config'), '');
    const saved = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];
    Object.assign(process.env, { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      endpoint = await startHostileEndpoint(iam(() => undefined));
      const error = await readError(readLiveState(gatewayAt(endpoint.url, { profile: 'nobody' }).gateway, readRequestOf(desired), { concurrency: 1 }));
      expect(error.error).toBeInstanceOf(IamError);
      expect(error.error.code).toBe('NoCredentials');
      expect(error.message).toMatch(/^GetCallerIdentity failed: NoCredentials: no AWS credentials were found \(.+\)$/);
      expect(error.error.fix).toContain('--profile or AWS_PROFILE');
      expect(endpoint.requests).toHaveLength(0);
    } finally {
      process.env = saved;
    }
  });
});
