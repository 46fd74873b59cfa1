/**
 * A local AWS endpoint for IAM and what a tool needs around it: IAM and STS over the Query protocol (form-encoded
 * POST, XML answers), AWS Organizations and CloudTrail over awsJson1.1 (`X-Amz-Target`), all on one URL, so the
 * unmodified AWS SDK and CLI work against it with `AWS_ENDPOINT_URL` (or `--endpoint-url`). Each request acts as
 * the principal whose access key signed it (see identity.ts); signatures are not verified.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialsRefused, IamError, SERVICE_FAILURE_MESSAGE } from './errors.js';
import { FaultInjector, resolveFaults, TokenBucket, type Fault, type FaultOptions } from './faults.js';
import { CLOUDTRAIL } from './handlers/cloudtrail.js';
import { EXISTING_USER_NAME, type HandlerContext, type Operation } from './handlers/common.js';
import { IAM_VERSION, OPERATIONS, STS_VERSION } from './handlers/index.js';
import { ORGANIZATIONS } from './handlers/organizations.js';
import { presentedCredentials, resolvePrincipal } from './identity.js';
import { satisfies } from './names.js';
import { JSON_CONTENT_TYPE, JsonError, renderJsonError, type JsonService } from './protocol/json.js';
import { QueryParams } from './protocol/query.js';
import { IAM_NAMESPACE, renderError, renderResponse, STS_NAMESPACE } from './protocol/xml.js';
import { DEFAULT_SEED, readSeedFile, stateFromSeed, type LoadedSeed, type SandboxSeed } from './seed.js';
import { readStateFile, StateFile, writeStateFile } from './state-file.js';
import { isoSeconds, SandboxState, type SandboxData } from './state.js';
import { buildEvent, identityOf, requestParametersOf } from './trail.js';

export type { FaultOptions } from './faults.js';
export type { AccountSeed, OrganizationSeed, SandboxSeed, SeedAccount, SeedUser } from './seed.js';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loaded at start when it exists (else the sandbox is built from the seed) and rewritten after every change. */
  statePath?: string;
  /** A seed YAML file, or the seed itself; used when there is no state file yet, and on reset. Default: `DEFAULT_SEED`. */
  seed?: string | SandboxSeed;
  /** Each field defaults to its IAMPASS_SANDBOX_* environment variable, else off (LookupEvents: AWS's 2/s). */
  faults?: Partial<FaultOptions>;
  /** Receives one line per request (action, user name, status, milliseconds); never passwords or other parameters. */
  log?: (line: string) => void;
  /** The sandbox's idea of now (session expiry, event times, LookupEvents' rate and window); for tests. */
  clock?: () => Date;
}

export interface SandboxHandle {
  /** `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL`. */
  url: string;
  port: number;
  /** The 12-digit account of the default caller (an organization's management account). */
  account: string;
  /** The user a request signed with an unknown access key acts as. */
  defaultCaller: { account: string; user: string };
  /** The organization's ID, or `null` when the accounts belong to none. */
  organization: string | null;
  /** Every account's ID, in seed order. */
  accounts: string[];
  /** Stops accepting connections and resolves once in-flight requests have been answered. */
  close(): Promise<void>;
  /** A deep copy of the whole state (JSON-safe, what the state file holds), for tests. */
  snapshot(): SandboxData;
  /** Requests received so far, including faulted ones. */
  requestCount(): number;
}

export async function startSandbox(opts: SandboxOptions): Promise<SandboxHandle> {
  const faults = new FaultInjector(resolveFaults(opts.faults), ...(opts.clock ? [() => opts.clock!().getTime()] : []));
  const clock = opts.clock ?? (() => new Date());
  const rebuild = () => stateFromSeed(loadSeed(opts), clock());
  const saved = opts.statePath === undefined ? undefined : readStateFile(opts.statePath);
  const sandbox = new Sandbox(new SandboxState(saved ?? rebuild()), { faults, clock, rebuild, stateFile: opts.statePath ? new StateFile(opts.statePath) : undefined, log: opts.log });
  if (opts.statePath) writeStateFile(opts.statePath, sandbox.state.data);

  const server = createServer((request, response) => void sandbox.handle(request, response));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const data = sandbox.state.data;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    account: data.defaultCaller.account,
    defaultCaller: { ...data.defaultCaller },
    organization: data.organization?.id ?? null,
    accounts: data.accounts.map((account) => account.id),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        sandbox.closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections would otherwise hold close() open until the client drops them.
        server.closeIdleConnections();
      });
      return closing;
    },
    snapshot: () => structuredClone(sandbox.state.data),
    requestCount: () => sandbox.requests,
  };
}

/** The seed as given: a file (read again on every reset, so edits apply), an object, or the default. */
function loadSeed(opts: SandboxOptions): LoadedSeed {
  if (typeof opts.seed === 'string') return readSeedFile(opts.seed);
  if (opts.seed) return { value: opts.seed, source: 'given in the options' };
  return { value: DEFAULT_SEED, source: 'DEFAULT_SEED' };
}

interface Outcome {
  status: number;
  body: string;
  contentType: string;
  /** Why the answer is not the operation's own (an injected fault, an internal error): for the log only. */
  note?: string;
  /** JSON errors name their code in `x-amzn-ErrorType` too, as AWS does (the SDK reads it first). */
  errorType?: string;
}

/** A request, decoded: Query (IAM, STS) or JSON (Organizations, CloudTrail). */
type Call =
  | { kind: 'query'; params: QueryParams }
  | { kind: 'json'; service: JsonService | undefined; operation: string; input: Record<string, unknown> | undefined };

interface SandboxParts {
  faults: FaultInjector;
  clock: () => Date;
  rebuild: () => SandboxData;
  stateFile: StateFile | undefined;
  log: ((line: string) => void) | undefined;
}

const JSON_SERVICES = [ORGANIZATIONS, CLOUDTRAIL];

class Sandbox {
  requests = 0;
  /** Once set, each answer ends its keep-alive connection, so close() does not wait on clients. */
  closing = false;
  private lookupLimits = new Map<string, TokenBucket>();

  constructor(
    public state: SandboxState,
    private readonly parts: SandboxParts,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://sandbox');
    if (url.pathname === '/moto-api/reset') return this.reset(request, response);
    const requestId = randomUUID();
    // Decided on arrival, in arrival order, so a seeded run faults the same requests every time.
    let fault = this.parts.faults.decide();
    let action = '-';
    let user = '-';
    let status: number | 'dropped';
    let note: string | undefined;
    try {
      const call = decode(request, await readBody(request), url);
      action = call.kind === 'query' ? (call.params.string('Action') ?? '-') : call.operation;
      user = call.kind === 'query' ? (call.params.string('UserName') ?? '-') : '-';
      if (fault === undefined && this.parts.faults.options.accountRate > 0 && this.parts.faults.accountThrottled(this.accountOf(request))) fault = 'throttle';
      if (this.parts.faults.options.latencyMs > 0) await sleep(this.parts.faults.options.latencyMs);
      if (fault === 'drop') {
        request.socket.destroy();
        status = 'dropped';
      } else {
        const outcome = call.kind === 'query' ? await this.answerQuery(call.params, request, requestId, fault) : this.answerJson(call, request, fault);
        response.writeHead(outcome.status, {
          'Content-Type': outcome.contentType,
          'Content-Length': Buffer.byteLength(outcome.body),
          'x-amzn-RequestId': requestId,
          ...(outcome.errorType === undefined ? {} : { 'x-amzn-ErrorType': outcome.errorType }),
          ...(this.closing ? { Connection: 'close' } : {}),
        });
        response.end(outcome.body);
        status = outcome.status;
        note = outcome.note;
      }
    } catch (error) {
      // Only reading the request can get here (the client went away): nothing to answer.
      status = 'dropped';
      note = `request error: ${(error as Error).message}`;
    }
    this.parts.log?.(logLine(action, user, status, performance.now() - started, note));
  }

  private async answerQuery(params: QueryParams, request: IncomingMessage, requestId: string, fault: Fault | undefined): Promise<Outcome> {
    const version = params.string('Version');
    const namespace = version === STS_VERSION ? STS_NAMESPACE : IAM_NAMESPACE;
    const action = params.string('Action');
    try {
      if (fault === 'throttle') throw new IamError('Throttling', 'Rate exceeded');
      if (fault === 'failure') throw new IamError('ServiceFailure', SERVICE_FAILURE_MESSAGE);
      if (action === undefined) throw new IamError('MissingAction', 'Missing Action');
      const operation = OPERATIONS.get(version ?? IAM_VERSION)?.get(action);
      if (!operation) throw new IamError('InvalidAction', `Could not find operation ${action} for version ${version ?? ''}`);
      const now = this.parts.clock();
      const caller = this.callerOf(request, now, (kind) => new IamError(kind === 'invalid' ? 'InvalidClientTokenId' : 'ExpiredToken', new CredentialsRefused(kind).message));
      const context: HandlerContext = { account: caller.account, caller, state: this.state, params, now };
      const result = await this.run(operation, context, { action, eventSource: version === STS_VERSION ? 'sts.amazonaws.com' : 'iam.amazonaws.com', request, requestId });
      return { status: 200, body: renderResponse(namespace, action, result, requestId), contentType: 'text/xml' };
    } catch (thrown) {
      const known = thrown instanceof IamError;
      const error = known ? thrown : new IamError('ServiceFailure', SERVICE_FAILURE_MESSAGE);
      const note = fault ? `injected ${fault}` : known ? undefined : `internal error: ${(thrown as Error).message}`;
      return { status: error.status, body: renderError(namespace, error, requestId), contentType: 'text/xml', note };
    }
  }

  private answerJson(call: Extract<Call, { kind: 'json' }>, request: IncomingMessage, fault: Fault | undefined): Outcome {
    const service = call.service;
    const messageKey = service?.messageKey ?? 'message';
    try {
      if (!service) throw new JsonError('UnknownOperationException', '');
      if (fault === 'throttle') throw service.throttled();
      if (fault === 'failure') throw service.failed();
      if (call.input === undefined) throw new JsonError('SerializationException', 'The request body is not a JSON object.');
      const operation = service.operations.get(call.operation);
      if (!operation) throw new JsonError('UnknownOperationException', '');
      const now = this.parts.clock();
      const caller = this.callerOf(request, now, (kind) => new JsonError(kind === 'invalid' ? 'UnrecognizedClientException' : 'ExpiredTokenException', new CredentialsRefused(kind).message));
      const result = operation.run({
        caller,
        state: this.state,
        input: call.input,
        now,
        emptyPage: () => this.parts.faults.emptyPage(),
        lookupAllowed: (account) => this.lookupAllowed(account),
      });
      return { status: 200, body: JSON.stringify(result), contentType: JSON_CONTENT_TYPE };
    } catch (thrown) {
      const known = thrown instanceof JsonError;
      const error = known ? thrown : (service?.failed() ?? new JsonError('InternalFailure', SERVICE_FAILURE_MESSAGE, 500));
      const note = fault ? `injected ${fault}` : known ? undefined : `internal error: ${(thrown as Error).message}`;
      return { status: error.status, body: renderJsonError(error, messageKey), contentType: JSON_CONTENT_TYPE, note, errorType: error.code };
    }
  }

  /** The account a request acts in, for its account's rate limit: the signer's, else the default caller's. */
  private accountOf(request: IncomingMessage): string {
    try {
      return this.callerOf(request, this.parts.clock(), () => new Error('refused')).account.id;
    } catch {
      return this.state.data.defaultCaller.account;
    }
  }

  /** The principal that signed the request; a refusal is worded by `refuse` in the request's protocol. */
  private callerOf(request: IncomingMessage, now: Date, refuse: (kind: CredentialsRefused['kind']) => Error) {
    try {
      return resolvePrincipal(this.state, presentedCredentials(request.headers, new URL(request.url ?? '/', 'http://sandbox').searchParams), now);
    } catch (error) {
      if (error instanceof CredentialsRefused) throw refuse(error.kind);
      throw error;
    }
  }

  private async run(operation: Operation, context: HandlerContext, call: { action: string; eventSource: string; request: IncomingMessage; requestId: string }) {
    const result = await operation.run(context);
    if (operation.mutates && (operation.recorded ?? true)) {
      context.account.recordEvent(buildEvent({
        identity: identityOf(context.caller),
        eventName: call.action,
        eventSource: call.eventSource,
        eventTime: isoSeconds(context.now),
        sourceIPAddress: sourceAddress(call.request),
        userAgent: call.request.headers['user-agent'] ?? '',
        requestParameters: requestParametersOf(context.params.entries()),
        readOnly: false,
        requestId: call.requestId,
      }));
    }
    // Saved before the answer goes out, so every success is on disk for the next process. Should the write
    // itself fail, the call answers ServiceFailure and the change reaches the file with the next successful write.
    if (operation.mutates) await this.parts.stateFile?.save(() => this.state.data);
    return result;
  }

  private lookupAllowed(account: string): boolean {
    const rate = this.parts.faults.options.lookupEventsRate;
    if (rate <= 0) return true;
    let bucket = this.lookupLimits.get(account);
    if (!bucket) {
      bucket = new TokenBucket(rate, 0, () => this.parts.clock().getTime());
      this.lookupLimits.set(account, bucket);
    }
    return bucket.take();
  }

  /** `POST /moto-api/reset` (as moto has): back to the seed, sessions and events included; faults stay as set. */
  private async reset(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for await (const chunk of request) void chunk;
    let status = 200;
    let body = JSON.stringify({ status: 'ok' });
    if (request.method !== 'POST') {
      status = 400;
      body = JSON.stringify({ Error: 'Need to POST to reset the sandbox' });
    } else {
      try {
        this.state = new SandboxState(this.parts.rebuild());
        this.lookupLimits = new Map();
        await this.parts.stateFile?.save(() => this.state.data);
      } catch (error) {
        status = 500;
        body = JSON.stringify({ Error: (error as Error).message });
      }
    }
    response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...(this.closing ? { Connection: 'close' } : {}) });
    response.end(body);
    this.parts.log?.(`${new Date().toISOString()} reset ${status}`);
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `X-Amz-Target: <service prefix>.<Operation>` marks a JSON call; anything else is the Query protocol. */
function decode(request: IncomingMessage, body: string, url: URL): Call {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const dot = target.lastIndexOf('.');
    const service = JSON_SERVICES.find((candidate) => candidate.targetPrefixes.includes(target.slice(0, dot)));
    let input: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      input = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      input = undefined;
    }
    return { kind: 'json', service, operation: target.slice(dot + 1), input };
  }
  const form = new URLSearchParams(body);
  // GET requests (curl, a browser) carry the same parameters in the query string.
  for (const [key, value] of url.searchParams) form.append(key, value);
  return { kind: 'query', params: new QueryParams(form) };
}

/** The client's address as CloudTrail shows it (IPv4 without the IPv6-mapped prefix). */
function sourceAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * `ListUsers user=- 200 3ms`. Only the action and the user name are taken from the request, and only when they
 * look like an action and a user name, so a password (or anything else) sent in the wrong field is never logged.
 */
function logLine(action: string, user: string, status: number | 'dropped', ms: number, note: string | undefined): string {
  const safeAction = /^[A-Za-z0-9]{1,64}$/.test(action) || action === '-' ? action : '<invalid>';
  const safeUser = satisfies(user, EXISTING_USER_NAME) || user === '-' ? user : '<invalid>';
  const line = `${new Date().toISOString()} ${safeAction} user=${safeUser} ${status} ${Math.round(ms)}ms`;
  return note === undefined ? line : `${line} (${note})`;
}
