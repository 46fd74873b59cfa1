/**
 * The socket engine's connections to one origin (scheme, host and port): at most `maxSockets` of them, kept alive
 * between calls and handed out last in, first out, so a run's calls reuse the few warmest sockets; a request that
 * finds them all busy waits its turn. It does what node:http's keep-alive `Agent` did for the transport, without
 * the per-request listeners and streams: each socket's listeners are added once and pass events to whichever
 * request holds it.
 *
 * An idle socket is `unref()`ed, so a process with nothing else to do exits, and dropped as soon as the endpoint
 * closes it, sends anything unasked, or its keep-alive time (`Keep-Alive: timeout=N`, less a second, as node:http
 * does) has passed: it is never handed out closed. A socket the endpoint closes just as a request is written on it
 * is the request's error, not retried here; the retry layer above decides.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface Origin {
  protocol: 'http:' | 'https:';
  /** A host name or an IP address, without the brackets of an IPv6 literal. */
  host: string;
  port: number;
}

/** What the pool tells the request that holds (or waits for) a connection, and what that socket says meanwhile. */
export interface Lease {
  /** The connection is this request's now; `connection.connected` says whether it can send at once. */
  socketAssigned(connection: Connection): void;
  /** A fresh connection finished connecting (TCP, and TLS for https). */
  socketConnected(): void;
  socketData(data: Buffer): void;
  /** The endpoint closed its side. */
  socketEnd(): void;
  socketError(error: NodeJS.ErrnoException): void;
  socketClose(): void;
}

/** Counts requests the socket engine has taken: lets a test tell which engine served a call. */
export const engineStats = { requests: 0 };

/** What a plain TCP connection reads at most at once (node:http's streams read 64 KiB). */
const READ_BUFFER_BYTES = 64 * 1024;

/** A connection's own read buffer and what it is handed to. */
interface Reads {
  connection: Connection | undefined;
  buffer: Buffer;
  /** Returns true: the socket keeps reading (false would pause it). */
  callback: (bytes: number, buffer: Uint8Array) => boolean;
}

/** TCP keep-alive probes on an idle connection, as node:http's keep-alive agent sends them (its `keepAliveMsecs`). */
const TCP_KEEPALIVE_MS = 1000;

export class Connection {
  lease: Lease | undefined;
  connected = false;
  /** Requests this connection has been given. */
  uses = 0;
  /** Until when it may be handed out again, once idle. */
  idleUntil = Number.POSITIVE_INFINITY;
  private ended = false;

  constructor(
    readonly socket: Socket,
    pool: Pool,
    secure: boolean,
    /** Set when the socket reads into one buffer of its own (`onread`) instead of emitting 'data'. */
    reads?: Reads,
  ) {
    if (reads) reads.connection = this;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      this.lease?.socketConnected();
    });
    // An idle socket that speaks, ends or fails is of no further use.
    if (!reads) socket.on('data', (data: Buffer) => this.data(data));
    socket.on('end', () => {
      this.ended = true;
      if (this.lease) this.lease.socketEnd();
      else socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => (this.lease ? this.lease.socketError(error) : socket.destroy()));
    socket.on('close', () => {
      const lease = this.lease;
      this.lease = undefined;
      pool.forget(this);
      lease?.socketClose();
    });
  }

  /** Bytes from the endpoint, for the request that holds the connection. */
  data(data: Buffer): void {
    if (this.lease) this.lease.socketData(data);
    else this.socket.destroy();
  }

  /** Whether an idle connection can take another request. */
  get usable(): boolean {
    return this.connected && !this.ended && !this.socket.destroyed && this.socket.readyState === 'open' && Date.now() < this.idleUntil;
  }
}

export class Pool {
  /** Idle connections, the most recently used last. */
  private readonly idle: Connection[] = [];
  private readonly waiting: Lease[] = [];
  private readonly open = new Set<Connection>();
  /** The last TLS session the endpoint gave: a new connection resumes it instead of a full handshake. */
  private tlsSession: Buffer | undefined;

  constructor(
    private readonly origin: Origin,
    private readonly maxSockets: number,
  ) {}

  /** Gives `lease` a connection now, or as soon as one is free. */
  acquire(lease: Lease): void {
    for (let c = this.idle.pop(); c !== undefined; c = this.idle.pop()) {
      if (c.usable) return this.assign(c, lease);
      c.socket.destroy();
    }
    if (this.open.size < this.maxSockets) return this.assign(this.connect(), lease);
    this.waiting.push(lease);
  }

  /** A waiting request gave up. */
  cancel(lease: Lease): void {
    const at = this.waiting.indexOf(lease);
    if (at !== -1) this.waiting.splice(at, 1);
  }

  /**
   * The request on `c` is over. A connection whose reply was complete and kept it open goes to the next waiting
   * request, or idle; any other is closed. `keepAlive` is the reply's `Keep-Alive` header.
   */
  release(c: Connection, reusable: boolean, keepAlive: string | undefined): void {
    c.lease = undefined;
    if (reusable && keepAlive !== undefined) {
      const hint = /(?:^|[\s,])timeout=(\d+)/i.exec(keepAlive)?.[1];
      if (hint !== undefined) {
        // The endpoint closes it after `hint` seconds idle: give it up a second before, so as not to race the close.
        const ms = Number(hint) * 1000 - 1000;
        if (ms <= 0) reusable = false;
        else c.idleUntil = Date.now() + ms;
      }
    }
    if (!reusable || !c.usable) {
      c.socket.destroy();
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) return this.assign(c, next);
    c.socket.unref();
    this.idle.push(c);
  }

  /** `c` has closed. */
  forget(c: Connection): void {
    this.open.delete(c);
    const at = this.idle.indexOf(c);
    if (at !== -1) this.idle.splice(at, 1);
    if (this.waiting.length > 0 && this.open.size < this.maxSockets) this.assign(this.connect(), this.waiting.shift() as Lease);
  }

  /** Closes every connection; a request in flight or waiting fails as if the endpoint had closed it. */
  destroy(): void {
    const waiting = this.waiting.splice(0);
    this.idle.length = 0;
    for (const c of [...this.open]) c.socket.destroy();
    for (const lease of waiting) lease.socketError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  }

  private assign(c: Connection, lease: Lease): void {
    c.lease = lease;
    c.idleUntil = Number.POSITIVE_INFINITY;
    if (c.uses++ > 0) c.socket.ref();
    lease.socketAssigned(c);
  }

  private connect(): Connection {
    const { host, port } = this.origin;
    const secure = this.origin.protocol === 'https:';
    if (secure) {
      const tls = tlsConnect({
        host,
        port,
        // SNI names a host, never an address (RFC 6066).
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ALPNProtocols: ['http/1.1'],
        ...(this.tlsSession ? { session: this.tlsSession } : {}),
      });
      tls.on('session', (session: Buffer) => (this.tlsSession = session));
      // A session the endpoint no longer accepts, or a handshake that failed: the next connection starts afresh.
      tls.once('error', () => {
        if (!c.connected) this.tlsSession = undefined;
      });
      const c = new Connection(tls, this, secure);
      this.open.add(c);
      return c;
    }
    // Plain TCP reads into one buffer per connection, handed over without the stream machinery of 'data' events
    // (a Buffer, a stream push and an event per reply). What a reply keeps of it is copied out first.
    const reads: Reads = {
      connection: undefined,
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array) => {
        reads.connection?.data(Buffer.from(buffer.subarray(0, bytes)));
        return true;
      },
    };
    const c = new Connection(netConnect({ host, port, onread: reads }), this, secure, reads);
    this.open.add(c);
    return c;
  }
}
