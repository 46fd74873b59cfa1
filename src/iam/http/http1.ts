/**
 * HTTP/1.1 on the wire, for the transport's socket engine (see transport.ts): a request written as one string (or
 * one Buffer), and an incremental parser for the reply that holds a bounded amount of it whatever the endpoint
 * sends. node:http does the same with far more machinery per call (an `OutgoingMessage`, an `IncomingMessage`, a
 * stream for each, llhttp's callbacks crossing into JavaScript): about half the CPU a call to IAM costs.
 *
 * The parser is strict where leniency lets an endpoint smuggle or confuse (folded header lines, bare line feeds,
 * conflicting lengths, Content-Length beside Transfer-Encoding) and says what was wrong in its own words: the
 * endpoint's bytes never reach a message.
 */

/** The most bytes the status line and headers of a reply may take, and so may its chunked trailers. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line (`1f4;ext=...`): the size is at most 13 hex digits; extensions are read and ignored. */
const MAX_CHUNK_LINE_BYTES = 4096;
/** 1xx replies before the real one: a few at most in practice (100 Continue, 103 Early Hints). */
const MAX_INTERIM_REPLIES = 16;

/** A request that cannot be written as it is (a header name or value that would split the head, a bad path). */
export class InvalidRequestError extends TypeError {
  constructor(
    readonly code: 'ERR_INVALID_HTTP_TOKEN' | 'ERR_INVALID_CHAR' | 'ERR_UNESCAPED_CHARACTERS',
    message: string,
  ) {
    super(message);
  }
}

export interface WireRequest {
  method: string;
  /** The path and query, as they go on the request line. */
  target: string;
  headers: Readonly<Record<string, string>>;
  /** The `Host` header to send when `headers` has none. */
  host: string;
  /** Sent as `Authorization: Basic` when `headers` has no `Authorization`. */
  basicAuth?: string;
  body: string | Uint8Array | undefined;
}

// RFC 9110 tokens; node:http checks header names and methods the same way.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A header value is written as latin1: tab, printable ASCII and 0x80-0xff. The fast test finds anything else; only
// then is the strict one run, to tell a forbidden character from a latin1 one.
const NOT_ASCII_TEXT = /[^\t\x20-\x7e]/;
const NOT_LATIN1_TEXT = /[^\t\x20-\x7e\x80-\xff]/;
// As node:http: a request target holds no whitespace, control character or character beyond latin1.
const NOT_TARGET = /[^\u0021-\u00ff]/;
// Methods whose requests carry no body unless given one, so no `content-length: 0` either (as node:http).
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * The request's bytes, for one `socket.write`: a string when the head is ASCII and the body a string (the common
 * case: a signed Query-protocol form), else one Buffer with the head in latin1, as node:http writes it.
 * Throws `InvalidRequestError` rather than write a header that would end the head early or split it.
 */
export function serializeRequest(request: WireRequest): string | Buffer {
  const { method, target, headers, body } = request;
  if (!TOKEN.test(method)) throw new InvalidRequestError('ERR_INVALID_HTTP_TOKEN', 'Method must be a valid HTTP token');
  if (NOT_TARGET.test(target)) throw new InvalidRequestError('ERR_UNESCAPED_CHARACTERS', 'Request path contains unescaped characters');
  let head = `${method} ${target} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasLength = false;
  let hasConnection = false;
  let hasAuthorization = false;
  // node:http writes the head as latin1; a string write would send UTF-8, so such a head goes as a Buffer.
  let latin1 = NOT_ASCII_TEXT.test(target);
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (!TOKEN.test(name)) throw new InvalidRequestError('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${printableName(name)}"]`);
    if (NOT_ASCII_TEXT.test(value)) {
      // The header's name only: its value may be a signature or a token.
      if (NOT_LATIN1_TEXT.test(value)) throw new InvalidRequestError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
      latin1 = true;
    }
    switch (name.length) {
      case 4:
        hasHost ||= name.toLowerCase() === 'host';
        break;
      case 10:
        hasConnection ||= name.toLowerCase() === 'connection';
        break;
      case 13:
        hasAuthorization ||= name.toLowerCase() === 'authorization';
        break;
      case 14:
        hasLength ||= name.toLowerCase() === 'content-length';
        break;
    }
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) {
    if (NOT_ASCII_TEXT.test(request.host)) throw new InvalidRequestError('ERR_INVALID_CHAR', 'Invalid character in header content ["host"]');
    head += `host: ${request.host}\r\n`;
  }
  if (!hasAuthorization && request.basicAuth !== undefined) head += `authorization: Basic ${Buffer.from(request.basicAuth).toString('base64')}\r\n`;
  // An HTTP/1.0 server or proxy keeps the connection only when asked to.
  if (!hasConnection) head += 'connection: keep-alive\r\n';
  if (!hasLength) {
    if (typeof body === 'string') head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    else if (body !== undefined) head += `content-length: ${body.byteLength}\r\n`;
    else if (!BODILESS_METHODS.has(method)) head += 'content-length: 0\r\n';
  }
  head += '\r\n';
  if (body === undefined) return latin1 ? Buffer.from(head, 'latin1') : head;
  if (typeof body === 'string' && !latin1) return head + body;
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(head, 'latin1') + bodyBytes.byteLength);
  const at = bytes.write(head, 0, 'latin1');
  bytes.set(bodyBytes, at);
  return bytes;
}

function printableName(name: string): string {
  return name.replace(/[^\x21-\x7e]/g, '?').slice(0, 64);
}

/** How a reply's body is delimited. */
export type Framing = 'none' | 'length' | 'chunked' | 'close';

export interface ReplyHead {
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minorVersion: number;
  status: number;
  reason: string;
  /** Lower-case names; repeated headers joined as node:http joins them. */
  headers: Record<string, string>;
  /** The declared `Content-Length`, when there is one. */
  contentLength: number | undefined;
  framing: Framing;
  /** Whether the endpoint keeps the connection open after this reply (the framing must allow it too). */
  keepAlive: boolean;
}

export interface ReplyHandler {
  /** The final (non-1xx) reply's head; body bytes follow through `onBody`. */
  onHead(head: ReplyHead): void;
  /** A piece of the body, decoded from its framing; a view into the socket's chunk, not a copy. */
  onBody(chunk: Buffer): void;
  /** The reply is complete; `extra` says bytes followed it (garbage, or an answer to nothing asked). */
  onComplete(extra: boolean): void;
}

/** A reply that is not HTTP/1.x as this client reads it. `message` is iampass's own words, never the reply's. */
export class MalformedReplyError extends Error {
  override readonly name = 'MalformedReplyError';
}

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  Close,
  Done,
}

const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\r\n]*))?$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,13})[ \t]*(?:;.*)?$/;
const CR = 0x0d;
const LF = 0x0a;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Reads one reply from the bytes of a socket, in whatever pieces they come. Never holds more than
 * `MAX_HEAD_BYTES` of head or trailers, or a chunk-size line; the body is passed on as it arrives, and its limit
 * is the caller's (it sees every byte).
 */
export class ReplyParser {
  private state = State.Head;
  /** The head so far, when it spans more than one socket chunk. */
  private pending: Buffer | undefined;
  /** A chunk-size or trailer line so far, when it spans socket chunks. */
  private line = '';
  private remaining = 0;
  private trailerBytes = 0;
  private interim = 0;
  private keepAlive = false;
  private stopped = false;

  constructor(
    private readonly handler: ReplyHandler,
    /** A reply to HEAD has no body whatever its headers say. */
    private readonly headRequest = false,
  ) {}

  /** Whether the connection may carry another request: the reply is complete and said so. */
  get reusable(): boolean {
    return this.state === State.Done && this.keepAlive;
  }

  /** Ignores whatever else arrives: the caller has given up on this reply. */
  stop(): void {
    this.stopped = true;
  }

  /** Feeds the next bytes; throws `MalformedReplyError`. */
  execute(data: Buffer): void {
    let at = 0;
    while (at < data.length && !this.stopped) {
      switch (this.state) {
        case State.Head:
          at = this.readHead(data, at);
          break;
        case State.Length: {
          const end = Math.min(data.length, at + this.remaining);
          this.remaining -= end - at;
          this.handler.onBody(at === 0 && end === data.length ? data : data.subarray(at, end));
          at = end;
          if (this.remaining === 0) this.finish(data, at);
          break;
        }
        case State.ChunkSize: {
          const line = this.readLine(data, at, MAX_CHUNK_LINE_BYTES, 'a chunk-size line');
          if (line === undefined) return;
          at = line.next;
          const size = CHUNK_SIZE.exec(line.text)?.[1];
          if (size === undefined) throw new MalformedReplyError('a malformed chunk size');
          this.remaining = Number.parseInt(size, 16);
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const end = Math.min(data.length, at + this.remaining);
          this.remaining -= end - at;
          this.handler.onBody(data.subarray(at, end));
          at = end;
          if (this.remaining === 0) {
            this.state = State.ChunkEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkEnd: {
          // The CRLF after a chunk's data, possibly split between socket chunks.
          const expected = this.remaining === 2 ? CR : LF;
          if (data[at] !== expected) throw new MalformedReplyError('a chunk not followed by CRLF');
          at += 1;
          this.remaining -= 1;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          const line = this.readLine(data, at, MAX_HEAD_BYTES, 'trailers');
          if (line === undefined) return;
          at = line.next;
          this.trailerBytes += line.text.length + 2;
          if (this.trailerBytes > MAX_HEAD_BYTES) throw new MalformedReplyError(`trailers over ${MAX_HEAD_BYTES / 1024} KiB`);
          // Trailers are read and dropped (node:http's `res.trailers`, which the transport never read either).
          if (line.text === '') this.finish(data, at);
          break;
        }
        case State.Close:
          this.handler.onBody(at === 0 ? data : data.subarray(at));
          return;
        case State.Done:
          return;
      }
    }
  }

  /**
   * The connection ended (the endpoint closed its side). Completes a body read until close and returns true;
   * otherwise the reply was cut short and it returns false.
   */
  end(): boolean {
    if (this.state === State.Close) {
      this.state = State.Done;
      this.keepAlive = false;
      if (!this.stopped) this.handler.onComplete(false);
      return true;
    }
    return this.state === State.Done;
  }

  private finish(data: Buffer, at: number): void {
    this.state = State.Done;
    this.handler.onComplete(at < data.length);
  }

  /** Reads a status line and headers; returns where the body starts, or `data.length` when the head is not all here. */
  private readHead(data: Buffer, at: number): number {
    let bytes = at === 0 ? data : data.subarray(at);
    let searchFrom = 0;
    if (this.pending !== undefined) {
      searchFrom = Math.max(0, this.pending.length - 3);
      bytes = Buffer.concat([this.pending, bytes]);
    }
    const end = bytes.indexOf(HEAD_END, searchFrom);
    if (end === -1) {
      if (bytes.length > MAX_HEAD_BYTES) throw new MalformedReplyError(`headers over ${MAX_HEAD_BYTES / 1024} KiB`);
      this.pending = bytes;
      return data.length;
    }
    if (end + 4 > MAX_HEAD_BYTES) throw new MalformedReplyError(`headers over ${MAX_HEAD_BYTES / 1024} KiB`);
    this.pending = undefined;
    const next = data.length - (bytes.length - (end + 4));
    const head = this.parseHead(bytes.toString('latin1', 0, end));
    if (head === undefined) {
      // An interim reply (100 Continue, 103 Early Hints): the real one follows.
      if (++this.interim > MAX_INTERIM_REPLIES) throw new MalformedReplyError(`more than ${MAX_INTERIM_REPLIES} interim (1xx) replies`);
      return next;
    }
    this.keepAlive = head.keepAlive;
    this.handler.onHead(head);
    switch (head.framing) {
      case 'none':
        this.finish(data, next);
        break;
      case 'length':
        this.remaining = head.contentLength ?? 0;
        if (this.remaining === 0) this.finish(data, next);
        else this.state = State.Length;
        break;
      case 'chunked':
        this.state = State.ChunkSize;
        break;
      case 'close':
        this.state = State.Close;
        break;
    }
    return next;
  }

  /** The head's text (without its final blank line) as a `ReplyHead`; `undefined` for an interim reply. */
  private parseHead(text: string): ReplyHead | undefined {
    let eol = text.indexOf('\r\n');
    if (eol === -1) eol = text.length;
    const status = STATUS_LINE.exec(text.slice(0, eol));
    if (status === null) throw new MalformedReplyError('a malformed status line');
    const code = Number(status[2]);
    if (code === 101) throw new MalformedReplyError('a switch of protocols nobody asked for (101)');
    if (code < 200) return undefined;
    const headers: Record<string, string> = {};
    for (let at = eol + 2; at <= text.length; ) {
      let end = text.indexOf('\r\n', at);
      if (end === -1) end = text.length;
      addHeader(headers, text.slice(at, end));
      at = end + 2;
    }
    const minorVersion = Number(status[1]);
    const connection = headers.connection;
    const keepAlive =
      connection === undefined ? minorVersion === 1 : minorVersion === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive') && !hasToken(connection, 'close');
    const lengthHeader = headers['content-length'];
    let contentLength: number | undefined;
    if (lengthHeader !== undefined) {
      if (!/^\d{1,15}$/.test(lengthHeader)) throw new MalformedReplyError('an invalid Content-Length');
      contentLength = Number(lengthHeader);
    }
    let framing: Framing;
    const transferEncoding = headers['transfer-encoding'];
    if (this.headRequest || code === 204 || code === 304) {
      framing = 'none';
    } else if (transferEncoding !== undefined) {
      if (lengthHeader !== undefined) throw new MalformedReplyError('both Content-Length and Transfer-Encoding');
      // Chunked only when it is the last coding; any other is delimited by the connection's end (RFC 9112, 6.3).
      framing = /(?:^|,)[ \t]*chunked[ \t]*$/i.test(transferEncoding) ? 'chunked' : 'close';
    } else if (contentLength !== undefined) {
      framing = 'length';
    } else {
      framing = 'close';
    }
    return { minorVersion, status: code, reason: status[3] ?? '', headers, contentLength, framing, keepAlive: keepAlive && framing !== 'close' };
  }

  /** One CRLF-terminated line from `data` (and what came before it), or `undefined` until its end arrives. */
  private readLine(data: Buffer, at: number, limit: number, what: string): { text: string; next: number } | undefined {
    const lf = data.indexOf(LF, at);
    if (lf === -1) {
      this.line += data.toString('latin1', at);
      if (this.line.length > limit) throw new MalformedReplyError(`${what} over ${limit >= 1024 ? `${limit / 1024} KiB` : `${limit} bytes`}`);
      return undefined;
    }
    const text = this.line + data.toString('latin1', at, lf);
    this.line = '';
    if (text.length > limit + 1) throw new MalformedReplyError(`${what} over ${limit >= 1024 ? `${limit / 1024} KiB` : `${limit} bytes`}`);
    if (text.charCodeAt(text.length - 1) !== CR) throw new MalformedReplyError(`a line in ${what} ended without CRLF`);
    return { text: text.slice(0, -1), next: lf + 1 };
  }
}

const HEADER_NAME_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Control characters other than tab (a bare CR or LF inside a line among them) never belong in a value.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const BAD_VALUE_CHAR = /[\x00-\x08\x0a-\x1f\x7f]/;
// As node:http: a second one of these is dropped (the first wins), a second `set-cookie` is joined with ',' (the
// transport joined node's array so), `cookie` with '; ', any other with ', '.
const FIRST_WINS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** Header names as AWS endpoints and common servers write them, with their lower-case keys. */
const KNOWN_NAMES = new Map(
  [
    'Content-Type',
    'Content-Length',
    'x-amzn-RequestId',
    'X-Amzn-RequestId',
    'x-amz-request-id',
    'x-amz-id-2',
    'Date',
    'Connection',
    'Keep-Alive',
    'Transfer-Encoding',
    'Server',
    'Vary',
    'Cache-Control',
  ].flatMap((written) => [written, written.toLowerCase()].map((name) => [name, written.toLowerCase()] as const)),
);

function addHeader(headers: Record<string, string>, line: string): void {
  const first = line.charCodeAt(0);
  if (first === 0x20 || first === 0x09) throw new MalformedReplyError('a folded header line (obsolete line folding)');
  const colon = line.indexOf(':');
  if (colon <= 0) throw new MalformedReplyError('a header line that is not "name: value"');
  const name = line.slice(0, colon);
  // The names AWS sends, as written, map to constant lower-case keys (no case folding, and a key V8 already knows).
  let lower = KNOWN_NAMES.get(name);
  if (lower === undefined) {
    if (!HEADER_NAME_CHAR.test(name)) throw new MalformedReplyError('a header name that is not a token');
    lower = name.toLowerCase();
  }
  let start = colon + 1;
  let end = line.length;
  while (start < end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  const value = line.slice(start, end);
  if (BAD_VALUE_CHAR.test(value)) throw new MalformedReplyError('a control character in a header value');
  // Not a key of any plain object, whatever the endpoint sends.
  if (lower === '__proto__') return;
  const existing = headers[lower];
  if (existing === undefined) {
    headers[lower] = value;
  } else if (lower === 'content-length') {
    if (value !== existing) throw new MalformedReplyError('conflicting Content-Length headers');
  } else if (FIRST_WINS.has(lower)) {
    return;
  } else {
    headers[lower] = `${existing}${lower === 'set-cookie' ? ',' : lower === 'cookie' ? '; ' : ', '}${value}`;
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function hasToken(list: string, token: string): boolean {
  for (const part of list.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}
