/**
 * The calls a plan makes once per user (GetLoginProfile for 5,000 users is 5,000 of a plan's ~5,200 calls), sent
 * straight to the transport instead of through the SDK's middleware stack: about a third of a millisecond of CPU a
 * call on the 2-core machine, more than everything else a plan does per user.
 *
 * Nothing about the request is decided here. The first call of the client that goes through the SDK and is answered
 * with a 2xx is watched as it leaves (after signing): where it went (protocol, host, port, path), the headers the
 * SDK set that do not change from call to call (content type, user agent, host), the API version, and how it was
 * signed (the auth scheme and signing region and name the SDK resolved for the endpoint). A direct call repeats
 * that with another `Action` and parameters, signed by the client's own signer (so refreshed credentials and its
 * clock-skew correction are used as for any SDK call), and goes through the same transport, so every deadline, size
 * limit and reply check holds as before. Until a call has been watched, and for anything the direct path does not
 * handle, calls go through the SDK.
 *
 * Replies: a 2xx is read by the fast readers of `fast-replies.ts`; an error document becomes the error the SDK
 * would have thrown (code, message, status, request id), which `toIamError` turns into an `IamError` as before.
 * A reply the fast readers decline (they read the documents IAM sends, exactly, and nothing looser) is asked again
 * through the SDK, which reads anything AWS may send: only reads are sent directly, so asking twice is safe.
 */
import { readError, readOutput } from './fast-replies.js';
import { prepareFormSigner, type FormSigner } from './http/sigv4.js';
import { describeRequest, REQUEST_INFO, type RequestInfo } from './http/request-info.js';
import { CALL_DEADLINE, type Transport } from './http/transport.js';
import { isSdkSigner, noSuchEntity } from './sdk-client.js';
import { getSmithyContext, HttpRequest } from './sdk.js';

/** A flat Query parameter value: the inputs sent directly have no lists or structures. */
export type QueryValue = string | number | boolean;

/** What a watched call taught: enough to send another Query call to the same endpoint, signed the same way. */
interface Template {
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
  /** The SDK's headers minus those made per call (signature, date, token, length). */
  headers: Record<string, string>;
  version: string;
  authScheme: unknown;
  signingRegion: string | undefined;
  signingName: string | undefined;
  /** The service as messages name it (`IAM`), read from the watched call's signature. */
  service: string;
  /** Signs a body with the template's headers, made from the client's signer on the first direct call. */
  form?: FormSigner;
  /** What the transport is told each direct call is, by operation. */
  infos: Map<string, RequestInfo>;
}

/** A request the direct path sends: the fields of the SDK's `HttpRequest`, and what the transport is told of it. */
interface RequestLike {
  protocol: string;
  hostname: string;
  port: number | undefined;
  method: 'POST';
  path: string;
  query: Record<string, never>;
  headers: Record<string, string>;
  body: string;
  [CALL_DEADLINE]: number;
  [REQUEST_INFO]: RequestInfo;
}

/** The parts of a tuned client the direct path reads. */
export interface DirectClient {
  middlewareStack: { add(middleware: (next: Handler, context: object) => Handler, options: Record<string, unknown>): void };
  config: {
    signer?: unknown;
    systemClockOffset?: number;
    requestHandler?: unknown;
  };
}
type Handler = (args: { input: object; request?: unknown }) => Promise<unknown>;

/** Headers the SDK computes for each call; everything else it sets is the same for every call of the client. */
const PER_CALL = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'content-length', 'amz-sdk-invocation-id', 'amz-sdk-request', 'date']);

/** Errors after which the SDK corrects its clock offset from the reply's `Date` (its `getUpdatedSystemClockOffset`). */
const CLOCK_SKEW = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'AuthFailure']);

export interface DirectQuery {
  /**
   * `operation` with `params` (flat, in the order given), held to `deadlineAt`: the SDK-shaped output, or the
   * SDK-shaped error. `viaSdk` makes the same call through the SDK: used until a call has been watched, and for a
   * reply the fast readers decline.
   */
  send<T>(operation: string, params: Readonly<Record<string, QueryValue | undefined>>, deadlineAt: number, viaSdk: () => Promise<T>): Promise<T>;
}

/**
 * Watches `client`'s calls and sends Query reads directly once one has been watched. With `enabled: false` (the SDK's
 * log is on: `--verbose` shows every call as the SDK logs it) every call goes through the SDK.
 */
export function directQuery(client: DirectClient, options: { enabled: boolean }): DirectQuery {
  let template: Template | undefined;
  let unusable = false;
  const transport = client.config.requestHandler as Transport | undefined;
  if (options.enabled && transport && typeof transport.handle === 'function') {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (template === undefined && !unusable) template = learn(args.request, context, (result as { response?: { statusCode?: number } }).response?.statusCode);
        return result;
      },
      { name: 'iampassWatchQuery', step: 'deserialize', priority: 'low' },
    );
  }

  async function sendDirect<T>(t: Template, operation: string, params: Readonly<Record<string, QueryValue | undefined>>, deadlineAt: number, viaSdk: () => Promise<T>): Promise<T> {
    let body = `Action=${operation}&Version=${t.version}`;
    for (const name of Object.keys(params)) {
      const value = params[name];
      if (value !== undefined) body += `&${name}=${encode(String(value))}`;
    }
    if (t.form === undefined) {
      const form = await formSigner(t);
      // A client signing some other way than SigV4's `SignatureV4`: every call goes through the SDK.
      if (form === undefined) {
        unusable = true;
        template = undefined;
        return viaSdk();
      }
      t.form = form;
    }
    const headers = await t.form.sign(body, new Date(Date.now() + (client.config.systemClockOffset ?? 0)));
    let info = t.infos.get(operation);
    if (info === undefined) {
      info = { operation, service: t.service, protocol: 'query' };
      t.infos.set(operation, info);
    }
    // The request as the SDK's `HttpRequest` holds it; the transport reads nothing else.
    const signed: RequestLike = { protocol: t.protocol, hostname: t.hostname, port: t.port, method: 'POST', path: t.path, query: {}, headers, body, [CALL_DEADLINE]: deadlineAt, [REQUEST_INFO]: info };
    const { response } = await (transport as Transport).handle(signed as unknown as InstanceType<typeof HttpRequest>);
    const status = response.statusCode;
    const bytes = response.body as Uint8Array;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const $metadata = { httpStatusCode: status, requestId: response.headers['x-amzn-requestid'] ?? response.headers['x-amz-request-id'], attempts: 1, totalRetryDelay: 0 };
    if (status >= 200 && status < 300) {
      const output = readOutput(operation, text);
      if (output !== undefined) return Object.assign(output, { $metadata }) as T;
      return viaSdk();
    }
    const error = readError(text);
    if (error === undefined) return viaSdk();
    if (status === 404 && error.code === 'NoSuchEntity') throw noSuchEntity(error.message, $metadata);
    if (CLOCK_SKEW.has(error.code)) correctClock(client, response.headers.date);
    // As the SDK's Query protocol makes an unmodelled error: the code as its name, the reply's metadata.
    throw Object.assign(new Error(error.message), { name: error.code, $fault: status >= 500 ? 'server' : 'client', $metadata });
  }

  /** The client's own signer for the template's auth scheme (one per scheme: see `reuseSigner`), prepared for forms. */
  async function formSigner(t: Template): Promise<FormSigner | undefined> {
    const signer: unknown = await (client.config.signer as (scheme: unknown) => Promise<unknown>)(t.authScheme);
    if (!isSdkSigner(signer)) return undefined;
    return prepareFormSigner(signer, t.headers, t.signingRegion ?? (await signer.regionProvider()), t.signingName ?? signer.service);
  }

  return {
    send(operation, params, deadlineAt, viaSdk) {
      return template === undefined ? viaSdk() : sendDirect(template, operation, params, deadlineAt, viaSdk);
    },
  };
}

/**
 * The template of a watched call, or `undefined` when it is not one to copy: not answered with a 2xx, not a Query
 * POST with a form body, or signed with anything but SigV4 (SigV4a signs with a region set, which this does not do).
 */
function learn(request: unknown, context: object, status: number | undefined): Template | undefined {
  if (status === undefined || status < 200 || status >= 300) return undefined;
  if (!HttpRequest.isInstance(request)) return undefined;
  const r = request as InstanceType<typeof HttpRequest>;
  if (r.method !== 'POST' || r.path !== '/' || typeof r.body !== 'string' || !r.body.startsWith('Action=')) return undefined;
  for (const _ in r.query ?? {}) return undefined;
  if (r.username || r.password || r.fragment) return undefined;
  const version = /(?:^|&)Version=([^&]+)/.exec(r.body)?.[1];
  if (version === undefined) return undefined;
  const smithy = getSmithyContext(context as never) as { selectedHttpAuthScheme?: { httpAuthOption?: { schemeId?: string; signingProperties?: { signingRegion?: string; signingName?: string } } } };
  const option = smithy.selectedHttpAuthScheme?.httpAuthOption;
  if (option?.schemeId !== 'aws.auth#sigv4') return undefined;
  const authScheme = (context as { endpointV2?: { properties?: { authSchemes?: Array<{ name?: string }> } } }).endpointV2?.properties?.authSchemes?.[0];
  if (authScheme !== undefined && authScheme.name !== 'sigv4') return undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers)) if (!PER_CALL.has(name.toLowerCase())) headers[name] = value;
  return {
    protocol: r.protocol,
    hostname: r.hostname,
    port: r.port,
    path: r.path,
    headers,
    version,
    authScheme,
    signingRegion: option.signingProperties?.signingRegion,
    signingName: option.signingProperties?.signingName,
    service: describeRequest(r).service,
    infos: new Map(),
  };
}

/** The SDK's `extendedEncodeURIComponent`: also `!'()*`, which `encodeURIComponent` leaves alone. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The SDK's clock-skew correction: the offset between the server's clock (its `Date`) and this machine's. */
function correctClock(client: DirectClient, date: string | undefined): void {
  if (date === undefined) return;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return;
  const now = Date.now();
  if (Math.abs(now + (client.config.systemClockOffset ?? 0) - server) >= 300_000) client.config.systemClockOffset = server - now;
}
