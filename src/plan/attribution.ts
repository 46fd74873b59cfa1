/**
 * Who made each drifted item what it is, from CloudTrail events: pure. It plans the fewest LookupEvents queries that
 * can find the calls (LookupEvents takes one attribute per query), decides when a query has read enough, and
 * matches each item to the latest call that left its live value as it is.
 *
 * An item's live value was set by one kind of call: a console password that exists by CreateLoginProfile, one that
 * does not by DeleteLoginProfile, a pending reset by Create or UpdateLoginProfile with PasswordResetRequired, a
 * custom policy (or one of its fields: the call always sends the whole policy) by UpdateAccountPasswordPolicy, the
 * AWS default by DeleteAccountPasswordPolicy. Calls that failed changed nothing and never match.
 */
import type { Attribution, AttributionSummary, ChangeEvent, TrackedEvent } from '../model/attribution.js';
import type { DriftItem, DriftReport } from './drift.js';

/** CloudTrail's event history reaches back this far. */
export const LOOKUP_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;
/** IAM's CreateDate and CloudTrail's eventTime of the same call differ by moments; this allows for clock skew. */
const CREATION_SLACK_MS = 10 * 60_000;

export type LookupAttribute = { key: 'EventName'; value: TrackedEvent } | { key: 'ResourceName'; value: string };

/** One LookupEvents query, paged newest first. Invariant: `serves` are addresses of items it can attribute. */
export interface LookupQuery {
  attribute: LookupAttribute;
  /** ISO 8601. */
  startTime: string;
  endTime: string;
  serves: string[];
}

/** How one query went: pages read, whether it reached its end, and why it stopped early if it failed. */
export interface LookupOutcome {
  query: LookupQuery;
  pages: number;
  /** True when the last page had no NextToken, or every item it serves was settled. */
  complete: boolean;
  /** IAM's or CloudTrail's refusal, worded for a person; `denied`: a permission problem (the same for every query). */
  error: { message: string; denied: boolean } | null;
}

export function neededEvents(item: DriftItem): TrackedEvent[] {
  switch (item.kind) {
    case 'policy-field':
      return ['UpdateAccountPasswordPolicy'];
    case 'policy':
      return [item.live === null ? 'DeleteAccountPasswordPolicy' : 'UpdateAccountPasswordPolicy'];
    case 'console':
      return [item.live ? 'CreateLoginProfile' : 'DeleteLoginProfile'];
    case 'pending-reset':
      return ['CreateLoginProfile', 'UpdateLoginProfile'];
    case 'password':
      // A rotation not yet done, or a password nobody could confirm: the last call that set the password.
      return ['CreateLoginProfile', 'UpdateLoginProfile'];
  }
}

/** The earliest an attributing call can be: the current login profile's creation, when the item has one. */
function earliestMs(item: DriftItem): number | null {
  if ((item.kind === 'console' && item.live) || item.kind === 'pending-reset') {
    return item.loginProfileCreated ? Date.parse(item.loginProfileCreated) - CREATION_SLACK_MS : null;
  }
  return null;
}

const userOf = (item: DriftItem): string | null => (item.kind === 'console' || item.kind === 'pending-reset' || item.kind === 'password' ? item.user : null);

/**
 * The fewest queries that cover every item: one per event name the policy items need; for user items, one per
 * user (ResourceName) when there are fewer users than event names they need, else one per event name (which
 * covers every user at once). Ties go to event names, the attribute CloudTrail indexes for every event.
 */
export function planLookups(items: readonly DriftItem[], checkedAt: string): LookupQuery[] {
  const end = Date.parse(checkedAt);
  const floor = end - LOOKUP_WINDOW_DAYS * DAY_MS;
  const window = (served: readonly DriftItem[]) => {
    const bounds = served.map(earliestMs);
    const start = bounds.some((b) => b === null) ? floor : Math.max(floor, Math.min(...(bounds as number[])));
    return { startTime: new Date(Math.min(start, end)).toISOString(), endTime: checkedAt };
  };
  const byEvent = (served: readonly DriftItem[]): LookupQuery[] => {
    const names = [...new Set(served.flatMap(neededEvents))];
    return names.map((name) => {
      const these = served.filter((i) => neededEvents(i).includes(name));
      return { attribute: { key: 'EventName', value: name }, ...window(these), serves: these.map((i) => i.address) };
    });
  };
  const policyItems = items.filter((i) => userOf(i) === null);
  const userItems = items.filter((i) => userOf(i) !== null);
  const users = [...new Set(userItems.map((i) => userOf(i) as string))];
  const userEventNames = new Set(userItems.flatMap(neededEvents));
  const perUser = users.length < userEventNames.size;
  const userQueries = perUser
    ? users.map((user): LookupQuery => {
        const these = userItems.filter((i) => userOf(i) === user);
        return { attribute: { key: 'ResourceName', value: user }, ...window(these), serves: these.map((i) => i.address) };
      })
    : byEvent(userItems);
  return [...byEvent(policyItems), ...userQueries];
}

/** Whether `event` is a call that can have left `item`'s live value as it is. */
export function matches(item: DriftItem, event: ChangeEvent): boolean {
  if (event.errorCode !== null || !neededEvents(item).includes(event.eventName)) return false;
  const user = userOf(item);
  if (user !== null && event.targetUser !== user) return false;
  const earliest = earliestMs(item);
  if (earliest !== null && Date.parse(event.eventTime) < earliest) return false;
  if (item.kind === 'pending-reset') {
    // CreateLoginProfile without the parameter creates no pending reset; UpdateLoginProfile without it leaves the flag.
    const reset = event.passwordResetRequired ?? (event.eventName === 'CreateLoginProfile' ? false : null);
    return reset === item.live;
  }
  return true;
}

/** Every item the query serves has a match among `events`: newer pages than these cannot change the answer. */
export function isSettled(query: LookupQuery, items: readonly DriftItem[], events: readonly ChangeEvent[]): boolean {
  const served = items.filter((i) => query.serves.includes(i.address));
  return served.every((item) => events.some((e) => matches(item, e)));
}

/** `iampass/0.1.0` in a user agent: the call was iampass's own. */
export function iampassVersion(userAgent: string | null): string | null {
  const match = userAgent === null ? null : /(?:^|\s)iampass\/([0-9A-Za-z.+-]+)/.exec(userAgent);
  return match ? (match[1] as string) : null;
}

/** The latest matching call per item, or why there is none; and a summary of what was searched. */
export function attribute(report: DriftReport, outcomes: readonly LookupOutcome[], events: readonly ChangeEvent[], calls: number): DriftReport {
  const newestFirst = [...events].sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime) || (a.eventId < b.eventId ? -1 : 1));
  const items = report.items.map((item) => ({ ...item, attribution: attributionOf(item, outcomes, newestFirst) }));
  return { ...report, items, attribution: summaryOf(items, outcomes, calls, report.checkedAt) };
}

function attributionOf(item: DriftItem, outcomes: readonly LookupOutcome[], newestFirst: readonly ChangeEvent[]): Attribution {
  const event = newestFirst.find((e) => matches(item, e));
  if (event) {
    return {
      status: 'found',
      eventName: event.eventName,
      eventTime: event.eventTime,
      eventId: event.eventId,
      actor: event.actor,
      sourceIp: event.sourceIp,
      userAgent: event.userAgent,
      iampass: iampassVersion(event.userAgent),
    };
  }
  const serving = outcomes.filter((o) => o.query.serves.includes(item.address));
  const failed = serving.find((o) => o.error !== null);
  if (failed?.error) return { status: 'unavailable', reason: failed.error.message };
  const names = neededEvents(item).join(' or ');
  const subject = userOf(item) === null ? 'the password policy' : `user ${userOf(item)}`;
  const cut = serving.find((o) => !o.complete);
  if (cut) {
    return { status: 'not-found', reason: `no ${names} call for ${subject} in the newest ${cut.pages} page${cut.pages === 1 ? '' : 's'} of CloudTrail events iampass reads` };
  }
  const since = serving.map((o) => o.query.startTime).sort()[0] ?? '';
  const created = item.kind === 'console' || item.kind === 'pending-reset' ? item.loginProfileCreated : null;
  const before = created !== null && Date.parse(created) < Date.parse(since) - CREATION_SLACK_MS;
  return {
    status: 'not-found',
    reason: before
      ? `the login profile was created ${created}, before CloudTrail's ${LOOKUP_WINDOW_DAYS} days of history`
      : `no ${names} call for ${subject} in CloudTrail since ${since}`,
  };
}

function summaryOf(items: readonly DriftItem[], outcomes: readonly LookupOutcome[], calls: number, checkedAt: string): AttributionSummary {
  const since = outcomes.map((o) => o.query.startTime).sort()[0] ?? new Date(Date.parse(checkedAt) - LOOKUP_WINDOW_DAYS * DAY_MS).toISOString();
  const denied = outcomes.find((o) => o.error?.denied);
  const found = items.filter((i) => i.attribution?.status === 'found').length;
  const call = `${calls} LookupEvents call${calls === 1 ? '' : 's'}`;
  if (denied?.error) {
    return { calls, since, note: `Who changed each item is unknown: CloudTrail refused LookupEvents (${denied.error.message}); allow cloudtrail:LookupEvents to see it.` };
  }
  const failed = outcomes.find((o) => o.error !== null)?.error;
  return {
    calls,
    since,
    note: `Attributed ${found} of ${items.length} drifted item${items.length === 1 ? '' : 's'} from CloudTrail (${call}, events since ${since.slice(0, 10)})${failed ? `; CloudTrail failed: ${failed.message}` : ''}.`,
  };
}
