/**
 * The HTTP transport of every AWS SDK v3 client iampass builds (`requestHandler: createTransport(...)`): node:http
 * and node:https over keep-alive agents sized to the calls in flight, with a deadline for connecting, for the
 * first byte of the reply, for each chunk of its body and for the whole attempt, a size limit on the reply, and a
 * check that a reply is the document its call expects. The SDK's own handler has a socket idle timeout only, which
 * a reply trickling one byte every few seconds never trips, and reads any amount of body.
 *
 * The body is read here, whole, before the SDK sees it: that is what makes the deadlines and the size limit hold,
 * and it hands the SDK a `Uint8Array`, which its deserializers take without another copy.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { HttpHandler, HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { originOf } from '../../util/redact-url.js';
import { DEFAULT_DEADLINES, DEFAULT_REPLY_LIMITS, formatBytes, formatDuration, OPERATION_DEADLINES, type Deadlines, type ReplyLimits } from './limits.js';
import { unexpectedReply } from './reply-check.js';
import { describeRequest, type RequestInfo } from './request-info.js';
import { describeDestination, TransportError, type Destination, type TransportFailure } from './transport-error.js';
import { protocols } from '../sdk.js';

const { buildQueryString, HttpResponse: SdkHttpResponse } = protocols;

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

export function createTransport(options: TransportOptions): Transport {
  const base = { ...DEFAULT_DEADLINES, ...options.deadlines };
  const perOperation = options.operationDeadlines ?? OPERATION_DEADLINES;
  const limits: ReplyLimits = {
    defaultBytes: options.replyLimits?.defaultBytes ?? DEFAULT_REPLY_LIMITS.defaultBytes,
    byOperation: { ...DEFAULT_REPLY_LIMITS.byOperation, ...options.replyLimits?.byOperation },
  };
  const pool = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, scheduling: 'lifo' as const };
  const agents = { http: new HttpAgent(pool), https: new HttpsAgent(pool) };
  // Sockets that have finished connecting once: a keep-alive socket handed out again skips the connect phase.
  const connected = new WeakSet<Socket>();
  const deadlinesFor = (operation: string): Deadlines => (perOperation[operation] ? { ...base, ...perOperation[operation] } : base);
  // A run talks to one or two endpoints: their origins are worked out once, not parsed from a URL on every call.
  const origins = new Map<string, string>();
  const originOfRequest = (r: HttpRequest): string => {
    const key = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}`;
    let origin = origins.get(key);
    if (origin === undefined) {
      origin = originOf(key);
      origins.set(key, origin);
    }
    return origin;
  };

  return {
    metadata: { handlerProtocol: 'http/1.1' },
    deadlinesFor,
    handle(request: RequestWithDeadline, handlerOptions?: HttpHandlerOptions) {
      const info = describeRequest(request, request.method, request.path);
      const origin = originOfRequest(request);
      const source = options.sources?.[origin];
      const attempt = new Attempt({
        request,
        info,
        destination: source ? { origin, source } : { origin },
        deadlines: deadlinesFor(info.operation),
        callDeadline: request[CALL_DEADLINE],
        maxBytes: limits.byOperation[info.operation] ?? limits.defaultBytes,
        agent: request.protocol === 'https:' ? agents.https : agents.http,
        connected,
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
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

interface AttemptSpec {
  request: HttpRequest;
  info: RequestInfo;
  destination: Destination;
  deadlines: Deadlines;
  callDeadline: number | undefined;
  maxBytes: number;
  agent: HttpAgent;
  connected: WeakSet<Socket>;
  abortSignal: AbortSignal | undefined;
}

type Phase = 'queued' | 'connect' | 'first-byte' | 'body';

/**
 * One request and its reply. A single timer serves every deadline: it is set for the earliest one and, when it
 * fires early (a chunk arrived meanwhile and moved the phase deadline), set again for what is left.
 */
class Attempt {
  private phase: Phase = 'queued';
  private phaseDeadline = Number.POSITIVE_INFINITY;
  private readonly attemptDeadline: number;
  private readonly attemptLimitMs: number;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;
  private received = 0;
  private readonly chunks: Buffer[] = [];
  private settled = false;
  private req: ClientRequest | undefined;
  private resolve!: (value: { response: HttpResponse }) => void;
  private reject!: (error: Error) => void;

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
      abortSignal?.addEventListener('abort', () => this.abort(), { once: true });
      this.arm();
      this.send();
    });
  }

  private send(): void {
    const { request, agent } = this.spec;
    const query = request.query ? buildQueryString(request.query) : '';
    const hostname = request.hostname.startsWith('[') && request.hostname.endsWith(']') ? request.hostname.slice(1, -1) : request.hostname;
    const make = request.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = make({
      host: hostname,
      ...(request.port ? { port: request.port } : {}),
      method: request.method,
      path: query ? `${request.path}?${query}` : request.path,
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
    // A fresh socket is still connecting when it is assigned (the DNS lookup alone takes a tick).
    if (this.spec.connected.has(socket) || !socket.connecting) {
      this.spec.connected.add(socket);
      this.enter('first-byte', this.spec.deadlines.firstByteMs);
      return;
    }
    this.enter('connect', this.spec.deadlines.connectMs);
    const ready = this.spec.request.protocol === 'https:' ? 'secureConnect' : 'connect';
    socket.once(ready, () => {
      this.spec.connected.add(socket);
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
    res.on('data', (chunk: Buffer) => {
      if (this.settled) return;
      this.received += chunk.length;
      if (this.received > this.spec.maxBytes) return this.tooLarge(this.received);
      this.chunks.push(chunk);
      this.phaseDeadline = Date.now() + this.spec.deadlines.chunkMs;
    });
    res.once('end', () => this.onEnd(res));
    res.once('error', (error: NodeJS.ErrnoException) => this.onError(error));
    res.once('close', () => {
      if (!res.complete) this.onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  }

  private onEnd(res: IncomingMessage): void {
    if (this.settled) return;
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.received);
    const status = res.statusCode ?? 0;
    const contentType = res.headers['content-type'];
    const problem = unexpectedReply(this.spec.info, status, contentType, body);
    if (problem !== null) return this.fail('unexpected-reply', `${this.who()} ${problem}`, undefined, status);
    this.settle();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    this.resolve({ response: new SdkHttpResponse({ statusCode: status, reason: res.statusMessage ?? '', headers, body }) });
  }

  private enter(phase: Phase, limitMs: number): void {
    this.phase = phase;
    this.phaseDeadline = Date.now() + limitMs;
    this.arm();
  }

  /** Sets the timer for the earliest deadline, unless it is already set to fire no later. */
  private arm(): void {
    const due = Math.min(this.phaseDeadline, this.attemptDeadline);
    if (this.timer !== undefined && this.timerDue <= due) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, due - Date.now()));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    if (this.settled) return;
    const now = Date.now();
    if (now >= this.attemptDeadline || now >= this.phaseDeadline) return this.timeout();
    this.arm();
  }

  /**
   * Says which deadline passed. A phase's own deadline is named by its configured length; the attempt's (which
   * the call's budget may have shortened) by how long the attempt had.
   */
  /** `IAM at http://127.0.0.1:4566 (from AWS_ENDPOINT_URL)`: how messages name the other side. */
  private who(): string {
    return `${this.spec.info.service} at ${describeDestination(this.spec.destination)}`;
  }

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
    this.req?.destroy();
    this.reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
  }

  private fail(failure: TransportFailure, message: string, systemCode?: string, httpStatus?: number): void {
    if (this.settled) return;
    this.settle();
    // Destroying the request closes its socket: whatever else the endpoint sends is never read.
    this.req?.destroy();
    const { info, destination } = this.spec;
    const details = { operation: info.operation, service: info.service, destination, ...(systemCode ? { systemCode } : {}), ...(httpStatus ? { httpStatus } : {}) };
    this.reject(new TransportError(failure, message, details));
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
