/**
 * How iampass builds AWS SDK v3 clients (IAM and STS now; Organizations and CloudTrail take the same settings):
 * one transport per run, shared by every client; the SDK's own retries off (iampass retries itself, see
 * retry.ts); the middleware stack resolved once per command class rather than once per call; each call's
 * deadline carried from its input to the transport; and, for IAM, the fast readers of `fast-replies.ts`.
 */
import { IamError, toIamError } from './errors.js';
import { FAST_OPERATIONS, readError, readOutput } from './fast-replies.js';
import { speedUpSigner, type SdkSigner } from './http/sigv4.js';
import { CALL_DEADLINE, type Transport } from './http/transport.js';
import { getSmithyContext, HttpResponse, toEndpointV1 } from './sdk.js';
import type { CredentialsProvider } from './sdk-options.js';

export interface ClientSettings {
  region: string;
  profile?: string;
  /** Signs every call instead of the default chain (an assumed role's credentials, in an organization run). */
  credentials?: CredentialsProvider;
  /** An endpoint override; absent, the SDK picks AWS's endpoint for the region's partition. */
  endpoint?: string;
  transport: Transport;
  /** Product and version appended to every call's user agent (`iampass/0.1.0`): CloudTrail records it. */
  userAgent?: readonly [string, string];
  logger?: { trace(): void; debug(): void; info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
}

/** The constructor settings for any SDK v3 client. */
export function clientConfig(settings: ClientSettings) {
  return {
    region: settings.region,
    ...(settings.credentials ? { credentials: settings.credentials } : settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.userAgent ? { customUserAgent: [[settings.userAgent[0], settings.userAgent[1]] as [string, string]] } : {}),
    requestHandler: settings.transport,
    // Retries are iampass's own (see retry.ts): one SDK attempt per call.
    maxAttempts: 1,
    // Resolving the middleware stack costs about a quarter of a millisecond a call; once per command class is enough,
    // as iampass never adds middleware to a single command.
    cacheMiddleware: true,
  };
}

/** The arguments a middleware passes on; `request` exists from the serialize step on. */
interface MiddlewareArgs {
  input: object;
  request?: unknown;
}
type Handler = (args: MiddlewareArgs) => Promise<unknown>;

/** What `tuneClient` needs of a client: its middleware stack, its user agent, and its protocol for fast readers. */
export interface TunableClient {
  middlewareStack: { add(middleware: (next: Handler, context: object) => Handler, options: Record<string, unknown>): void };
  config: {
    protocol?: unknown;
    defaultUserAgentProvider?: () => Promise<ReadonlyArray<readonly [string, string?]>>;
    /** iampass's own product token (`iampass/0.1.0`), appended after the SDK's sections. */
    customUserAgent?: ReadonlyArray<readonly [string, string?]>;
    signer?: unknown;
  };
}

/**
 * Makes a client iampass's: the SDK's retry middleware replaced by a pass-through (it would only count one attempt
 * and add headers), the call deadline carried to the transport, and, with `fastReplies`, the readers of
 * `fast-replies.ts` in front of the SDK's deserializer.
 */
export function tuneClient<C extends TunableClient>(client: C, options: { fastReplies?: boolean } = {}): C {
  client.middlewareStack.add((next) => (args) => next(args), {
    name: 'retryMiddleware',
    step: 'finalizeRequest',
    tags: ['RETRY'],
    priority: 'high',
    override: true,
  });
  replaceUserAgent(client);
  reuseSigner(client);
  if (client.config.protocol) leanSerde(client as TunableClient & { config: SerdeConfig });
  // The SDK's version reads the environment on every call; what it looks for (a Lambda function's trace id) is
  // fixed for the life of the process.
  const traceId = process.env.AWS_LAMBDA_FUNCTION_NAME ? process.env._X_AMZN_TRACE_ID : undefined;
  client.middlewareStack.add(
    (next) => (args) => {
      if (traceId) setHeader(args.request, 'X-Amzn-Trace-Id', traceId);
      return next(args);
    },
    { name: 'recursionDetectionMiddleware', step: 'build', tags: ['RECURSION_DETECTION'], priority: 'low', override: true },
  );
  // Innermost, after signing: the request it passes on is the one the transport receives.
  client.middlewareStack.add(
    (next) => (args) => {
      const deadline = (args.input as { [CALL_DEADLINE]?: number })[CALL_DEADLINE];
      if (deadline !== undefined) (args.request as { [CALL_DEADLINE]?: number })[CALL_DEADLINE] = deadline;
      return next(args);
    },
    { name: 'iampassCallDeadline', step: 'deserialize', priority: 'low' },
  );
  if (options.fastReplies && client.config.protocol) installFastReplies(client.config.protocol as QueryProtocol);
  return client;
}

/** The part of a client's configuration the (de)serializer middlewares read. */
interface SerdeConfig {
  protocol: {
    serializeRequest(operation: Operation, input: object, context: object): Promise<unknown>;
    deserializeResponse(operation: Operation, context: object, response: unknown): Promise<unknown>;
  };
  endpoint?: unknown;
}

interface Operation {
  name: string;
  namespace: string;
  traits: unknown;
  input: unknown;
  output: unknown;
}

type SmithyContext = { operationSchema?: readonly unknown[] };

/**
 * The SDK's schema (de)serializer middlewares, with one difference: they pass the protocol the client
 * configuration merged with the call's context, and the SDK builds that as a copy of the whole configuration (over
 * a hundred properties) twice a call. Here the configuration is the merged object's prototype, so only the
 * context's few properties are copied. The protocols only read from it. Everything else is as the SDK does it,
 * except what a reply that cannot be read becomes (see `decorate`).
 */
function leanSerde(client: TunableClient & { config: SerdeConfig }): void {
  const { config } = client;
  const merged = (context: object, extra?: object) => Object.assign(Object.create(config) as object, context, extra);
  const operationOf = (context: object): Operation => {
    const [, namespace, name, traits, input, output] = (getSmithyContext(context as never) as SmithyContext).operationSchema ?? [];
    return { name: name as string, namespace: namespace as string, traits, input, output };
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const endpointV2 = (context as { endpointV2?: Parameters<typeof toEndpointV1>[0] }).endpointV2;
      const endpoint = endpointV2 ? async () => toEndpointV1(endpointV2) : config.endpoint;
      const request = await config.protocol.serializeRequest(operationOf(context), args.input, merged(context, { endpoint }));
      return next({ ...args, request });
    },
    { name: 'serializerMiddleware', step: 'serialize', tags: ['SERIALIZER'], override: true },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const { response } = (await next(args)) as { response: unknown };
      try {
        return { response, output: await config.protocol.deserializeResponse(operationOf(context), merged(context), response) };
      } catch (error) {
        throw decorate(error, response, context, operationOf(context).name);
      }
    },
    { name: 'deserializerMiddleware', step: 'deserialize', tags: ['DESERIALIZER'], override: true },
  );
}

/**
 * An AWS error (it has `$metadata`) gets the raw response attached, as the SDK does. Anything else is a reply that
 * could not be read: it becomes an error naming the call, where the SDK would say "Deserialization error" with
 * text from the body in the message (a tag name, a stray character), which a message must never carry.
 */
function decorate(error: unknown, response: unknown, context: object, operation: string): unknown {
  if (typeof error !== 'object' || error === null) return error;
  if ('$metadata' in error || error instanceof Error === false || !HttpResponse.isInstance(response)) {
    Object.defineProperty(error, '$response', { value: response, enumerable: false, writable: false, configurable: false });
    return error;
  }
  const service = ((context as { clientName?: string }).clientName ?? 'AWS').replace(/Client$/, '');
  const body = response.body as Uint8Array | undefined;
  const size = body instanceof Uint8Array ? `, ${body.byteLength} bytes` : '';
  const requestId = response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id'];
  const failure = new IamError('UnexpectedReply', `${service} answered ${operation} with a ${response.statusCode} that could not be read as a ${operation}Response${size ? ` (${size.slice(2)})` : ''}`, response.statusCode, requestId);
  failure.fix = `check that the endpoint is an AWS ${service} endpoint; a proxy may be answering instead`;
  return Object.assign(failure, { $metadata: { httpStatusCode: response.statusCode, requestId } });
}

/**
 * The SDK's default `signer` builds a new SigV4 signer, copying the whole client configuration, on every call, so
 * the signer's cache of derived signing keys never lives past one request: four HMACs and a large object copy a
 * call. One signer per auth scheme (in practice one per client) is enough; it still reads the credentials through
 * the client's provider on every call, so refreshed credentials are used as before.
 */
function reuseSigner(client: TunableClient): void {
  const make = client.config.signer;
  if (typeof make !== 'function') return;
  const signers = new Map<string, Promise<unknown>>();
  client.config.signer = (authScheme?: { name?: string; signingRegion?: string; signingName?: string }) => {
    const key = `${authScheme?.name ?? ''}|${authScheme?.signingRegion ?? ''}|${authScheme?.signingName ?? ''}`;
    let signer = signers.get(key);
    if (signer === undefined) {
      signer = Promise.resolve((make as (scheme: unknown) => unknown)(authScheme)).then((made) => {
        if (isSdkSigner(made)) speedUpSigner(made);
        return made;
      });
      // A signer that could not be made is not kept: the next call tries again.
      signer.catch(() => signers.delete(key));
      signers.set(key, signer);
    }
    return signer;
  };
}

export function isSdkSigner(value: unknown): value is SdkSigner {
  const v = value as Partial<SdkSigner> | null;
  return typeof v?.signRequest === 'function' && typeof v.credentialProvider === 'function' && typeof v.regionProvider === 'function' && typeof v.service === 'string';
}

/**
 * The SDK builds its user agent on every call (reading the OS release and the environment each time); it never
 * changes within a run, so it is built once per client. Same sections as the SDK's, without per-call feature flags.
 */
function replaceUserAgent(client: TunableClient): void {
  const provider = client.config.defaultUserAgentProvider;
  if (!provider) return;
  let userAgent: Promise<{ full: string; sdk: string }> | undefined;
  const build = async () => {
    const sections = [...(await provider()), ...(client.config.customUserAgent ?? [])].map(([name, version]) => {
      const cleanName = name.replace(/[^!$%&'*+\-.^_`|~\w/]/g, '-');
      const cleanVersion = version?.replace(/[^!$%&'*+\-.^_`|~\w#]/g, '-');
      if (cleanVersion === undefined || cleanVersion === '') return cleanName;
      return cleanName.includes('/') ? `${cleanName}#${cleanVersion}` : `${cleanName}/${cleanVersion}`;
    });
    return { full: [...sections, 'app/iampass'].join(' '), sdk: sections.filter((x) => x.startsWith('aws-sdk-')).join(' ') };
  };
  client.middlewareStack.add(
    (next) => async (args) => {
      const { full, sdk } = await (userAgent ??= build());
      setHeader(args.request, 'user-agent', full);
      setHeader(args.request, 'x-amz-user-agent', sdk);
      return next(args);
    },
    { name: 'getUserAgentMiddleware', step: 'build', tags: ['SET_USER_AGENT', 'USER_AGENT'], priority: 'low', override: true },
  );
}

function setHeader(request: unknown, name: string, value: string): void {
  const headers = (request as { headers?: Record<string, string> } | undefined)?.headers;
  if (headers) headers[name] = value;
}

/** Marks a command's input with the time its call must be over by; the transport holds each attempt to it. */
export function withCallDeadline<C extends { input: object }>(command: C, deadlineAt: number): C {
  (command.input as { [CALL_DEADLINE]?: number })[CALL_DEADLINE] = deadlineAt;
  return command;
}

/** The part of the SDK's `AwsQueryProtocol` the fast readers sit in front of. */
interface QueryProtocol {
  deserializeResponse(operation: { name: string }, context: unknown, response: ResponseLike): Promise<unknown>;
  deserializeMetadata(response: ResponseLike): { httpStatusCode?: number; requestId?: string };
}

interface ResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

function installFastReplies(protocol: QueryProtocol): void {
  const sdk = protocol.deserializeResponse.bind(protocol);
  protocol.deserializeResponse = async (operation, context, response) => {
    const name = operation.name.slice(operation.name.indexOf('#') + 1);
    if (FAST_OPERATIONS.has(name) && response.body instanceof Uint8Array) {
      const text = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString('utf8');
      if (response.statusCode >= 200 && response.statusCode < 300) {
        const output = readOutput(name, text);
        if (output !== undefined) return { ...output, $metadata: protocol.deserializeMetadata(response) };
      } else if (response.statusCode === 404) {
        const error = readError(text);
        // The one error a plan meets thousands of times: a user without a password.
        if (error?.code === 'NoSuchEntity') throw noSuchEntity(error.message, protocol.deserializeMetadata(response));
      }
    }
    return sdk(operation, context, response);
  };
}

/** The `IamError` `toIamError` makes of the SDK's `NoSuchEntityException` for the same reply. */
export function noSuchEntity(message: string, $metadata: { httpStatusCode?: number; requestId?: string }): IamError {
  const error = toIamError({ name: 'NoSuchEntityException', message, $metadata });
  // The SDK's deserializer middleware decorates errors without `$metadata` (and rewrites their message).
  return Object.assign(error, { $metadata });
}
