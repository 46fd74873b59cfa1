/**
 * The HTTP transport of every AWS SDK v3 client iampass builds (`requestHandler: createTransport(...)`): HTTP/1.1
 * over keep-alive connections sized to the calls in flight, with a deadline for connecting, for the first byte of
 * the reply, for each chunk of its body and for the whole attempt, a size limit on the reply, and a check that a
 * reply is the document its call expects. The SDK's own handler has a socket idle timeout only, which a reply
 * trickling one byte every few seconds never trips, and reads any amount of body.
 *
 * Two engines carry the bytes. The socket engine (http1.ts for the protocol, pool.ts for the connections) writes
 * each request in one `socket.write` and parses the reply itself: node:http spent about twice its CPU on each
 * call (0.45-0.55 ms against 0.18-0.30 ms for a small POST on a kept-alive connection, on the 2-core development
 * machine), the largest share of what a call cost. node:http (with keep-alive agents) is the other: it takes a
 * request whose body is a stream, and every request while node:http is instrumented, that is while its `request`,
 * `get` or `ClientRequest` has been replaced or wrapped (nock, an APM agent, a proxy agent) or something listens
 * on its `http.client.request.start` diagnostics channel, so whatever watches node:http sees every call. That is
 * checked at each request, as nock can be switched on and off at any time. Both engines keep the same deadlines,
 * limits, checks and messages; only a reply that is not HTTP/1.x at all is named differently (an unexpected reply
 * here, a reset with llhttp's `HPE_` code through node:http).
 *
 * The body is read here, whole, before the SDK sees it: that is what makes the deadlines and the size limit hold,
 * and it hands the SDK a `Uint8Array`, which its deserializers take without another copy.
 */
import { channel } from 'node:diagnostics_channel';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { types } from 'node:util';
import type { HttpHandler, HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { originOf } from '../../util/redact-url.js';
import { MalformedReplyError, ReplyParser, serializeRequest, type ReplyHandler, type ReplyHead } from './http1.js';
import { DEFAULT_DEADLINES, DEFAULT_REPLY_LIMITS, formatBytes, formatDuration, OPERATION_DEADLINES, type Deadlines, type ReplyLimits } from './limits.js';
import { engineStats, Pool, type Connection, type Lease } from './pool.js';
import { unexpectedReply } from './reply-check.js';
import { describeRequest, REQUEST_INFO, type RequestInfo } from './request-info.js';
import { describeDestination, TransportError, type Destination, type TransportFailure } from './transport-error.js';
import { buildQueryString, HttpResponse as SdkHttpResponse } from '../sdk.js';

/**
 * Set on a request (by `sdk-client.ts`, from the command's input) to the epoch milliseconds by which the whole
 * call must be over: an attempt never outlives the call's budget.
 */
export const CALL_DEADLINE: unique symbol = Symbol.for('iampass.callDeadline');

export interface TransportOptions {
  /** Calls in flight at most: sizes the keep-alive pool (per origin), so no call waits for a socket. */
  maxSockets: number;
  deadlines?: Partial<Deadlines>;
  /** Per-operation deadlines, merged over `deadlines`. Default `OPERATION_DEADLINES`. */
  operationDeadlines?: Readonly<Record<string, Partial<Deadlines>>>;
  replyLimits?: Partial<ReplyLimits>;
  /** Where each endpoint origin came from (`{ 'http://127.0.0.1:4566': 'AWS_ENDPOINT_URL' }`), for messages. */
  sources?: Readonly<Record<string, string>>;
}

/** An `HttpHandler` for any SDK v3 client. Invariant: every `handle` settles, within its attempt's deadline. */
export interface Transport extends HttpHandler {
  /** The deadlines a call of `operation` gets. */
  deadlinesFor(operation: string): Deadlines;
}

type RequestWithDeadline = HttpRequest & { [CALL_DEADLINE]?: number };

// node:http as this module found it: nock or an agent loaded later replaces these, one loaded earlier leaves proxies
// or wrapped functions (shimmer's `__wrapped`) behind. One loaded earlier and removed later is not told from one
// still there: such a process keeps to node:http, which is slower, never wrong.
const pristine = { request: http.request, get: http.get, ClientRequest: http.ClientRequest, httpsRequest: https.request, httpsGet: https.get };
const requestStart = channel('http.client.request.start');

/** Whether something watches or intercepts node:http, so requests must go through it. */
export function nodeHttpInstrumented(): boolean {
  return (
    http.request !== pristine.request ||
    http.get !== pristine.get ||
    http.ClientRequest !== pristine.ClientRequest ||
    https.request !== pristine.httpsRequest ||
    https.get !== pristine.httpsGet ||
    types.isProxy(http.request) ||
    types.isProxy(https.request) ||
    types.isProxy(http.ClientRequest) ||
    '__wrapped' in http.request ||
    '__wrapped' in https.request ||
    requestStart.hasSubscribers
  );
}

export function createTransport(options: TransportOptions): Transport {
  const base = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const perOperation = options.operationDeadlines ?? OPERATION_DEADLINES;
  const limits: ReplyLimits = {
    defaultBytes: options.replyLimits?.defaultBytes ?? DEFAULT_REPLY_LIMITS.defaultBytes,
    byOperation: { ...DEFAULT_REPLY_LIMITS.byOperation, ...options.replyLimits?.byOperation },
  };
  // node:http's agents, made only when a request goes that way.
  let agents: { http: http.Agent; https: https.Agent } | undefined;
  const agentFor = (protocol: string): http.Agent => {
    if (agents === undefined) {
      const pool = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'lifo' as const };
      agents = { http: new http.Agent(pool), https: new https.Agent(pool) };
    }
    return protocol === 'https:' ? agents.https : agents.http;
  };
  // Sockets of node:http's agents that have finished connecting once: a keep-alive socket handed out again skips
  // the connect phase.
  const connected = new WeakSet<Socket>();
  const deadlinesFor = (operation: string): Deadlines => (perOperation[operation] ? { ...base, ...perOperation[operation] } : base);
  // A run talks to one or two endpoints: their origins and pools are worked out once, not parsed from a URL on every call.
  const endpoints = new Map<string, { origin: string; pool: Pool }>();
  const endpointOf = (r: HttpRequest): { origin: string; pool: Pool } => {
    const key = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}`;
    let endpoint = endpoints.get(key);
    if (endpoint === undefined) {
      const protocol = r.protocol === 'https:' ? 'https:' : 'http:';
      const host = r.hostname.startsWith('[') && r.hostname.endsWith(']') ? r.hostname.slice(1, -1) : r.hostname;
      endpoint = { origin: originOf(key), pool: new Pool({ protocol, host, port: r.port ?? (protocol === 'https:' ? 443 : 80) }, options.maxSockets) };
      endpoints.set(key, endpoint);
    }
    return endpoint;
  };

  return {
    metadata: { handlerProtocol: 'http/1.1' },
    deadlinesFor,
    handle(request: RequestWithDeadline, handlerOptions?: HttpHandlerOptions) {
      const info = (request as { [REQUEST_INFO]?: RequestInfo })[REQUEST_INFO] ?? describeRequest(request, request.method, request.path);
      const { origin, pool } = endpointOf(request);
      const source = options.sources?.[origin];
      const body: unknown = request.body;
      // A streamed body (or one the SDK frames itself) is node:http's to write.
      const whole = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
      const sockets = whole && request.headers['transfer-encoding'] === undefined && !nodeHttpInstrumented();
      const attempt = new Attempt({
        request,
        info,
        destination: source ? { origin, source } : { origin },
        deadlines: deadlinesFor(info.operation),
        callDeadline: request[CALL_DEADLINE],
        maxBytes: limits.byOperation[info.operation] ?? limits.defaultBytes,
        engine: sockets ? { pool } : { agent: agentFor(request.protocol), connected },
        abortSignal: handlerOptions?.abortSignal as AbortSignal | undefined,
      });
      return attempt.run();
    },
    updateHttpClientConfig() {
      // Nothing to update: the transport's settings are fixed when it is made.
    },
    httpHandlerConfigs() {
      return {};
    },
    destroy() {
      for (const { pool } of endpoints.values()) pool.destroy();
      agents?.http.destroy();
      agents?.https.destroy();
    },
  };
}

/** The socket engine's pool for the request's origin, or node:http's agent. */
type Engine = { pool: Pool } | { agent: http.Agent; connected: WeakSet<Socket> };

interface AttemptSpec {
  request: HttpRequest;
  info: RequestInfo;
  destination: Destination;
  deadlines: Deadlines;
  callDeadline: number | undefined;
  maxBytes: number;
  engine: Engine;
  abortSignal: AbortSignal | undefined;
}

type Phase = 'queued' | 'connect' | 'first-byte' | 'body';

/**
 * One request and its reply. A single timer serves every deadline: it is set for the earliest one and, when it
 * fires early (a chunk arrived meanwhile and moved the phase deadline), set again for what is left.
 */
class Attempt implements Lease, ReplyHandler {
  private phase: Phase = 'queued';
  private phaseDeadline = Number.POSITIVE_INFINITY;
  private readonly attemptDeadline: number;
  private readonly attemptLimitMs: number;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private received = 0;
  private readonly chunks: Buffer[] = [];
  private settled = false;
  private resolve!: (value: { response: HttpResponse }) => void;
  private reject!: (error: Error) => void;
  // node:http's request, or the socket engine's request bytes (until written), parser and connection.
  private req: ClientRequest | undefined;
  private wire: string | Buffer | undefined;
  private parser: ReplyParser | undefined;
  private connection: Connection | undefined;
  private head: ReplyHead | undefined;

  constructor(private readonly spec: AttemptSpec) {
    const now = Date.now();
    this.attemptDeadline = Math.min(now + spec.deadlines.attemptMs, spec.callDeadline ?? Number.POSITIVE_INFINITY);
    this.attemptLimitMs = this.attemptDeadline - now;
  }

  run(): Promise<{ response: HttpResponse }> {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      const { abortSignal } = this.spec;
      if (abortSignal?.aborted) return this.abort();
      if (this.attemptLimitMs <= 0) return this.timeout();
      try {
        if ('pool' in this.spec.engine) this.sendOnSocket(this.spec.engine.pool);
        else this.sendThroughNodeHttp(this.spec.engine.agent);
      } catch (error) {
        // A request that cannot be written (a header with a line break): the caller's error, at once.
        this.settle();
        return reject(error as Error);
      }
      abortSignal?.addEventListener('abort', () => this.abort(), { once: true });
      this.arm();
    });
  }

  private target(): string {
    const { request } = this.spec;
    const query = request.query ? buildQueryString(request.query) : '';
    return query ? `${request.path}?${query}` : request.path;
  }

  // The socket engine.

  private sendOnSocket(pool: Pool): void {
    const { request } = this.spec;
    const hostname = request.hostname;
    const defaultPort = request.protocol === 'https:' ? 443 : 80;
    this.wire = serializeRequest({
      method: request.method,
      target: this.target(),
      headers: request.headers,
      host: request.port && request.port !== defaultPort ? `${hostname}:${request.port}` : hostname,
      ...(request.username || request.password ? { basicAuth: `${request.username ?? ''}:${request.password ?? ''}` } : {}),
      body: request.body as string | Uint8Array | undefined | null ?? undefined,
    });
    this.parser = new ReplyParser(this, request.method === 'HEAD');
    engineStats.requests += 1;
    pool.acquire(this);
  }

  socketAssigned(connection: Connection): void {
    // A request leaves the queue when it gives up; should one be handed a connection after that, it goes back.
    if (this.settled) return (this.spec.engine as { pool: Pool }).pool.release(connection, true, undefined);
    this.connection = connection;
    // Connecting, DNS included, is a phase of its own; a kept-alive connection goes straight to waiting for the reply.
    if (connection.connected) this.enter('first-byte', this.spec.deadlines.firstByteMs);
    else this.enter('connect', this.spec.deadlines.connectMs);
    // Written at once even while connecting: the socket sends it when it can.
    connection.socket.write(this.wire as string | Buffer);
    this.wire = undefined;
  }

  socketConnected(): void {
    if (this.phase === 'connect') this.enter('first-byte', this.spec.deadlines.firstByteMs);
  }

  socketData(data: Buffer): void {
    if (this.settled) return;
    try {
      (this.parser as ReplyParser).execute(data);
    } catch (error) {
      if (!(error instanceof MalformedReplyError)) throw error;
      return this.fail('unexpected-reply', `${this.who()} answered ${this.spec.info.operation} with a reply that is not valid HTTP/1.1: ${error.message}`);
    }
    // The head and each chunk of the body move the phase deadline; the timer catches up here, once per read.
    if (!this.settled) this.arm();
  }

  socketEnd(): void {
    if (this.settled) return;
    // A body delimited by the connection's end is complete now; anything else was cut short.
    if ((this.parser as ReplyParser).end()) return;
    this.onError(Object.assign(new Error(this.phase === 'body' ? 'aborted' : 'socket hang up'), { code: 'ECONNRESET' }));
  }

  socketError(error: NodeJS.ErrnoException): void {
    this.onError(error);
  }

  socketClose(): void {
    if (!this.settled) this.onError(Object.assign(new Error(this.phase === 'body' ? 'aborted' : 'socket hang up'), { code: 'ECONNRESET' }));
  }

  onHead(head: ReplyHead): void {
    if (this.settled) return;
    this.head = head;
    if (head.contentLength !== undefined && head.contentLength > this.spec.maxBytes) return this.tooLarge(head.contentLength);
    // The timer is set for it once this read is handled (`socketData`): the body may be complete by then.
    this.phase = 'body';
    this.phaseDeadline = Date.now() + this.spec.deadlines.chunkMs;
  }

  onBody(chunk: Buffer): void {
    this.receive(chunk);
  }

  onComplete(extra: boolean): void {
    if (this.settled) return;
    const head = this.head as ReplyHead;
    const connection = this.connection as Connection;
    const response = this.reply(head.status, head.reason, head.headers);
    if (response === undefined) return;
    // Bytes after the reply answer nothing that was asked: the connection cannot be trusted with another request.
    (this.spec.engine as { pool: Pool }).pool.release(connection, head.keepAlive && !extra, head.headers['keep-alive']);
    this.resolve({ response });
  }

  // node:http, for what the socket engine does not take (see the module comment).

  private sendThroughNodeHttp(agent: http.Agent): void {
    const { request } = this.spec;
    const hostname = request.hostname.startsWith('[') && request.hostname.endsWith(']') ? request.hostname.slice(1, -1) : request.hostname;
    // Looked up at each request: nock and agents replace these on the module object.
    const make = request.protocol === 'https:' ? https.request : http.request;
    const req = make({
      host: hostname,
      ...(request.port ? { port: request.port } : {}),
      method: request.method,
      path: this.target(),
      headers: request.headers,
      agent,
      ...(request.username || request.password ? { auth: `${request.username ?? ''}:${request.password ?? ''}` } : {}),
    });
    this.req = req;
    req.once('socket', (socket: Socket) => this.onSocket(socket));
    req.once('response', (res: IncomingMessage) => this.onResponse(res));
    req.on('error', (error: NodeJS.ErrnoException) => this.onError(error));
    const body = request.body as string | Uint8Array | NodeJS.ReadableStream | undefined | null;
    if (body === undefined || body === null) req.end();
    else if (typeof body === 'string') req.end(body);
    else if (body instanceof Uint8Array) req.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    else body.pipe(req);
  }

  private onSocket(socket: Socket): void {
    const connected = (this.spec.engine as { connected: WeakSet<Socket> }).connected;
    // A fresh socket is still connecting when it is assigned (the DNS lookup alone takes a tick).
    if (connected.has(socket) || !socket.connecting) {
      connected.add(socket);
      this.enter('first-byte', this.spec.deadlines.firstByteMs);
      return;
    }
    this.enter('connect', this.spec.deadlines.connectMs);
    const ready = this.spec.request.protocol === 'https:' ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      connected.add(socket);
      if (this.phase === 'connect') this.enter('first-byte', this.spec.deadlines.firstByteMs);
    });
  }

  private onResponse(res: IncomingMessage): void {
    if (this.settled) {
      res.destroy();
      return;
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.spec.maxBytes) return this.tooLarge(declared);
    this.enter('body', this.spec.deadlines.chunkMs);
    res.on('data', (chunk: Buffer) => this.receive(chunk));
    res.once('end', () => this.onEnd(res));
    res.once('error', (error: NodeJS.ErrnoException) => this.onError(error));
    res.once('close', () => {
      if (!res.complete) this.onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  }

  private onEnd(res: IncomingMessage): void {
    if (this.settled) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    const response = this.reply(res.statusCode ?? 0, res.statusMessage ?? '', headers);
    if (response !== undefined) this.resolve({ response });
  }

  // Both engines.

  /** A piece of the body: counted against the limit, and the next may take up to the chunk deadline. */
  private receive(chunk: Buffer): void {
    if (this.settled) return;
    this.received += chunk.length;
    if (this.received > this.spec.maxBytes) return this.tooLarge(this.received);
    this.chunks.push(chunk);
    this.phaseDeadline = Date.now() + this.spec.deadlines.chunkMs;
  }

  /** The complete reply for the SDK, settling the attempt; `undefined` when it is not what the call expects (failed). */
  private reply(status: number, reason: string, headers: Record<string, string>): HttpResponse | undefined {
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.received);
    const problem = unexpectedReply(this.spec.info, status, headers['content-type'], body);
    if (problem !== null) {
      this.fail('unexpected-reply', `${this.who()} ${problem}`, undefined, status);
      return undefined;
    }
    this.settle();
    return new SdkHttpResponse({ statusCode: status, reason, headers, body });
  }

  private enter(phase: Phase, limitMs: number): void {
    this.phase = phase;
    this.phaseDeadline = Date.now() + limitMs;
    this.arm();
  }

  /**
   * Sets the timer for the earliest deadline, unless it is already set to fire no later. A wait over a second is
   * rounded down to a multiple of 256 ms: Node keeps one list per duration, so calls made close together share one
   * instead of each making (and, once cleared, deleting) its own. Such a timer fires a little early and is set again
   * for what is left (`onTimer`).
   */
  private arm(): void {
    const due = Math.min(this.phaseDeadline, this.attemptDeadline);
    if (this.timer !== undefined && this.timerDue <= due) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const now = Date.now();
    let wait = Math.max(0, due - now);
    if (wait > 1000) wait -= wait % 256;
    this.timerDue = now + wait;
    this.timer = setTimeout(() => this.onTimer(), wait);
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.settled) return;
    const now = Date.now();
    if (now >= this.attemptDeadline || now >= this.phaseDeadline) return this.timeout();
    this.arm();
  }

  /** `IAM at http://127.0.0.1:4566 (from AWS_ENDPOINT_URL)`: how messages name the other side. */
  private who(): string {
    return `${this.spec.info.service} at ${describeDestination(this.spec.destination)}`;
  }

  /**
   * Says which deadline passed. A phase's own deadline is named by its configured length; the attempt's (which
   * the call's budget may have shortened) by how long the attempt had.
   */
  private timeout(): void {
    const where = describeDestination(this.spec.destination);
    const who = this.who();
    const { deadlines } = this.spec;
    const attemptOver = Date.now() >= this.attemptDeadline;
    const limit = (phaseMs: number) => formatDuration(attemptOver ? Math.min(phaseMs, this.attemptLimitMs) : phaseMs);
    switch (this.phase) {
      case 'queued':
      case 'connect':
        return this.fail('connect-timeout', `could not connect to ${where} within ${limit(deadlines.connectMs)}`);
      case 'first-byte':
        return this.fail('first-byte-timeout', `no reply within ${limit(deadlines.firstByteMs)} after the request was sent to ${who}`);
      case 'body':
        if (attemptOver) {
          return this.fail('attempt-timeout', `${who} had not finished its reply after ${formatDuration(this.attemptLimitMs)} (${formatBytes(this.received)} received)`);
        }
        if (this.received === 0) return this.fail('stall-timeout', `${who} stopped after the headers of its reply: nothing for ${limit(deadlines.chunkMs)}`);
        return this.fail('stall-timeout', `${who} stopped sending its reply after ${formatBytes(this.received)}: nothing for ${limit(deadlines.chunkMs)}`);
    }
  }

  private tooLarge(bytes: number): void {
    const limit = formatBytes(this.spec.maxBytes);
    const { info } = this.spec;
    const size = this.phase === 'body' ? '' : ` of ${formatBytes(bytes)}`;
    this.fail('too-large', `${this.who()} sent a reply to ${info.operation}${size} over the ${limit} limit for that call; stopped reading`);
  }

  private onError(error: NodeJS.ErrnoException): void {
    if (this.settled) return;
    const { failure, message } = describeNetworkError(error, this.phase, describeDestination(this.spec.destination));
    this.fail(failure, message, error.code);
  }

  private abort(): void {
    this.settle();
    this.drop();
    this.reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
  }

  private fail(failure: TransportFailure, message: string, systemCode?: string, httpStatus?: number): void {
    if (this.settled) return;
    this.settle();
    this.drop();
    const { info, destination } = this.spec;
    const details = { operation: info.operation, service: info.service, destination, ...(systemCode ? { systemCode } : {}), ...(httpStatus ? { httpStatus } : {}) };
    this.reject(new TransportError(failure, message, details));
  }

  /** Closes the connection (whatever else the endpoint sends is never read), or leaves the queue for one. */
  private drop(): void {
    this.req?.destroy();
    this.parser?.stop();
    if (this.connection !== undefined) this.connection.socket.destroy();
    else if ('pool' in this.spec.engine) this.spec.engine.pool.cancel(this);
  }

  private settle(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

const TLS_REASONS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in an untrusted self-signed certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate was issued by a certificate authority this machine does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it does not speak TLS',
};

/** A socket or request error as a failure kind and a sentence; the error's own text is never quoted. */
function describeNetworkError(error: NodeJS.ErrnoException, phase: Phase, where: string): { failure: TransportFailure; message: string } {
  const code = error.code ?? 'unknown';
  if (code === 'ECONNREFUSED') return { failure: 'refused', message: `nothing is listening at ${where}` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return { failure: 'refused', message: `cannot reach ${where} (${code}: no route to the host)` };
  }
  if (code === 'ENOTFOUND' || code.startsWith('EAI_')) {
    return { failure: 'dns', message: `the host name of ${where} does not resolve (${code})` };
  }
  const tls = TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /\bSSL\b|wrong version number/i.test(error.message);
  if (tls) {
    const reason = TLS_REASONS[code] ?? (/wrong version number/i.test(error.message) ? TLS_REASONS.ERR_SSL_WRONG_VERSION_NUMBER : undefined);
    return { failure: 'tls', message: `the TLS connection to ${where} failed${reason ? `: ${reason}` : ''} (${code})` };
  }
  const when = phase === 'body' ? 'before the reply was complete' : phase === 'first-byte' ? 'before it replied' : 'while connecting';
  return { failure: 'reset', message: `the connection to ${where} was closed ${when} (${code})` };
}
