import { describe, expect, it } from 'vitest';
import { iamNext, nextTokenNext, paginate, PaginationError, type PaginateOptions } from '../../src/util/paginate.js';

interface Page {
  items: number[];
  token?: string;
}

async function collect<P>(options: PaginateOptions<P>): Promise<P[]> {
  const pages: P[] = [];
  for await (const page of paginate(options)) pages.push(page);
  return pages;
}

/** A listing that serves `pages` in order, keyed by the token of the previous page. */
function listing(pages: Page[]) {
  const fetched: Array<string | undefined> = [];
  return {
    fetched,
    options: {
      operation: 'ListThings',
      fetch: async (token: string | undefined) => {
        fetched.push(token);
        const index = token === undefined ? 0 : Number(token.slice(1));
        return pages[index] as Page;
      },
      next: (p: Page) => p.token,
    },
  };
}

describe('paginate', () => {
  it('follows tokens to the last page, fetching each page once, in order', async () => {
    const { options, fetched } = listing([{ items: [1, 2], token: 't1' }, { items: [3], token: 't2' }, { items: [4] }]);
    const pages = await collect(options);
    expect(pages.flatMap((p) => p.items)).toEqual([1, 2, 3, 4]);
    expect(fetched).toEqual([undefined, 't1', 't2']);
  });

  it('follows empty pages that carry a token (newer services send them)', async () => {
    const { options } = listing([{ items: [], token: 't1' }, { items: [], token: 't2' }, { items: [7] }]);
    expect((await collect(options)).flatMap((p) => p.items)).toEqual([7]);
  });

  it('yields page by page, so a caller can stop early and nothing more is fetched', async () => {
    const { options, fetched } = listing([{ items: [1], token: 't1' }, { items: [2], token: 't2' }, { items: [3] }]);
    for await (const page of paginate(options)) if (page.items[0] === 1) break;
    expect(fetched).toEqual([undefined]);
  });

  const refusals: Array<{ name: string; pages: Page[]; maxPages?: number; kind: PaginationError['kind']; message: string }> = [
    {
      name: 'a token given twice',
      pages: [{ items: [1], token: 't1' }, { items: [2], token: 't1' }],
      kind: 'repeated-token',
      message: 'ListThings: the endpoint gave a page token it had already given (page 2); the pages would repeat for ever',
    },
    {
      name: 'a cycle through several tokens',
      pages: [{ items: [1], token: 't1' }, { items: [2], token: 't2' }, { items: [3], token: 't1' }],
      kind: 'repeated-token',
      message: 'ListThings: the endpoint gave a page token it had already given (page 3); the pages would repeat for ever',
    },
    {
      name: 'more pages than the bound',
      pages: Array.from({ length: 10 }, (_, i) => ({ items: [i], token: `t${i + 1}` })),
      maxPages: 5,
      kind: 'too-many-pages',
      message: 'ListThings: stopped after 5 pages; the endpoint kept saying there were more',
    },
  ];
  it.each(refusals)('refuses $name', async ({ pages, maxPages, kind, message }) => {
    const { options } = listing(pages);
    const error = await collect({ ...options, ...(maxPages ? { maxPages } : {}) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ kind, message });
  });

  it('refuses a list longer than the stated bound, counting items across pages', async () => {
    const { options } = listing([{ items: [1, 2, 3], token: 't1' }, { items: [4, 5, 6], token: 't2' }, { items: [7] }]);
    const error = await collect({ ...options, count: (p: Page) => p.items.length, maxItems: { limit: 5, noun: 'things', why: 'an account holds at most 2' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'too-many-items', message: 'ListThings: refused a list of over 5 things (an account holds at most 2)' });
  });

  it('the default bound is 1,000 pages', async () => {
    let fetched = 0;
    const error = await collect({
      operation: 'ListUsers',
      fetch: async () => {
        fetched += 1;
        return { token: `t${fetched}` };
      },
      next: (p: { token: string }) => p.token,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'too-many-pages', message: 'ListUsers: stopped after 1,000 pages; the endpoint kept saying there were more' });
    expect(fetched).toBe(1000);
  });
});

describe('token readers', () => {
  it('IAM: a Marker while IsTruncated; a truncated page without one is refused', () => {
    const next = iamNext('ListUsers');
    expect(next({ IsTruncated: false, Marker: 'ignored' })).toBeUndefined();
    expect(next({ IsTruncated: true, Marker: 'm' })).toBe('m');
    expect(() => next({ IsTruncated: true })).toThrow('ListUsers: the endpoint said the list was truncated but gave no Marker to continue from');
  });

  it('NextToken: the token until there is none; an empty token ends the list', () => {
    expect(nextTokenNext({ NextToken: 'n' })).toBe('n');
    expect(nextTokenNext({ NextToken: '' })).toBeUndefined();
    expect(nextTokenNext({ NextToken: null })).toBeUndefined();
    expect(nextTokenNext({})).toBeUndefined();
  });
});
