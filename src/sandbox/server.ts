/**
 * A local IAM endpoint: an HTTP server speaking the AWS Query protocol (form-encoded POST, XML answers) for
 * IAM and STS GetCallerIdentity, so the unmodified AWS SDK works against it with `endpoint: url` or
 * `AWS_ENDPOINT_URL_IAM` / `AWS_ENDPOINT_URL_STS`. Any credentials are accepted; signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { IamError, SERVICE_FAILURE_MESSAGE } from './errors.js';
import { FaultInjector, resolveFaults, type Fault, type FaultOptions } from './faults.js';
import { EXISTING_USER_NAME, type Operation } from './handlers/common.js';
import { IAM_VERSION, OPERATIONS, STS_VERSION } from './handlers/index.js';
import { satisfies } from './names.js';
import { QueryParams } from './protocol/query.js';
import { IAM_NAMESPACE, renderError, renderResponse, STS_NAMESPACE } from './protocol/xml.js';
import { accountFromSeed, DEFAULT_SEED, readSeedFile, type SandboxSeed } from './seed.js';
import { Account, readStateFile, StateFile, writeStateFile, type AccountData } from './state.js';

export type { FaultOptions } from './faults.js';
export type { SandboxSeed, SeedUser } from './seed.js';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loaded at start when it exists (else the account is built from the seed) and rewritten after every change. */
  statePath?: string;
  /** A seed YAML file, or the seed itself; used only when there is no state file yet. Default: `DEFAULT_SEED`. */
  seed?: string | SandboxSeed;
  /** Each field defaults to its IAMPASS_SANDBOX_* environment variable, else off. */
  faults?: Partial<FaultOptions>;
  /** Receives one line per request (action, user name, status, milliseconds); never passwords or other parameters. */
  log?: (line: string) => void;
}

export interface SandboxHandle {
  /** `http://127.0.0.1:PORT`, for `endpoint` / `AWS_ENDPOINT_URL_IAM`. */
  url: string;
  port: number;
  /** The 12-digit account ID. */
  account: string;
  /** Stops accepting connections and resolves once in-flight requests have been answered. */
  close(): Promise<void>;
  /** A deep copy of the account state (JSON-safe), for tests. */
  snapshot(): unknown;
  /** Requests received so far, including faulted ones. */
  requestCount(): number;
}

export async function startSandbox(opts: SandboxOptions): Promise<SandboxHandle> {
  const faults = new FaultInjector(resolveFaults(opts.faults));
  const sandbox = new Sandbox(new Account(openAccount(opts)), faults, opts.statePath ? new StateFile(opts.statePath) : undefined, opts.log);
  if (opts.statePath) writeStateFile(opts.statePath, sandbox.account.data);

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
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    account: sandbox.account.id,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        sandbox.closing = true;
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive connections would otherwise hold close() open until the client drops them.
        server.closeIdleConnections();
      });
      return closing;
    },
    snapshot: () => structuredClone(sandbox.account.data),
    requestCount: () => sandbox.requests,
  };
}

/** The saved state when there is one, else the account the seed describes. */
function openAccount(opts: SandboxOptions): AccountData {
  const saved = opts.statePath === undefined ? undefined : readStateFile(opts.statePath);
  if (saved) return saved;
  if (typeof opts.seed === 'string') return accountFromSeed(readSeedFile(opts.seed), opts.seed);
  return accountFromSeed(opts.seed ?? DEFAULT_SEED, opts.seed ? 'given in the options' : 'DEFAULT_SEED');
}

interface Outcome {
  status: number;
  body: string;
  /** Why the answer is not the operation's own (an injected fault, an internal error): for the log only. */
  note?: string;
}

class Sandbox {
  requests = 0;
  /** Once set, each answer ends its keep-alive connection, so close() does not wait on clients. */
  closing = false;

  constructor(
    readonly account: Account,
    private readonly faults: FaultInjector,
    private readonly stateFile: StateFile | undefined,
    private readonly log: ((line: string) => void) | undefined,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.requests++;
    const started = performance.now();
    const requestId = randomUUID();
    // Decided on arrival, in arrival order, so a seeded run faults the same requests every time.
    const fault = this.faults.decide();
    let action = '-';
    let user = '-';
    let status: number | 'dropped';
    let note: string | undefined;
    try {
      const params = await readParams(request);
      action = params.string('Action') ?? '-';
      user = params.string('UserName') ?? '-';
      if (this.faults.options.latencyMs > 0) await sleep(this.faults.options.latencyMs);
      if (fault === 'drop') {
        request.socket.destroy();
        status = 'dropped';
      } else {
        const outcome = await this.answer(params, requestId, fault);
        response.writeHead(outcome.status, {
          'Content-Type': 'text/xml',
          'Content-Length': Buffer.byteLength(outcome.body),
          'x-amzn-RequestId': requestId,
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
    this.log?.(logLine(action, user, status, performance.now() - started, note));
  }

  private async answer(params: QueryParams, requestId: string, fault: Fault | undefined): Promise<Outcome> {
    const version = params.string('Version');
    const namespace = version === STS_VERSION ? STS_NAMESPACE : IAM_NAMESPACE;
    const action = params.string('Action');
    try {
      if (fault === 'throttle') throw new IamError('Throttling', 'Rate exceeded');
      if (fault === 'failure') throw new IamError('ServiceFailure', SERVICE_FAILURE_MESSAGE);
      if (action === undefined) throw new IamError('MissingAction', 'Missing Action');
      const operation = OPERATIONS.get(version ?? IAM_VERSION)?.get(action);
      if (!operation) throw new IamError('InvalidAction', `Could not find operation ${action} for version ${version ?? ''}`);
      const result = await this.run(operation, params);
      return { status: 200, body: renderResponse(namespace, action, result, requestId) };
    } catch (thrown) {
      const known = thrown instanceof IamError;
      const error = known ? thrown : new IamError('ServiceFailure', SERVICE_FAILURE_MESSAGE);
      const note = fault ? `injected ${fault}` : known ? undefined : `internal error: ${(thrown as Error).message}`;
      return { status: error.status, body: renderError(namespace, error, requestId), note };
    }
  }

  private async run(operation: Operation, params: QueryParams) {
    // A caller deleted from the account has credentials IAM no longer honours.
    if (!this.account.findUser(this.account.data.caller)) {
      throw new IamError('InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    const result = await operation.run({ account: this.account, params, now: new Date() });
    // Saved before the answer goes out, so every success is on disk for the next process. Should the write
    // itself fail, the call answers ServiceFailure and the change reaches the file with the next successful write.
    if (operation.mutates) await this.stateFile?.save(this.account.data);
    return result;
  }
}

async function readParams(request: IncomingMessage): Promise<QueryParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  // GET requests (curl, a browser) carry the same parameters in the query string.
  for (const [key, value] of new URL(request.url ?? '/', 'http://sandbox').searchParams) form.append(key, value);
  return new QueryParams(form);
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
