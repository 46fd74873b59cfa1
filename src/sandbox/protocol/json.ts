/**
 * The awsJson1.1 protocol (Organizations, CloudTrail): a POST whose `X-Amz-Target` header names
 * `<prefix>.<Operation>`, a JSON body in and out, errors as `{"__type": code, "Message"|"message": text}` with a
 * 4xx/5xx status. Timestamps travel as epoch seconds. Also the NextToken paging both services share.
 */
import { createHash } from 'node:crypto';
import type { Principal } from '../identity.js';
import type { SandboxState } from '../state.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** An error answered as AWS JSON; `fields` are extra members of the error shape (Organizations' `Reason`). */
export class JsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** `messageKey` is the member name the service's model uses (Organizations `Message`, CloudTrail `message`). */
export function renderJsonError(error: JsonError, messageKey: 'Message' | 'message'): string {
  return JSON.stringify({ __type: error.code, [messageKey]: error.message, ...error.fields });
}

/** What a JSON operation sees: the signer (already resolved and allowed), the whole sandbox, and the parsed body. */
export interface JsonContext {
  readonly caller: Principal;
  readonly state: SandboxState;
  readonly input: Record<string, unknown>;
  readonly now: Date;
  /** Whether this list call should answer an empty page (the empty-page fault). */
  readonly emptyPage: () => boolean;
  /** Takes one LookupEvents token for the account, or answers false when its rate is spent. */
  readonly lookupAllowed: (account: string) => boolean;
}

/** One JSON action: reads the sandbox and answers the output shape, or throws a `JsonError`; never changes state. */
export interface JsonOperation {
  run(context: JsonContext): Record<string, unknown>;
}

/** One JSON service: how its requests are recognised and how it words the errors every service can answer. */
export interface JsonService {
  readonly name: string;
  /** `X-Amz-Target` prefixes it answers to: the SDK for JavaScript sends the short one, botocore the long one. */
  readonly targetPrefixes: readonly string[];
  readonly messageKey: 'Message' | 'message';
  readonly operations: ReadonlyMap<string, JsonOperation>;
  /** The answer to a throttled request (the rate fault). */
  throttled(): JsonError;
  /** The answer to an injected or unexpected server-side failure. */
  failed(): JsonError;
}

/** Epoch seconds, as awsJson timestamps are sent. */
export function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** Where the next page starts; `afterEmpty` marks a token handed out with an empty page, so no two come in a row. */
export interface Cursor {
  offset: number;
  afterEmpty: boolean;
  /** For a list that only grows at its end (CloudTrail's events): how many items it had at the first page. */
  size?: number;
}

/**
 * A token binds its cursor to `scope` (the operation and the parameters that select the items), so a token
 * replayed against another parent or filter is refused, as AWS refuses it.
 */
export function encodeCursor(scope: string, cursor: Cursor): string {
  const body = { s: scopeHash(scope), o: cursor.offset, e: cursor.afterEmpty ? 1 : 0, ...(cursor.size === undefined ? {} : { n: cursor.size }) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The cursor in `token`, or `undefined` when it is not a token this scope issued. */
export function decodeCursor(token: string, scope: string): Cursor | undefined {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown; e?: unknown; n?: unknown };
    if (body.s !== scopeHash(scope) || !Number.isInteger(body.o) || (body.o as number) < 0) return undefined;
    if (body.n !== undefined && !Number.isInteger(body.n)) return undefined;
    return { offset: body.o as number, afterEmpty: body.e === 1, ...(body.n === undefined ? {} : { size: body.n as number }) };
  } catch {
    return undefined;
  }
}

function scopeHash(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 12);
}

/**
 * One page of `items` from `cursor`. With the empty-page fault, a page may be empty and still carry a NextToken
 * (never twice in a row), and the last page may carry a token that leads to one more, empty, page: the shapes
 * AWS documents ("always check NextToken, even if you receive an empty result set").
 */
export function pageFrom<T>(items: readonly T[], cursor: Cursor, maxResults: number, scope: string, emptyPage: () => boolean): { items: T[]; nextToken?: string } {
  const token = (offset: number, afterEmpty: boolean) => encodeCursor(scope, { offset, afterEmpty, ...(cursor.size === undefined ? {} : { size: cursor.size }) });
  if (!cursor.afterEmpty && emptyPage()) return { items: [], nextToken: token(cursor.offset, true) };
  if (cursor.offset >= items.length) return { items: [] };
  const page = items.slice(cursor.offset, cursor.offset + maxResults);
  const next = cursor.offset + page.length;
  if (next < items.length || emptyPage()) return { items: page, nextToken: token(next, false) };
  return { items: page };
}
