import { describe, expect, it } from 'vitest';
import { collectTokenPages, PaginationError, tokenPages } from '../../src/util/next-token-pages.js';

interface Page {
  Items?: number[];
  NextToken?: string | null;
}

/** A fake endpoint answering from a script of pages keyed by the token asked with ('' for the first). */
function endpoint(script: Record<string, Page>) {
  const asked: Array<string | undefined> = [];
  return {
    asked,
    fetch: async (token: string | undefined) => {
      asked.push(token);
      const page = script[token ?? ''];
      if (!page) throw new Error(`asked for an unknown token ${token}`);
      return page;
    },
  };
}

describe('NextToken pagination', () => {
  it('follows tokens to the last page and gathers every item in order', async () => {
    const e = endpoint({ '': { Items: [1, 2], NextToken: 'a' }, a: { Items: [3], NextToken: 'b' }, b: { Items: [4] } });
    expect(await collectTokenPages({ operation: 'ListAccounts', fetch: e.fetch }, (p) => p.Items)).toEqual([1, 2, 3, 4]);
    expect(e.asked).toEqual([undefined, 'a', 'b']);
  });

  it('keeps going past an empty page that carries a token, as AWS documents', async () => {
    const e = endpoint({ '': { Items: [], NextToken: 'a' }, a: { NextToken: 'b' }, b: { Items: [7], NextToken: null } });
    expect(await collectTokenPages({ operation: 'ListChildren', fetch: e.fetch }, (p) => p.Items)).toEqual([7]);
  });

  it('treats an empty-string token as the end of the list', async () => {
    const e = endpoint({ '': { Items: [1], NextToken: '' } });
    expect(await collectTokenPages({ operation: 'ListRoots', fetch: e.fetch }, (p) => p.Items)).toEqual([1]);
  });

  it('refuses a token the endpoint already gave, naming the call and the page but not the token', async () => {
    const e = endpoint({ '': { Items: [1], NextToken: 'secret-token' }, 'secret-token': { Items: [2], NextToken: 'secret-token' } });
    const error = await collectTokenPages({ operation: 'ListAccounts', fetch: e.fetch }, (p) => p.Items).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).kind).toBe('repeated-token');
    expect((error as Error).message).toContain('ListAccounts');
    expect((error as Error).message).toContain('page 2');
    expect((error as Error).message).not.toContain('secret-token');
  });

  it('stops at the page bound when every page claims there is more', async () => {
    let n = 0;
    const pages = tokenPages<Page>({ operation: 'ListAccounts', maxPages: 5, fetch: async () => ({ Items: [n], NextToken: `t${++n}` }) });
    const seen: Page[] = [];
    const error = await (async () => {
      for await (const page of pages) seen.push(page);
    })().catch((x: unknown) => x);
    expect((error as PaginationError).kind).toBe('too-many-pages');
    expect(seen).toHaveLength(5);
  });
});
