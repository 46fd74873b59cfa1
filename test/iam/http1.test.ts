/**
 * The transport's socket engine (http1.ts, pool.ts) against real local servers that write raw bytes: every way an
 * HTTP/1.x reply may be framed, in whatever pieces it arrives; which replies leave the connection fit for another
 * request and which close it; the pool's bound and its reuse; malformed and oversized replies refused with a
 * message of iampass's own; TLS. This file never imports nock, so every call here goes through the socket engine,
 * except where a test wraps node:http on purpose to compare the two.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MalformedReplyError, ReplyParser, serializeRequest, type ReplyHead } from '../../src/iam/http/http1.js';
import { engineStats } from '../../src/iam/http/pool.js';
import { CALL_DEADLINE, createTransport, nodeHttpInstrumented, type Transport, type TransportOptions } from '../../src/iam/http/transport.js';
import { TransportError } from '../../src/iam/http/transport-error.js';
import { HttpRequest } from '../../src/iam/sdk.js';

const DEADLINES = { connectMs: 1000, firstByteMs: 1000, chunkMs: 500, attemptMs: 3000 };
const FIXTURES = fileURLToPath(new URL('../fixtures/tls', import.meta.url));

/** One request as a raw server read it. */
interface RawRequest {
  head: string;
  body: string;
  /** Which connection (0, 1, ...) it came on. */
  connection: number;
}

interface RawServer {
  port: number;
  requests: RawRequest[];
  /** Connections accepted so far. */
  connections(): number;
  /** The most connections open at once. */
  mostOpen(): number;
  /** Resolves when `n` connections have closed. */
  closed(n: number): Promise<void>;
  close(): Promise<void>;
}

const servers: Array<{ close(): Promise<void> }> = [];
let transport: Transport | undefined;
let engineRequests = 0;

beforeEach(() => {
  engineRequests = engineStats.requests;
});

afterEach(async () => {
  transport?.destroy?.();
  transport = undefined;
  for (const s of servers.splice(0)) await s.close();
});

/** A TCP server that reads requests (head and Content-Length body) and lets `respond` write whatever bytes it likes. */
async function rawServer(respond: (request: RawRequest, socket: Socket, index: number) => void, listen: { host?: string; tls?: boolean } = {}): Promise<RawServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let open = 0;
  let mostOpen = 0;
  let closedCount = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const onConnection = (socket: Socket) => {
    const id = connections++;
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => {
      open -= 1;
      closedCount += 1;
      sockets.delete(socket);
      for (const w of waiters.filter((w) => closedCount >= w.n)) w.resolve();
    });
    let buffer = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const request = { head, body: buffer.toString('utf8', end + 4, end + 4 + length), connection: id };
        buffer = buffer.subarray(end + 4 + length);
        requests.push(request);
        respond(request, socket, requests.length - 1);
      }
    });
  };
  const server: Server = listen.tls
    ? createTlsServer({ key: readFileSync(join(FIXTURES, 'self-signed.key')), cert: readFileSync(join(FIXTURES, 'self-signed.crt')), ALPNProtocols: ['http/1.1'] }, onConnection)
    : createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listen.host ?? '127.0.0.1', () => resolve());
  });
  const raw: RawServer = {
    port: (server.address() as AddressInfo).port,
    requests,
    connections: () => connections,
    mostOpen: () => mostOpen,
    closed: (n) => (closedCount >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(raw);
  return raw;
}

/** A reply with a Content-Length body. */
const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

function transportFor(options: Partial<TransportOptions> = {}): Transport {
  transport = createTransport({ maxSockets: 4, deadlines: DEADLINES, ...options });
  return transport;
}

/** A request no call check applies to (no `Action`, no signature): what comes back is what the server sent. */
function request(port: number, options: { protocol?: 'http:' | 'https:'; hostname?: string; body?: unknown; headers?: Record<string, string>; method?: string } = {}) {
  return new HttpRequest({
    protocol: options.protocol ?? 'http:',
    hostname: options.hostname ?? '127.0.0.1',
    port,
    method: options.method ?? 'POST',
    path: '/',
    headers: options.headers ?? { 'content-type': 'text/plain' },
    body: 'body' in options ? options.body : 'hello',
  });
}

async function send(t: Transport, req: ReturnType<typeof request>): Promise<{ status: number; reason: string; headers: Record<string, string>; text: string }> {
  const { response } = await t.handle(req);
  return { status: response.statusCode, reason: response.reason ?? '', headers: response.headers, text: Buffer.from(response.body as Uint8Array).toString('utf8') };
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  const error = await promise.then(
    () => {
      throw new Error('the request succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

/** Runs `fn` with node:http wrapped, as an APM agent would: the transport must then send through node:http. */
async function throughNodeHttp<T>(fn: () => Promise<T>): Promise<T> {
  const original = http.request;
  const wrapped = function (this: unknown, ...args: Parameters<typeof http.request>) {
    return original.apply(this, args);
  } as typeof http.request;
  http.request = wrapped;
  try {
    expect(nodeHttpInstrumented()).toBe(true);
    return await fn();
  } finally {
    http.request = original;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('reply framing', () => {
  it('a Content-Length body', async () => {
    const server = await rawServer((_r, socket) => socket.write(ok('hello back')));
    const reply = await send(transportFor(), request(server.port));
    expect(reply).toMatchObject({ status: 200, reason: 'OK', text: 'hello back' });
    expect(reply.headers).toEqual({ 'content-type': 'text/plain', 'content-length': '10' });
    expect(server.requests[0]?.body).toBe('hello');
    expect(engineStats.requests - engineRequests).toBe(1);
  });

  it('a chunked body written a few bytes at a time, chunk sizes and CRLFs split across packets, with trailers', async () => {
    const wire = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n,\r\n10\r\n and more bytes!\r\n0\r\nx-trailer: yes\r\n\r\n';
    const server = await rawServer(async (_r, socket) => {
      for (let i = 0; i < wire.length; i += 3) {
        socket.write(wire.slice(i, i + 3));
        await pause(2);
      }
    });
    const t = transportFor();
    expect((await send(t, request(server.port))).text).toBe('hello, and more bytes!');
    // Complete, so kept: the next request goes on the same connection.
    expect((await send(t, request(server.port))).text).toBe('hello, and more bytes!');
    expect(server.connections()).toBe(1);
  });

  it('a body without a length is read until the connection closes, which is not reused', async () => {
    const server = await rawServer((_r, socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil ');
      setTimeout(() => socket.end('the end'), 20);
    });
    const t = transportFor();
    expect((await send(t, request(server.port))).text).toBe('until the end');
    expect((await send(t, request(server.port))).text).toBe('until the end');
    expect(server.connections()).toBe(2);
  });

  it('100 Continue and 103 Early Hints before the reply are skipped', async () => {
    const server = await rawServer((_r, socket) => socket.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n${ok('final')}`));
    const reply = await send(transportFor(), request(server.port));
    expect(reply).toMatchObject({ status: 200, text: 'final' });
    expect(reply.headers.link).toBeUndefined();
  });

  it('an HTTP/1.0 reply: read, and its connection closed unless it said keep-alive', async () => {
    const server = await rawServer((r, socket, i) =>
      socket.write(`HTTP/1.0 200 OK\r\ncontent-length: 2\r\n${i >= 2 ? 'connection: keep-alive\r\n' : ''}\r\nok`),
    );
    const t = transportFor();
    for (let i = 0; i < 4; i++) expect((await send(t, request(server.port))).text).toBe('ok');
    // Two closed after one reply each; the third connection said keep-alive and took the fourth request too.
    expect(server.requests.map((r) => r.connection)).toEqual([0, 1, 2, 2]);
    expect(server.requests[0]?.head).toMatch(/\r\nconnection: keep-alive(\r\n|$)/);
  });

  it('a HEAD reply and a 204 or 304 have no body whatever their headers say', async () => {
    const server = await rawServer((r, socket, i) => {
      if (i === 0) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n');
      else if (i === 1) socket.write('HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\n');
      else socket.write('HTTP/1.1 304 Not Modified\r\ntransfer-encoding: chunked\r\n\r\n');
    });
    const t = transportFor();
    expect(await send(t, request(server.port, { method: 'HEAD', body: undefined }))).toMatchObject({ status: 200, text: '' });
    expect(await send(t, request(server.port))).toMatchObject({ status: 204, text: '' });
    expect(await send(t, request(server.port))).toMatchObject({ status: 304, text: '' });
    expect(server.connections()).toBe(1);
  });

  it('repeated headers are joined as node:http joined them, names in lower case', async () => {
    const wire = ok('x', 'X-Multi: 1\r\nx-multi: 2\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Type: text/html\r\nx-spaced:   padded value \t\r\n');
    const server = await rawServer((_r, socket) => socket.write(wire));
    const viaEngine = await send(transportFor(), request(server.port));
    expect(viaEngine.headers).toEqual({ 'content-type': 'text/plain', 'content-length': '1', 'x-multi': '1, 2', 'set-cookie': 'a=1,b=2', 'x-spaced': 'padded value' });
    const viaNodeHttp = await throughNodeHttp(() => send(transportFor(), request(server.port)));
    expect(viaNodeHttp).toEqual(viaEngine);
  });

  it('header names in any case are read as node:http reads them: AWS\'s own casings, others, and a repeated one', async () => {
    const names = 'x-amzn-RequestId: a\r\nX-AMZN-REQUESTID: b\r\nDate: Wed, 02 Dec 2026 08:00:00 GMT\r\nKEEP-ALIVE: timeout=5\r\nVary: x\r\nvary: y\r\nServer: s1\r\nSERVER: s2\r\n';
    const server = await rawServer((_r, socket) => socket.write(ok('x', names)));
    const viaEngine = await send(transportFor(), request(server.port));
    expect(viaEngine.headers).toMatchObject({ 'x-amzn-requestid': 'a, b', date: 'Wed, 02 Dec 2026 08:00:00 GMT', 'keep-alive': 'timeout=5', vary: 'x, y', server: 's1' });
    expect(await throughNodeHttp(() => send(transportFor(), request(server.port)))).toEqual(viaEngine);
  });
});

describe('the same replies through node:http give the same responses (node:http is the fallback)', () => {
  const replies = [
    ok('plain'),
    'HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n',
    'HTTP/1.1 200 \r\ncontent-length: 2\r\n\r\nok',
    'HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok',
  ];
  it.each(replies.map((wire) => ({ name: wire.split('\r\n')[0] as string, wire })))('$name', async ({ wire }) => {
    const server = await rawServer((_r, socket) => socket.write(wire));
    const viaEngine = await send(transportFor(), request(server.port));
    const viaNodeHttp = await throughNodeHttp(() => send(transportFor(), request(server.port)));
    expect(viaEngine).toEqual(viaNodeHttp);
  });
});

describe('the pool', () => {
  it('sequential requests share one kept-alive connection', async () => {
    const server = await rawServer((_r, socket) => socket.write(ok('again')));
    const t = transportFor();
    for (let i = 0; i < 5; i++) await send(t, request(server.port));
    expect(server.connections()).toBe(1);
  });

  it('never opens more than maxSockets connections; requests beyond wait their turn and all complete', async () => {
    const server = await rawServer((r, socket) => setTimeout(() => socket.write(ok(r.body)), 30));
    const t = transportFor({ maxSockets: 2 });
    const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => send(t, request(server.port, { body: `call ${n}` }))));
    expect(replies.map((r) => r.text)).toEqual(['call 1', 'call 2', 'call 3', 'call 4', 'call 5']);
    expect(server.mostOpen()).toBe(2);
    expect(server.connections()).toBe(2);
  });

  it('a connection the server closed while idle is never handed out: the next request opens another', async () => {
    const server = await rawServer((_r, socket) => {
      socket.write(ok('then close'));
      setTimeout(() => socket.end(), 10);
    });
    const t = transportFor();
    expect((await send(t, request(server.port))).text).toBe('then close');
    await server.closed(1);
    await pause(20);
    expect((await send(t, request(server.port))).text).toBe('then close');
    expect(server.connections()).toBe(2);
  });

  it('Connection: close closes it; the next request opens another', async () => {
    const server = await rawServer((_r, socket) => socket.write(ok('bye', 'connection: close\r\n')));
    const t = transportFor();
    await send(t, request(server.port));
    await send(t, request(server.port));
    expect(server.connections()).toBe(2);
  });

  it('bytes after a complete reply: the reply is read, the connection is not reused', async () => {
    const server = await rawServer((_r, socket) => socket.write(`${ok('fine')}HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nevil`));
    const t = transportFor();
    expect((await send(t, request(server.port))).text).toBe('fine');
    expect((await send(t, request(server.port))).text).toBe('fine');
    expect(server.connections()).toBe(2);
  });

  it('a kept-alive connection closed as the next request arrives is that request\'s error, not resent here', async () => {
    const server = await rawServer((_r, socket, i) => (i === 0 ? socket.write(ok('first')) : socket.end()));
    const t = transportFor();
    await send(t, request(server.port));
    const error = await failure(send(t, request(server.port)));
    expect(error.failure).toBe('reset');
    expect(error.message).toMatch(/^the connection to http:\/\/127\.0\.0\.1:\d+ was closed before it replied \(ECONNRESET\)$/);
    expect(server.requests).toHaveLength(2);
  });

  it('a request queued behind a busy connection keeps its deadline and is named as not connected', async () => {
    const server = await rawServer(() => {});
    // The first request holds the only connection (no reply comes) far beyond the second's deadline, so the second
    // can only run out of time in the queue, however late the timers fire on a busy machine.
    const t = transportFor({ maxSockets: 1, deadlines: { ...DEADLINES, firstByteMs: 60_000, attemptMs: 60_000 } });
    const first = failure(send(t, request(server.port)));
    const queued = Object.assign(request(server.port), { [CALL_DEADLINE]: Date.now() + 300 });
    const second = await failure(send(t, queued));
    expect(second.failure).toBe('connect-timeout');
    // named by what was left of its budget when it was handed to the transport: 300 ms, or a little less
    const named = Number(/^could not connect to http:\/\/127\.0\.0\.1:\d+ within (\d+) ms$/.exec(second.message)?.[1]);
    expect(named).toBeGreaterThan(0);
    expect(named).toBeLessThanOrEqual(300);
    expect(server.connections()).toBe(1);
    t.destroy?.();
    expect((await first).failure).toBe('reset');
  });

  it('destroy() fails the request in flight and the one waiting', async () => {
    const server = await rawServer(() => {});
    const t = transportFor({ maxSockets: 1 });
    const pending = [failure(send(t, request(server.port))), failure(send(t, request(server.port)))];
    await pause(50);
    t.destroy?.();
    const [inFlight, waiting] = await Promise.all(pending);
    expect([inFlight?.failure, waiting?.failure]).toEqual(['reset', 'reset']);
  });

  it('an IPv6 literal host', async (context) => {
    const server = await rawServer((r, socket) => socket.write(ok(r.head.match(/\r\nhost: ([^\r]*)/)?.[1] ?? 'no host')), { host: '::1' }).catch(() => undefined);
    if (server === undefined) return context.skip();
    const reply = await send(transportFor(), request(server.port, { hostname: '[::1]', headers: {} }));
    expect(reply.text).toBe(`[::1]:${server.port}`);
  });
});

describe('what is written', () => {
  it('one request, with host and content-length added only when the SDK gave none', async () => {
    const server = await rawServer((_r, socket) => socket.write(ok('')));
    const t = transportFor();
    await send(t, request(server.port, { headers: { 'content-type': 'text/plain' }, body: 'héllo' }));
    await send(t, request(server.port, { headers: { Host: 'example.test', 'Content-Length': '6' }, body: 'héllo' }));
    const [first, second] = server.requests;
    expect(first?.head).toBe(`POST / HTTP/1.1\r\ncontent-type: text/plain\r\nhost: 127.0.0.1:${server.port}\r\nconnection: keep-alive\r\ncontent-length: 6`);
    expect(first?.body).toBe('héllo');
    expect(second?.head).toBe('POST / HTTP/1.1\r\nHost: example.test\r\nContent-Length: 6\r\nconnection: keep-alive');
  });

  it('a Uint8Array body and a latin1 header value go as bytes, exactly', async () => {
    const server = await rawServer((_r, socket) => socket.write(ok('')));
    await send(transportFor(), request(server.port, { headers: { 'x-name': 'caf\u00e9' }, body: new Uint8Array([0x68, 0x69, 0xff]) }));
    expect(server.requests[0]?.head).toContain('\r\nx-name: caf\u00e9\r\n');
    expect(server.requests[0]?.head).toContain('\r\ncontent-length: 3');
  });

  it('a header that would split the request is refused before anything is sent', async () => {
    const server = await rawServer((_r, socket) => socket.write(ok('')));
    const t = transportFor();
    await expect(t.handle(request(server.port, { headers: { 'x-evil': 'a\r\nx-injected: 1' } }))).rejects.toMatchObject({ code: 'ERR_INVALID_CHAR' });
    await expect(t.handle(request(server.port, { headers: { 'x-nul': 'a\u0000b' } }))).rejects.toMatchObject({ code: 'ERR_INVALID_CHAR' });
    await expect(t.handle(request(server.port, { headers: { 'x-evil\r\nx': 'a' } }))).rejects.toMatchObject({ code: 'ERR_INVALID_HTTP_TOKEN' });
    expect(server.connections()).toBe(0);
  });

  it('a streamed body goes through node:http', async () => {
    const server = await rawServer((r, socket) => socket.write(ok(`got ${r.body}`)));
    const reply = await send(transportFor(), request(server.port, { headers: { 'content-length': '6' }, body: Readable.from([Buffer.from('str'), Buffer.from('eam')]) }));
    expect(reply.text).toBe('got stream');
    expect(engineStats.requests - engineRequests).toBe(0);
  });
});

describe('replies refused', () => {
  const refusals: Array<{ name: string; wire: string; message: string }> = [
    { name: 'a malformed status line', wire: 'SSH-2.0-OpenSSH_9.6\r\n\r\n', message: 'a malformed status line' },
    { name: 'a status line of another protocol version', wire: 'HTTP/2 200\r\n\r\n', message: 'a malformed status line' },
    { name: 'a folded header line', wire: 'HTTP/1.1 200 OK\r\nx-a: 1\r\n  continued\r\ncontent-length: 0\r\n\r\n', message: 'a folded header line (obsolete line folding)' },
    { name: 'a header line without a colon', wire: 'HTTP/1.1 200 OK\r\ngarbage\r\n\r\n', message: 'a header line that is not "name: value"' },
    { name: 'a space before the colon', wire: 'HTTP/1.1 200 OK\r\ncontent-length : 0\r\n\r\n', message: 'a header name that is not a token' },
    { name: 'a bare LF inside the head', wire: 'HTTP/1.1 200 OK\r\nx-a: 1\nx-b: 2\r\n\r\n', message: 'a control character in a header value' },
    { name: 'an invalid Content-Length', wire: 'HTTP/1.1 200 OK\r\ncontent-length: 12abc\r\n\r\n', message: 'an invalid Content-Length' },
    { name: 'conflicting Content-Lengths', wire: 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab', message: 'conflicting Content-Length headers' },
    {
      name: 'Content-Length beside Transfer-Encoding',
      wire: 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      message: 'both Content-Length and Transfer-Encoding',
    },
    { name: 'a bad chunk size', wire: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', message: 'a malformed chunk size' },
    { name: 'a chunk longer than its size', wire: 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', message: 'a chunk not followed by CRLF' },
    { name: 'an endless chunk-size line', wire: `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1;${'x'.repeat(5000)}`, message: 'a chunk-size line over 4 KiB' },
    { name: 'headers over 64 KiB', wire: `HTTP/1.1 200 OK\r\n${`x-filler: ${'a'.repeat(1000)}\r\n`.repeat(70)}\r\n`, message: 'headers over 64 KiB' },
    { name: 'a switch of protocols', wire: 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n', message: 'a switch of protocols nobody asked for (101)' },
  ];
  it.each(refusals)('$name', async ({ wire, message }) => {
    const server = await rawServer((_r, socket) => socket.write(wire));
    const error = await failure(send(transportFor(), request(server.port)));
    expect(error.failure).toBe('unexpected-reply');
    expect(error.message).toBe(`the endpoint at http://127.0.0.1:${server.port} answered POST / with a reply that is not valid HTTP/1.1: ${message}`);
    // Dropped, never reused.
    await server.closed(1);
  });

  it('a chunked body over the size limit stops at the limit and drops the connection', async () => {
    const chunk = `64\r\n${'x'.repeat(100)}\r\n`;
    const server = await rawServer((_r, socket) => socket.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n${chunk.repeat(50)}0\r\n\r\n`));
    const error = await failure(send(transportFor({ replyLimits: { defaultBytes: 1024 } }), request(server.port)));
    expect(error.failure).toBe('too-large');
    expect(error.message).toBe(`the endpoint at http://127.0.0.1:${server.port} sent a reply to POST / over the 1 KiB limit for that call; stopped reading`);
    await server.closed(1);
  });

  it('a reply cut short in its body is a reset before the reply was complete', async () => {
    const server = await rawServer((_r, socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this'));
    const error = await failure(send(transportFor(), request(server.port)));
    expect(error.failure).toBe('reset');
    expect(error.message).toMatch(/was closed before the reply was complete \(ECONNRESET\)$/);
  });
});

describe('TLS', () => {
  it('a self-signed certificate is a TLS failure that says so', async () => {
    const server = await rawServer((_r, socket) => socket.write(ok('secret')), { tls: true });
    const error = await failure(send(transportFor(), request(server.port, { protocol: 'https:', hostname: 'localhost' })));
    expect(error.failure).toBe('tls');
    expect(error.message).toBe(`the TLS connection to https://localhost:${server.port} failed: its certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)`);
    expect(server.requests).toHaveLength(0);
  });

  it('when the certificate is accepted: SNI for a host name (none for an address), ALPN http/1.1, kept alive', async () => {
    const seen: Array<{ servername: string | false | null; alpn: string | false | null }> = [];
    const server = await rawServer(
      (_r, socket) => {
        const tls = socket as TLSSocket;
        seen.push({ servername: tls.servername, alpn: tls.alpnProtocol });
        socket.write(ok('over tls'));
      },
      { tls: true },
    );
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const t = transportFor();
      expect((await send(t, request(server.port, { protocol: 'https:', hostname: 'localhost' }))).text).toBe('over tls');
      expect((await send(t, request(server.port, { protocol: 'https:', hostname: 'localhost' }))).text).toBe('over tls');
      expect((await send(t, request(server.port, { protocol: 'https:', hostname: '127.0.0.1' }))).text).toBe('over tls');
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    }
    expect(seen).toEqual([
      { servername: 'localhost', alpn: 'http/1.1' },
      { servername: 'localhost', alpn: 'http/1.1' },
      { servername: false, alpn: 'http/1.1' },
    ]);
    // localhost and 127.0.0.1 are two origins: two connections, the first reused.
    expect(server.connections()).toBe(2);
  });
});

describe('the parser, fed every way a reply can be cut', () => {
  const parse = (pieces: Buffer[], headRequest = false) => {
    const seen: { head?: ReplyHead; body: Buffer[]; complete?: boolean; extra?: boolean } = { body: [] };
    const parser = new ReplyParser(
      {
        onHead: (head) => (seen.head = head),
        onBody: (chunk) => seen.body.push(Buffer.from(chunk)),
        onComplete: (extra) => Object.assign(seen, { complete: true, extra }),
      },
      headRequest,
    );
    for (const piece of pieces) parser.execute(piece);
    return { ...seen, text: Buffer.concat(seen.body).toString('latin1'), parser };
  };
  const cuts = (wire: string) => {
    const bytes = Buffer.from(wire, 'latin1');
    return [[bytes], [...bytes].map((b) => Buffer.from([b])), [bytes.subarray(0, 7), bytes.subarray(7, 30), bytes.subarray(30)]];
  };

  it.each([
    { name: 'Content-Length', wire: 'HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world', text: 'hello world' },
    { name: 'chunked with extensions and trailers', wire: 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n6;a=b\r\nhello \r\n5\r\nworld\r\n0\r\nt: 1\r\n\r\n', text: 'hello world' },
    { name: 'interim replies first', wire: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi', text: 'hi' },
  ])('$name', ({ wire, text }) => {
    for (const pieces of cuts(wire)) {
      const result = parse(pieces);
      expect(result.text).toBe(text);
      expect(result.complete).toBe(true);
      expect(result.extra).toBe(false);
      expect(result.parser.reusable).toBe(true);
    }
  });

  it('a body to the close: complete only when the connection ends, and never reusable', () => {
    const result = parse([Buffer.from('HTTP/1.1 200 OK\r\n\r\nsome'), Buffer.from(' more')]);
    expect(result.complete).toBeUndefined();
    expect(result.parser.end()).toBe(true);
    expect(result.text).toBe('some more');
    expect(result.parser.reusable).toBe(false);
  });

  it('a connection ended before the reply did is not a reply', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab')]).parser.end()).toBe(false);
  });

  it('extra bytes after the reply are noticed', () => {
    const result = parse([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhiHTTP')]);
    expect([result.text, result.complete, result.extra]).toEqual(['hi', true, true]);
  });

  it('the keep-alive rules of HTTP/1.1 and HTTP/1.0', () => {
    const reusable = (wire: string) => parse([Buffer.from(wire)]).parser.reusable;
    expect(reusable('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n')).toBe(true);
    expect(reusable('HTTP/1.1 200 OK\r\nconnection: Keep-Alive, Close\r\ncontent-length: 0\r\n\r\n')).toBe(false);
    expect(reusable('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n')).toBe(false);
    expect(reusable('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n')).toBe(true);
  });

  it('oversized trailers are refused', () => {
    const wire = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n${`t: ${'x'.repeat(1000)}\r\n`.repeat(70)}\r\n`;
    expect(() => parse([Buffer.from(wire)])).toThrow(new MalformedReplyError('trailers over 64 KiB'));
  });
});

describe('serializeRequest', () => {
  it('writes one string for a string body, one Buffer otherwise', () => {
    const base = { method: 'POST', target: '/?a=b', headers: { host: 'h' }, host: 'unused' };
    expect(serializeRequest({ ...base, body: 'x=1' })).toBe('POST /?a=b HTTP/1.1\r\nhost: h\r\nconnection: keep-alive\r\ncontent-length: 3\r\n\r\nx=1');
    const bytes = serializeRequest({ ...base, body: new Uint8Array([1, 2]) });
    expect(Buffer.isBuffer(bytes) && [...bytes.subarray(-4)]).toEqual([13, 10, 1, 2]);
    expect(serializeRequest({ ...base, method: 'GET', body: undefined })).toBe('GET /?a=b HTTP/1.1\r\nhost: h\r\nconnection: keep-alive\r\n\r\n');
    expect(serializeRequest({ ...base, body: undefined })).toContain('\r\ncontent-length: 0\r\n');
  });

  it('refuses a request target with whitespace', () => {
    expect(() => serializeRequest({ method: 'GET', target: '/a b', headers: {}, host: 'h', body: undefined })).toThrow(expect.objectContaining({ code: 'ERR_UNESCAPED_CHARACTERS' }));
  });
});
