/**
 * What a signed SDK request is, read from the request itself so the transport works for any SDK v3 client: the
 * operation (`Action=` of the Query protocol, `X-Amz-Target` of the JSON protocols) and the service (the SigV4
 * credential scope).
 */

/** The parts of `@smithy/core/protocols`' `HttpRequest` the transport reads. */
export interface RequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

/** How the reply of a request must look: Query replies are XML named after the operation; JSON ones an object. */
export type WireProtocol = 'query' | 'json' | 'other';

export interface RequestInfo {
  /** `ListUsers`; `POST /` when the request names no operation. */
  operation: string;
  /** `IAM`, `STS`, `Organizations`, ...: the SigV4 signing name, as people write it. */
  service: string;
  protocol: WireProtocol;
}

const SERVICE_NAMES: Readonly<Record<string, string>> = {
  iam: 'IAM',
  sts: 'STS',
  organizations: 'Organizations',
  cloudtrail: 'CloudTrail',
};

/**
 * Set on a request by a caller that already knows what it is (the direct path of `direct-query.ts` builds thousands
 * of requests of one kind), so the transport need not read it back from the signature and the body.
 */
export const REQUEST_INFO: unique symbol = Symbol.for('iampass.requestInfo');

export function describeRequest(request: RequestLike, method = 'POST', path = '/'): RequestInfo {
  const service = serviceOf(request.headers);
  const target = header(request.headers, 'x-amz-target');
  if (target !== undefined) {
    return { operation: safeName(target.slice(target.lastIndexOf('.') + 1)) ?? `${method} ${path}`, service, protocol: 'json' };
  }
  const action = queryAction(request.body);
  if (action !== undefined) return { operation: action, service, protocol: 'query' };
  return { operation: `${method} ${path}`, service, protocol: 'other' };
}

/** Looks a header up by its lower-case name first (the SDK's own spelling), then case-insensitively. */
export function header(headers: Record<string, string | string[] | undefined>, lower: string): string | undefined {
  const direct = headers[lower];
  if (direct !== undefined) return Array.isArray(direct) ? direct.join(',') : direct;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower && v !== undefined) return Array.isArray(v) ? v.join(',') : v;
  }
  return undefined;
}

function serviceOf(headers: Record<string, string>): string {
  // `AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/iam/aws4_request, SignedHeaders=...`
  const scope = /\/([a-z0-9-]+)\/aws4_request/.exec(header(headers, 'authorization') ?? '')?.[1];
  if (scope === undefined) return 'the endpoint';
  return SERVICE_NAMES[scope] ?? scope;
}

/** The Query protocol's `Action=` form field; the SDK writes it first, but any position is accepted. */
function queryAction(body: unknown): string | undefined {
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 256)).toString('latin1') : undefined;
  if (text === undefined) return undefined;
  const match = /(?:^|&)Action=([A-Za-z0-9]+)(?:&|$)/.exec(text);
  return match?.[1];
}

function safeName(name: string): string | undefined {
  return /^[A-Za-z0-9]{1,100}$/.test(name) ? name : undefined;
}
