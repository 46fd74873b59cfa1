/**
 * The one pagination loop. AWS list calls page with a token (IAM's `Marker` while `IsTruncated`, the newer
 * services' `NextToken`); an endpoint that repeats a token, or never stops, would loop forever and grow memory
 * without end. This loop refuses both, and yields page by page so a caller can fold each page into what it keeps
 * and let the page go.
 */
import { grouped } from './count.js';

/** Why a pagination was refused. Invariant: the message names the call, never a token's value. */
export class PaginationError extends Error {
  override readonly name = 'PaginationError';
  constructor(
    readonly kind: 'repeated-token' | 'too-many-pages' | 'too-many-items' | 'missing-token',
    message: string,
  ) {
    super(message);
  }
}

/**
 * No AWS list iampass reads needs more: IAM answers up to 1,000 users a page and an account holds at most
 * 5,000; an organization's accounts come 20 a page. A list that needs more pages is a loop, not data.
 */
export const DEFAULT_MAX_PAGES = 1_000;

export interface PaginateOptions<P> {
  /** The call, for messages: `ListUsers`. */
  operation: string;
  /** Fetches one page: the first with `undefined`, then with the token the previous page gave. */
  fetch: (token: string | undefined) => Promise<P>;
  /**
   * The token of the next page, or `undefined` when this page was the last. Throw `PaginationError` with kind
   * `missing-token` when the page says there is more but gives no token (`missingToken` helps).
   */
  next: (page: P) => string | undefined;
  /** Default `DEFAULT_MAX_PAGES`. */
  maxPages?: number;
  /** With `maxItems`: counts what a page holds, so a list can be refused once it is absurdly long. */
  count?: (page: P) => number;
  /** The most items all pages together may hold, and what they are, for the message: `{ limit: 50_000, noun: 'users' }`. */
  maxItems?: { limit: number; noun: string; why: string };
}

/** Yields each page in order. Empty pages that carry a token are followed (newer AWS services send them). */
export async function* paginate<P>(options: PaginateOptions<P>): AsyncGenerator<P, void, undefined> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  // Every token seen so far: a token seen twice means the pages would repeat for ever. At most `maxPages` of them.
  const seen = new Set<string>();
  let token: string | undefined;
  let items = 0;
  for (let page = 1; ; page++) {
    const result = await options.fetch(token);
    if (options.count && options.maxItems) {
      items += options.count(result);
      if (items > options.maxItems.limit) {
        const { limit, noun, why } = options.maxItems;
        throw new PaginationError('too-many-items', `${options.operation}: refused a list of over ${grouped(limit)} ${noun} (${why})`);
      }
    }
    yield result;
    const next = options.next(result);
    if (next === undefined) return;
    if (seen.has(next)) {
      throw new PaginationError('repeated-token', `${options.operation}: the endpoint gave a page token it had already given (page ${page}); the pages would repeat for ever`);
    }
    if (page >= maxPages) {
      throw new PaginationError('too-many-pages', `${options.operation}: stopped after ${grouped(maxPages)} pages; the endpoint kept saying there were more`);
    }
    seen.add(next);
    token = next;
  }
}

/** `next` for IAM's style: a `Marker` while `IsTruncated`. A truncated page without a marker is refused. */
export function iamNext(operation: string) {
  return (page: { IsTruncated?: boolean; Marker?: string }): string | undefined => {
    if (!page.IsTruncated) return undefined;
    if (page.Marker === undefined || page.Marker === '') {
      throw new PaginationError('missing-token', `${operation}: the endpoint said the list was truncated but gave no Marker to continue from`);
    }
    return page.Marker;
  };
}

/** `next` for the `NextToken` style: the token until there is none (an empty string also ends the list). */
export function nextTokenNext(page: { NextToken?: string | null }): string | undefined {
  return page.NextToken ? page.NextToken : undefined;
}
