/**
 * The transport under a hostile endpoint, through the SDK's real client: every way a reply can stall, grow or be
 * the wrong document ends in a `TransportError` naming the call and the endpoint's origin, within the deadline,
 * never quoting the body. Deadlines are short here (injected), so the suite stays fast; the defaults are
 * exercised end to end in test/e2e/hostile.test.ts.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { engineStats } from '../../src/iam/http/pool.js';
import { createTransport, nodeHttpInstrumented, type Transport } from '../../src/iam/http/transport.js';
import { TransportError } from '../../src/iam/http/transport-error.js';
import { toIamError } from '../../src/iam/errors.js';
import { clientConfig, tuneClient, withCallDeadline } from '../../src/iam/sdk-client.js';
import { refusedUrl, startHostileEndpoint, startSilentServer, type Behaviour, type HostileEndpoint } from '../support/hostile-endpoint.js';
import { user, xmlError, xmlOk } from '../support/iam-xml.js';

const DEADLINES = { connectMs: 400, firstByteMs: 300, chunkMs: 200, attemptMs: 900 };
const SECRET_BODY_TEXT = 'do-not-print-this-body';

let endpoint: HostileEndpoint | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  transport?.destroy?.();
  await endpoint?.close();
  endpoint = undefined;
  transport = undefined;
});

function iamAt(url: string, options: Parameters<typeof createTransport>[0] extends infer O ? Partial<O> : never = {}) {
  transport = createTransport({ maxSockets: 4, deadlines: DEADLINES, sources: { [url]: 'AWS_ENDPOINT_URL' }, ...options });
  return tuneClient(new IAMClient(clientConfig({ region: 'us-east-1', endpoint: url, transport })), { fastReplies: true });
}

async function failureOf(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

const listUsersPage = xmlOk('ListUsers', `<Users>${user('alice')}</Users><IsTruncated>false</IsTruncated>`);

describe('a reply that never comes, or never ends, fails at its deadline', () => {
  const cases: Array<{ name: string; behaviour: Behaviour; failure: TransportError['failure']; message: RegExp }> = [
    {
      name: 'accepted, then no reply at all',
      behaviour: { kind: 'silence' },
      failure: 'first-byte-timeout',
      message: /^no reply within 300 ms after the request was sent to IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\)$/,
    },
    {
      name: 'headers, then silence',
      behaviour: { kind: 'headers-then-silence' },
      failure: 'stall-timeout',
      message: /^IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) stopped after the headers of its reply: nothing for 200 ms$/,
    },
    {
      name: 'a body one byte every 50 ms (each chunk in time, the whole too slow)',
      behaviour: { kind: 'trickle', everyMs: 50, body: listUsersPage },
      failure: 'attempt-timeout',
      message: /^IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) had not finished its reply after 900 ms \(\d+ bytes received\)$/,
    },
  ];
  it.each(cases)('$name', async ({ behaviour, failure, message }) => {
    endpoint = await startHostileEndpoint(() => behaviour);
    const error = await failureOf(iamAt(endpoint.url).send(new ListUsersCommand({})));
    expect(error.failure).toBe(failure);
    expect(error.message).toMatch(message);
    expect(error.details.operation).toBe('ListUsers');
  });

  it('could not connect: a TLS handshake that never completes counts against the connect deadline', async () => {
    const silent = await startSilentServer();
    try {
      const url = silent.url.replace('http:', 'https:');
      const error = await failureOf(iamAt(url).send(new ListUsersCommand({})));
      expect(error.failure).toBe('connect-timeout');
      expect(error.message).toMatch(/^could not connect to https:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) within 400 ms$/);
    } finally {
      await silent.close();
    }
  });

  it('an attempt never outlives the call deadline carried on the command', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'silence' }));
    const iam = iamAt(endpoint.url, { deadlines: { ...DEADLINES, firstByteMs: 60_000, attemptMs: 60_000 } });
    const error = await failureOf(iam.send(withCallDeadline(new ListUsersCommand({}), Date.now() + 250)));
    expect(error.failure).toBe('first-byte-timeout');
    // The limit named is what was left of the call's 250 ms when the attempt began (less on a busy machine), never
    // the phase's own 60 s.
    const limit = Number(/^no reply within (\d+) ms after the request was sent/.exec(error.message)?.[1]);
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThanOrEqual(250);
  });

  it('a trickle is refused within the attempt deadline however regular its chunks', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'trickle', everyMs: 20, body: listUsersPage.repeat(50) }));
    const error = await failureOf(iamAt(endpoint.url).send(new ListUsersCommand({})));
    expect(error.failure).toBe('attempt-timeout');
  });
});

describe('a reply over the size limit is refused without reading the rest', () => {
  it('an endless ListUsers page stops at the limit and the connection is dropped', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'endless' }));
    const error = await failureOf(iamAt(endpoint.url, { replyLimits: { byOperation: { ListUsers: 64 * 1024 } } }).send(new ListUsersCommand({})));
    expect(error.failure).toBe('too-large');
    expect(error.message).toMatch(/^IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) sent a reply to ListUsers over the 64 KiB limit for that call; stopped reading$/);
  });

  it('a declared Content-Length over the limit is refused before any body is read', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'headers-then-silence', contentLength: 50 * 1024 * 1024 }));
    const error = await failureOf(iamAt(endpoint.url).send(new ListUsersCommand({})));
    expect(error.failure).toBe('too-large');
    expect(error.message).toContain('sent a reply to ListUsers of 50 MiB over the 8 MiB limit for that call');
  });

  it('the credential report has its own, larger limit', async () => {
    const t = createTransport({ maxSockets: 1 });
    expect([t.deadlinesFor('GetCredentialReport').attemptMs, t.deadlinesFor('ListUsers').attemptMs]).toEqual([60_000, 30_000]);
    t.destroy?.();
  });
});

describe('a reply that is not the document the call expects is an error naming the call, never an empty result', () => {
  const page = (body: string, contentType = 'text/xml', status = 200): Behaviour => ({ kind: 'reply', status, contentType, body });
  const cases: Array<{ name: string; behaviour: Behaviour; message: RegExp }> = [
    { name: 'an empty 200', behaviour: page(''), message: /answered ListUsers with a 200 that is not a ListUsersResponse \(text\/xml, 0 bytes\)$/ },
    {
      name: 'an HTML 200 (a captive portal)',
      behaviour: page(`<html><body>${SECRET_BODY_TEXT}</body></html>`, 'text/html; charset=utf-8'),
      message: /answered ListUsers with a 200 that is not a ListUsersResponse \(text\/html, 48 bytes\)$/,
    },
    {
      name: 'an error document with status 200',
      behaviour: page(xmlError('InternalFailure', SECRET_BODY_TEXT)),
      message: /answered ListUsers with a 200 that is not a ListUsersResponse \(text\/xml, \d+ bytes\)$/,
    },
    {
      name: 'XML whose root is another operation\'s',
      behaviour: page(xmlOk('GetUser', `<User><UserName>${SECRET_BODY_TEXT}</UserName></User>`)),
      message: /answered ListUsers with a 200 that is not a ListUsersResponse/,
    },
    {
      name: 'the right root without its result',
      behaviour: page(xmlOk('ListUsers', '')),
      message: /answered ListUsers with a ListUsersResponse that holds no ListUsersResult \(\d+ bytes\)$/,
    },
    {
      name: 'a 502 page from a load balancer',
      behaviour: page(`<html>${SECRET_BODY_TEXT}</html>`, 'text/html', 502),
      message: /answered ListUsers with HTTP 502 and no AWS error document \(text\/html, \d+ bytes\)$/,
    },
    { name: 'binary garbage', behaviour: page('\u0000\u0001\u001b[31mPK\u0003\u0004', 'application/octet-stream'), message: /\(application\/octet-stream, 11 bytes\)$/ },
  ];
  it.each(cases)('$name', async ({ behaviour, message }) => {
    endpoint = await startHostileEndpoint(() => behaviour);
    const error = await failureOf(iamAt(endpoint.url).send(new ListUsersCommand({})));
    expect(error.failure).toBe('unexpected-reply');
    expect(error.message).toMatch(/^IAM at http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) answered ListUsers/);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET_BODY_TEXT);
  });

  it('names STS for an STS call, from the request\'s signing scope', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'reply', contentType: 'text/html', body: '<html></html>' }));
    const t = createTransport({ maxSockets: 1, deadlines: DEADLINES });
    transport = t;
    const sts = tuneClient(new STSClient(clientConfig({ region: 'us-east-1', endpoint: endpoint.url, transport: t })));
    const error = await failureOf(sts.send(new GetCallerIdentityCommand({})));
    expect(error.message).toMatch(/^STS at http:\/\/127\.0\.0\.1:\d+ answered GetCallerIdentity with a 200 that is not a GetCallerIdentityResponse \(text\/html, 13 bytes\)$/);
  });
});

describe('connections', () => {
  it('nothing listening is named as such, with the origin and where it came from', async () => {
    const url = await refusedUrl();
    const error = await failureOf(iamAt(url).send(new ListUsersCommand({})));
    expect(error.failure).toBe('refused');
    expect(error.message).toBe(`nothing is listening at ${url} (from AWS_ENDPOINT_URL)`);
  });

  it('a host name that does not resolve is a DNS failure (.invalid never resolves)', async () => {
    const error = await failureOf(iamAt('http://iam.no-such-host.invalid:4566').send(new ListUsersCommand({})));
    expect(error.failure).toBe('dns');
    expect(error.message).toMatch(/^the host name of http:\/\/iam\.no-such-host\.invalid:4566 \(from AWS_ENDPOINT_URL\) does not resolve \((ENOTFOUND|EAI_AGAIN)\)$/);
  });

  it('https:// to an endpoint that speaks plain HTTP is a TLS failure that says so', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'reply', body: listUsersPage }));
    const url = endpoint.url.replace('http:', 'https:');
    const error = await failureOf(iamAt(url).send(new ListUsersCommand({})));
    expect(error.failure).toBe('tls');
    expect(error.message).toMatch(/^the TLS connection to https:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) failed: it does not speak TLS \(\w+\)$/);
    expect(toIamError(error).fix).toBe('the endpoint answers without TLS: use an http:// URL in AWS_ENDPOINT_URL');
  });

  it('a connection dropped without a reply is a reset', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'hang-up' }));
    const error = await failureOf(iamAt(endpoint.url).send(new ListUsersCommand({})));
    expect(error.failure).toBe('reset');
    expect(error.message).toMatch(/^the connection to http:\/\/127\.0\.0\.1:\d+ \(from AWS_ENDPOINT_URL\) was closed before it replied \(ECONNRESET\)$/);
  });

  it('reuses kept-alive connections across calls (no new connection per call)', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'reply', body: listUsersPage }));
    const iam = iamAt(endpoint.url);
    for (let i = 0; i < 6; i++) await iam.send(new ListUsersCommand({}));
    expect(endpoint.count('ListUsers')).toBe(6);
    expect(new Set(endpoint.requests.map((r) => r.clientPort)).size).toBe(1);
  });

  it('a healthy reply goes through the SDK as before', async () => {
    endpoint = await startHostileEndpoint(() => ({ kind: 'reply', body: listUsersPage }));
    const out = await iamAt(endpoint.url).send(new ListUsersCommand({}));
    expect(out.Users?.map((u) => u.UserName)).toEqual(['alice']);
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it('these calls go through the socket engine: nothing in this file instruments node:http', async () => {
    expect(nodeHttpInstrumented()).toBe(false);
    endpoint = await startHostileEndpoint(() => ({ kind: 'reply', body: listUsersPage }));
    const before = engineStats.requests;
    await iamAt(endpoint.url).send(new ListUsersCommand({}));
    expect(engineStats.requests - before).toBe(1);
  });
});
