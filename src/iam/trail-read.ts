/**
 * Runs planned LookupEvents queries: newest first, page by page, until every item a query serves is settled, the
 * query runs out of pages, or it reaches `maxPages` (a busy account's history is long; the bound keeps the cost of a
 * drift run small and known). A failure ends all queries: CloudTrail's refusals (no permission, an endpoint that
 * does not serve it, throttling past every retry) are the account's, so the next query would get the same answer.
 */
import type { ChangeEvent } from '../model/attribution.js';
import { isSettled, type LookupOutcome, type LookupQuery } from '../plan/attribution.js';
import type { DriftItem } from '../plan/drift.js';
import { decodeChangeEvent } from './cloudtrail-events.js';
import { isDenied, type CloudTrailGateway } from './cloudtrail.js';
import { IamError } from './errors.js';

export interface TrailReadOptions {
  /** Pages per query at most (50 events each). Default 5. */
  maxPages?: number;
  /** Checked between calls: once true, no new call starts and the remaining queries are not run. */
  aborted?: () => boolean;
}

export const DEFAULT_MAX_PAGES = 5;
const PAGE_SIZE = 50;

export async function runLookups(
  gateway: CloudTrailGateway,
  queries: readonly LookupQuery[],
  items: readonly DriftItem[],
  options: TrailReadOptions = {},
): Promise<{ outcomes: LookupOutcome[]; events: ChangeEvent[] }> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const shouldStop = options.aborted ?? (() => false);
  const outcomes: LookupOutcome[] = [];
  const events: ChangeEvent[] = [];
  let failed: LookupOutcome['error'] = null;
  for (const query of queries) {
    if (failed !== null || shouldStop()) {
      outcomes.push({ query, pages: 0, complete: false, error: failed ?? { message: 'interrupted before this query', denied: false } });
      continue;
    }
    const outcome = await runQuery(gateway, query, items, maxPages, shouldStop, events);
    failed = outcome.error;
    outcomes.push(outcome);
  }
  return { outcomes, events };
}

async function runQuery(
  gateway: CloudTrailGateway,
  query: LookupQuery,
  items: readonly DriftItem[],
  maxPages: number,
  shouldStop: () => boolean,
  into: ChangeEvent[],
): Promise<LookupOutcome> {
  const found: ChangeEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  for (;;) {
    if (shouldStop()) return { query, pages, complete: false, error: { message: 'interrupted', denied: false } };
    try {
      const page = await gateway.lookupEvents({
        attribute: query.attribute,
        startTime: query.startTime,
        endTime: query.endTime,
        maxResults: PAGE_SIZE,
        ...(nextToken ? { nextToken } : {}),
      });
      pages += 1;
      for (const raw of page.events) {
        const event = decodeChangeEvent(raw);
        if (event) found.push(event);
      }
      into.push(...found.splice(0));
      if (isSettled(query, items, into) || page.nextToken === null) return { query, pages, complete: true, error: null };
      if (pages >= maxPages) return { query, pages, complete: false, error: null };
      nextToken = page.nextToken;
    } catch (error) {
      if (!(error instanceof IamError)) throw error;
      // The SDK's messages can run to several lines (a deserialisation hint): the first says what happened.
      const message = error.message.split('\n')[0]?.trim() ?? '';
      return { query, pages, complete: false, error: { message: `LookupEvents: ${error.code}: ${message}`, denied: isDenied(error.code) } };
    }
  }
}
