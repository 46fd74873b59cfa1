/**
 * An HTTP endpoint that answers like a broken or malicious IAM, scripted by each test: headers then silence, a
 * body one byte at a time, a body without end, an HTML page or an error document with status 200, a marker that
 * never changes, ANSI escapes in an error message. Plus two servers below HTTP: one that accepts connections and
 * says nothing, and a port where nothing listens. All on 127.0.0.1; `close()` ends every connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

/** One request as the endpoint saw it: the Query protocol's `Action` and the other form fields. */
export interface SeenRequest {
  action: string;
  form: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The client's port: requests on one kept-alive connection share it. */
  clientPort: number;
}

/** What the endpoint does with one request. */
export type Behaviour =
  /** A complete reply. */
  | { kind: 'reply'; status?: number; contentType?: string; body: string | Buffer; headers?: Record<string, string> }
  /** Status line and headers, then nothing, for ever. */
  | { kind: 'headers-then-silence'; status?: number; contentLength?: number }
  /** Reads the request, then says nothing at all. */
  | { kind: 'silence' }
  /** The reply's body one byte every `everyMs`, with no Content-Length. */
  | { kind: 'trickle'; everyMs: number; body: string }
  /** A body that never ends, written as fast as the client reads. */
  | { kind: 'endless'; prefix?: string; contentLength?: number }
  /** Drops the connection without a word. */
  | { kind: 'hang-up' };

export interface HostileEndpoint {
  url: string;
  /** Every request received, in order. */
  readonly requests: SeenRequest[];
  /** Requests received for one action. */
  count(action: string): number;
  close(): Promise<void>;
}

export async function startHostileEndpoint(respond: (request: SeenRequest, index: number) => Behaviour): Promise<HostileEndpoint> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      const seen: SeenRequest = { action: form.Action ?? '', form, headers: req.headers, clientPort: req.socket.remotePort ?? 0 };
      requests.push(seen);
      behave(respond(seen, requests.length - 1), res, timers);
    });
  });
  // Node's server would otherwise answer a stalled client with its own 408 after a while, or close idle sockets.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (action) => requests.filter((r) => r.action === action).length,
    close: () => closeAll(server, sockets, timers),
  };
}

function behave(b: Behaviour, res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  const every = (ms: number, fn: () => void) => {
    const timer = setInterval(fn, ms);
    timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  };
  switch (b.kind) {
    case 'reply': {
      const body = typeof b.body === 'string' ? Buffer.from(b.body, 'utf8') : b.body;
      res.writeHead(b.status ?? 200, { 'content-type': b.contentType ?? 'text/xml', 'content-length': String(body.length), 'x-amzn-requestid': 'hostile-1', ...b.headers });
      res.end(body);
      return;
    }
    case 'headers-then-silence':
      res.writeHead(b.status ?? 200, { 'content-type': 'text/xml', ...(b.contentLength !== undefined ? { 'content-length': String(b.contentLength) } : {}) });
      res.flushHeaders();
      return;
    case 'silence':
      return;
    case 'trickle': {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.flushHeaders();
      let i = 0;
      every(b.everyMs, () => {
        if (i < b.body.length) res.write(b.body[i++]);
        else res.end();
      });
      return;
    }
    case 'endless': {
      res.writeHead(200, { 'content-type': 'text/xml', ...(b.contentLength !== undefined ? { 'content-length': String(b.contentLength) } : {}) });
      res.write(b.prefix ?? '<ListUsersResponse><ListUsersResult><Users>');
      const chunk = Buffer.from('<member><UserName>again</UserName></member>'.repeat(256));
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
      return;
    }
    case 'hang-up':
      res.socket?.destroy();
      return;
  }
}

/** A TCP server that accepts every connection and never reads or writes a byte. */
export async function startSilentServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.pause();
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, close: () => closeAll(server, sockets, new Set()) };
}

/** An address where nothing listens: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function closeAll(server: Server | ReturnType<typeof createNetServer>, sockets: Set<Socket>, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const t of timers) clearInterval(t);
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
