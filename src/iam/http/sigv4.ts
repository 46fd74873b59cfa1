/**
 * Signature Version 4 for the requests iampass sends thousands of times (a POST to `/` with a form or JSON body, no
 * query), computed as the SDK's `SignatureV4.signRequest` computes it, with its signing key derived once per day,
 * region, service and credentials instead of looked up through an HMAC of the credentials on every call, and with
 * node:crypto called directly. Any other request is signed by the SDK's own code. `test/iam/sigv4.test.ts` checks
 * both produce the same headers for the same request and time.
 */
import * as crypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';
import type { HttpRequest } from '@smithy/core/protocols';
import { HttpRequest as SdkHttpRequest } from '../sdk.js';

/** The parts of the SDK's `SignatureV4` this reads. */
export interface SdkSigner {
  service: string;
  applyChecksum: boolean;
  credentialProvider: () => Promise<Credentials>;
  regionProvider: () => Promise<string>;
  signRequest(request: HttpRequest, options?: SignOptions): Promise<HttpRequest>;
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignOptions {
  signingDate?: Date;
  signingRegion?: string;
  signingService?: string;
  signableHeaders?: Set<string>;
  unsignableHeaders?: Set<string>;
}

/** The SDK's `ALWAYS_UNSIGNABLE_HEADERS`. */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);
/** Headers the signer writes, removed from the request first (the SDK's `GENERATED_HEADERS`). */
const GENERATED = new Set(['authorization', 'x-amz-date', 'date']);
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** One-shot `crypto.hash` (Node 20.12+) skips building a Hash object; older Nodes build one. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;
const sha256Hex = (data: string | Uint8Array): string => (oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex'));

/** Replaces `signer.signRequest` with the fast path for simple requests, keeping the SDK's for the rest. */
export function speedUpSigner(signer: SdkSigner): void {
  const sdkSignRequest = signer.signRequest.bind(signer);
  const keys = new WeakMap<Credentials, Map<string, Buffer>>();
  signer.signRequest = async (request, options = {}) => {
    if (!isSimple(request, options)) return sdkSignRequest(request, options);
    const credentials = await signer.credentialProvider();
    if (typeof credentials?.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') return sdkSignRequest(request, options);
    const region = options.signingRegion ?? (await signer.regionProvider());
    return signSimple(request, credentials, region, options.signingService || signer.service, options.signingDate ?? new Date(), signer.applyChecksum, keys);
  };
}

/** A POST-like request to `/` with no query, a string or byte body, and no header lists to honour. */
function isSimple(request: HttpRequest, options: SignOptions): boolean {
  if (options.signableHeaders || options.unsignableHeaders) return false;
  if (request.path !== '/') return false;
  for (const _ in request.query ?? {}) return false;
  const body: unknown = request.body;
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
}

function signSimple(
  original: HttpRequest,
  credentials: Credentials,
  region: string,
  service: string,
  date: Date,
  applyChecksum: boolean,
  keys: WeakMap<Credentials, Map<string, Buffer>>,
): HttpRequest {
  const request = SdkHttpRequest.clone(original);
  for (const name of Object.keys(request.headers)) if (GENERATED.has(name.toLowerCase())) delete request.headers[name];
  // `2026-12-01T10:11:12.123Z` -> `20261201T101112Z`
  const iso = date.toISOString();
  const longDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const shortDate = longDate.slice(0, 8);
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  request.headers['x-amz-date'] = longDate;
  if (credentials.sessionToken) request.headers['x-amz-security-token'] = credentials.sessionToken;
  const payloadHash = payloadHashOf(request);
  if (applyChecksum && !hasHeader(request.headers, 'x-amz-content-sha256')) request.headers['x-amz-content-sha256'] = payloadHash;
  const canonical = canonicalHeaders(request.headers);
  const names = [...canonical.keys()].sort();
  const canonicalRequest = `${request.method}\n/\n\n${names.map((n) => `${n}:${canonical.get(n) as string}`).join('\n')}\n\n${names.join(';')}\n${payloadHash}`;
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', signingKey(credentials, shortDate, region, service, keys)).update(stringToSign).digest('hex');
  request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return request;
}

function payloadHashOf(request: HttpRequest): string {
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'x-amz-content-sha256') return request.headers[name] as string;
  }
  const body = request.body as string | Uint8Array | undefined | null;
  if (body === undefined || body === null) return EMPTY_SHA256;
  return sha256Hex(body);
}

function hasHeader(headers: Record<string, string>, lower: string): boolean {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === lower) return true;
  return false;
}

/** The SDK's `getCanonicalHeaders`: lower-case names, signable ones only, values with whitespace folded. */
function canonicalHeaders(headers: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(headers).sort()) {
    const value = headers[name];
    if (value === undefined || value === null) continue;
    const lower = name.toLowerCase();
    if (UNSIGNABLE.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) continue;
    const text = String(value);
    // Most values need no folding: test once before three replaces.
    out.set(lower, /[\r\n\t]| {2}|^ | $/.test(text) ? text.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '') : text);
  }
  return out;
}

/** `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`, once per day and scope. */
function signingKey(credentials: Credentials, shortDate: string, region: string, service: string, keys: WeakMap<Credentials, Map<string, Buffer>>): Buffer {
  let byScope = keys.get(credentials);
  if (byScope === undefined) {
    byScope = new Map();
    keys.set(credentials, byScope);
  }
  const scope = `${shortDate}/${region}/${service}`;
  let key = byScope.get(scope);
  if (key === undefined) {
    key = Buffer.from(`AWS4${credentials.secretAccessKey}`, 'utf8');
    for (const part of [shortDate, region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    // A long run crosses midnight UTC: keep only the current day's keys.
    if (byScope.size >= 8) byScope.clear();
    byScope.set(scope, key);
  }
  return key;
}

/** What `prepareFormSigner` signs: a POST to `/` whose headers other than length and time never change. */
export interface FormSigner {
  /**
   * The headers to send `body` with (the fixed ones, `content-length`, `x-amz-date`, the session token and payload
   * hash where the signer sets them, `authorization`), signed as the SDK's `SignatureV4` would sign that request.
   */
  sign(body: string, date: Date): Promise<Record<string, string>>;
}

/**
 * A signer for a run of form POSTs to `/` that differ only in body and time (per-user reads): the fixed headers'
 * canonical form is computed once; each call hashes its body, fills in its length and time, and signs. Same output as
 * `signSimple` for the same request (test/iam/sigv4.test.ts holds both to the SDK's). Credentials are read through
 * the signer's provider on every call, so refreshed ones are used.
 */
export function prepareFormSigner(signer: SdkSigner, fixed: Readonly<Record<string, string>>, region: string, service: string): FormSigner {
  const keys = new WeakMap<Credentials, Map<string, Buffer>>();
  const fixedHeaders: Record<string, string> = {};
  for (const name of Object.keys(fixed)) {
    const lower = name.toLowerCase();
    // What the signer writes, and what is filled in per call, never comes from the fixed set.
    if (GENERATED.has(lower) || lower === 'content-length' || lower === 'x-amz-security-token' || lower === 'x-amz-content-sha256') continue;
    fixedHeaders[name] = fixed[name] as string;
  }
  const fixedCanonical = canonicalHeaders(fixedHeaders);
  // `null` marks a header filled in per call; the names sorted once, as the canonical request lists them.
  const slots = new Map<string, string | null>(fixedCanonical);
  for (const name of ['content-length', 'x-amz-date', ...(signer.applyChecksum ? ['x-amz-content-sha256'] : [])]) slots.set(name, null);
  const withToken = new Map(slots).set('x-amz-security-token', null);
  const layouts = [slots, withToken].map((map) => {
    const names = [...map.keys()].sort();
    return { names, signed: names.join(';'), values: names.map((n) => map.get(n) ?? null) };
  });
  // The request's time, as `x-amz-date` and as the scope's day: worked out again only when the second changes.
  let second = Number.NaN;
  let longDate = '';
  let shortDate = '';
  return {
    async sign(body, date) {
      const credentials = await signer.credentialProvider();
      const now = Math.floor(date.getTime() / 1000);
      if (now !== second) {
        const iso = date.toISOString();
        second = now;
        longDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
        shortDate = longDate.slice(0, 8);
      }
      const payloadHash = sha256Hex(body);
      const token = credentials.sessionToken;
      const headers: Record<string, string> = Object.assign({}, fixedHeaders);
      headers['content-length'] = String(Buffer.byteLength(body));
      headers['x-amz-date'] = longDate;
      if (token) headers['x-amz-security-token'] = token;
      if (signer.applyChecksum) headers['x-amz-content-sha256'] = payloadHash;
      const layout = layouts[token ? 1 : 0] as (typeof layouts)[number];
      let canonical = '';
      for (let i = 0; i < layout.names.length; i++) {
        const name = layout.names[i] as string;
        canonical += `${name}:${layout.values[i] ?? foldWhitespace(headers[name] as string)}\n`;
      }
      const scope = `${shortDate}/${region}/${service}/aws4_request`;
      const canonicalRequest = `POST\n/\n\n${canonical}\n${layout.signed}\n${payloadHash}`;
      const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
      const signature = createHmac('sha256', signingKey(credentials, shortDate, region, service, keys)).update(stringToSign).digest('hex');
      headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${layout.signed}, Signature=${signature}`;
      return headers;
    },
  };
}

/** A header value as the canonical request holds it (see `canonicalHeaders`). */
function foldWhitespace(text: string): string {
  return /[\r\n\t]| {2}|^ | $/.test(text) ? text.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '') : text;
}
