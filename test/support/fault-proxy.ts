/**
 * A fault proxy for the tests: an HTTP server that sits between iampass and a real IAM endpoint (the sandbox, or
 * moto) and, for the requests a rule picks, lies the way a network does. Its point is the faults a retry cannot
 * mend: a write that IAM carried out whose reply never arrives, arrives cut short, or arrives as garbage.
 *
 * Rules are checked in order against each request's `Action` (and `UserName`, when the rule names one); the first
 * rule with attempts left applies. Everything else is passed through untouched.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Never forward; close the connection (IAM never saw it). */
  | 'drop-before'
  /** Forward, let IAM answer, then close the connection without a byte of the answer. */
  | 'drop-after'
  /** Forward, then send the headers and half the body, then close. */
  | 'truncate'
  /** Forward, then answer 200 with a body that is not XML at all. */
  | 'malform'
  /** Forward, then answer 500 ServiceFailure as if IAM had failed (it did not). */
  | 'error-after'
  /** Forward, then hold the answer back until the client gives up (its deadline). */
  | 'stall-after'
  /** Forward, then hold the whole answer back until `release()`: the client is stopped there, for as long as a test needs. */
  | 'hold-after';

export interface FaultRule {
  action: string;
  user?: string;
  fault: Fault;
  /** How many matching requests it applies to; default: every one. */
  times?: number;
  /** Only once a request with this action (for the same user, when the rule names one) has been seen: lets reads pass until the write they follow. */
  after?: string;
}

export interface FaultProxy {
  url: string;
  /** Replaces the rules; the counts start again. */
  setRules(rules: FaultRule[]): void;
  /** Every request seen: `Action user=NAME fault|pass`. Never parameters (a password is one). */
  log(): string[];
  /** Called as each request arrives, with how many have arrived; for killing the client at a chosen point. */
  onRequest(listener: ((count: number, action: string) => void) | null): void;
  /** Sends every answer held by `hold-after` (and those held later, at once). */
  release(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string, rules: FaultRule[] = []): Promise<FaultProxy> {
  const target = new URL(upstream);
  let active = rules.map((r) => ({ ...r, left: r.times ?? Infinity }));
  const passed = new Set<string>();
  const seen: string[] = [];
  let listener: ((count: number, action: string) => void) | null = null;
  const sockets = new Set<Socket>();
  const stalled = new Set<ServerResponse>();
  const held: Array<() => void> = [];
  let released = false;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? jsonTarget(req) ?? '-';
      const user = params.get('UserName') ?? '-';
      const armed = (r: FaultRule) => r.after === undefined || passed.has(`${r.after} ${r.user ?? '-'}`) || passed.has(`${r.after} -`);
      const rule = active.find((r) => r.left > 0 && r.action === action && (r.user === undefined || r.user === user) && armed(r));
      if (rule) rule.left -= 1;
      passed.add(`${action} ${user}`);
      passed.add(`${action} -`);
      seen.push(`${action} user=${user} ${rule ? rule.fault : 'pass'}`);
      listener?.(seen.length, action);
      if (rule?.fault === 'drop-before') {
        req.socket.destroy();
        return;
      }
      const answer = await forward(target, req, body);
      switch (rule?.fault) {
        case undefined:
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        case 'drop-after':
          req.socket.destroy();
          return;
        case 'truncate':
          res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
          res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
          setImmediate(() => req.socket.destroy());
          return;
        case 'malform':
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end('\u0000\u0001 this is not XML <<<');
          return;
        case 'error-after':
          res.writeHead(500, { 'content-type': 'text/xml' });
          res.end(
            '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Receiver</Type><Code>ServiceFailure</Code>' +
              '<Message>Request processing has failed due to some unknown error, exception or failure.</Message></Error>' +
              '<RequestId>fault-proxy</RequestId></ErrorResponse>',
          );
          return;
        case 'stall-after':
          res.writeHead(answer.status, answer.headers);
          stalled.add(res);
          return;
        case 'hold-after': {
          const send = () => {
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          };
          if (released) send();
          else held.push(send);
          return;
        }
      }
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setRules(next) {
      active = next.map((r) => ({ ...r, left: r.times ?? Infinity }));
      passed.clear();
    },
    log: () => [...seen],
    onRequest(next) {
      listener = next;
    },
    release() {
      released = true;
      for (const send of held.splice(0)) send();
    },
    close() {
      for (const res of stalled) res.destroy();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const upstream = httpRequest(
      { hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (res) => {
        void readAll(res).then(
          (data) => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && k !== 'connection' && k !== 'keep-alive') out[k] = v;
            out['content-length'] = String(data.length);
            resolve({ status: res.statusCode ?? 502, headers: out, body: data });
          },
          reject,
        );
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** The operation of a JSON-protocol request (`X-Amz-Target: Service.Operation`). */
function jsonTarget(req: IncomingMessage): string | undefined {
  const header = req.headers['x-amz-target'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.slice(value.lastIndexOf('.') + 1);
}
