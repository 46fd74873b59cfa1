/**
 * The `NextToken` pagination loop of the newer AWS services (Organizations, STS-era JSON APIs). Such a service may
 * answer an empty page that still carries a token (keep going), and a faulty endpoint may repeat a token or never
 * stop (refuse, instead of looping for ever and growing memory without end). Pages are yielded one at a time, so a
 * caller folds each into what it keeps.
 *
 * This is the NextToken variant only, with the contract of `src/util/paginate.ts` on the transport branch (same
 * refusals, same page bound): when that module reaches main, `paginate({ ..., next: nextTokenNext })` replaces it.
 */

/** Why a listing was refused. Invariant: the message names the call and the page, never a token's value. */
export class PaginationError extends Error {
  override readonly name = 'PaginationError';
  constructor(
    readonly kind: 'repeated-token' | 'too-many-pages',
    message: string,
  ) {
    super(message);
  }
}

/**
 * No list iampass reads from these services needs more: an organization's accounts come 20 a page and AWS caps an
 * organization at a few thousand accounts. A list that needs more pages is a loop, not data.
 */
export const MAX_TOKEN_PAGES = 1_000;

export interface TokenPagesOptions<P> {
  /** The call, for messages: `ListAccounts`. */
  operation: string;
  /** One page: the first with `undefined`, then with the token the previous page gave. */
  fetch: (token: string | undefined) => Promise<P>;
  /** Default `MAX_TOKEN_PAGES`. */
  maxPages?: number;
}

/** Yields every page in order; an empty page with a token is followed, an absent or empty token ends the list. */
export async function* tokenPages<P extends { NextToken?: string | null | undefined }>(options: TokenPagesOptions<P>): AsyncGenerator<P, void, undefined> {
  const maxPages = options.maxPages ?? MAX_TOKEN_PAGES;
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const result = await options.fetch(token);
    yield result;
    const next = result.NextToken ? result.NextToken : undefined;
    if (next === undefined) return;
    if (seen.has(next)) {
      throw new PaginationError('repeated-token', `${options.operation}: the endpoint gave a page token it had already given (page ${page}); the pages would repeat for ever`);
    }
    if (page >= maxPages) {
      throw new PaginationError('too-many-pages', `${options.operation}: stopped after ${maxPages.toLocaleString('en-US')} pages; the endpoint kept saying there were more`);
    }
    seen.add(next);
    token = next;
  }
}

/** Every item of every page, through `tokenPages`. */
export async function collectTokenPages<P extends { NextToken?: string | null | undefined }, T>(
  options: TokenPagesOptions<P>,
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of tokenPages(options)) out.push(...(items(page) ?? []));
  return out;
}
