/**
 * CloudTrail LookupEvents over the events the sandbox recorded in the caller's account: newest first, one lookup
 * attribute at most, a 90-day window, MaxResults 1-50 (default 50), NextToken paging that new events do not
 * disturb, and AWS's 2 requests per second per account (ThrottlingException) unless that limit is turned off.
 */
import { decodeCursor, epochSeconds, JsonError, pageFrom, type JsonContext, type JsonOperation, type JsonService } from '../protocol/json.js';
import type { EventData } from '../state.js';

export const CLOUDTRAIL_TARGET = 'CloudTrail_20131101';

/** How far back LookupEvents sees. */
export const LOOKUP_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;

const ATTRIBUTES: Record<string, (event: EventData, value: string) => boolean> = {
  EventId: (event, value) => event.eventId === value,
  EventName: (event, value) => event.eventName === value,
  ReadOnly: (event, value) => String(event.readOnly) === value,
  Username: (event, value) => event.username === value,
  ResourceType: (event, value) => event.resources.some((resource) => resource.type === value),
  ResourceName: (event, value) => event.resources.some((resource) => resource.name === value),
  EventSource: (event, value) => event.eventSource === value,
  AccessKeyId: (event, value) => event.accessKeyId === value,
};

function lookupAttribute(input: Record<string, unknown>): ((event: EventData) => boolean) | undefined {
  const list = input.LookupAttributes;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new JsonError('InvalidLookupAttributesException', 'LookupAttributes must be a list.');
  if (list.length === 0) return undefined;
  if (list.length > 1) throw new JsonError('InvalidLookupAttributesException', 'You can specify only one lookup attribute.');
  const { AttributeKey: key, AttributeValue: value } = (list[0] ?? {}) as { AttributeKey?: unknown; AttributeValue?: unknown };
  const matches = typeof key === 'string' ? ATTRIBUTES[key] : undefined;
  if (!matches) throw new JsonError('InvalidLookupAttributesException', `AttributeKey must be one of ${Object.keys(ATTRIBUTES).join(', ')}.`);
  if (typeof value !== 'string' || value.length < 1 || value.length > 2000) {
    throw new JsonError('InvalidLookupAttributesException', 'AttributeValue must be 1-2000 characters.');
  }
  if (key === 'ReadOnly' && value !== 'true' && value !== 'false') throw new JsonError('InvalidLookupAttributesException', 'The ReadOnly attribute value must be true or false.');
  return (event) => matches(event, value);
}

/** Epoch seconds (what the SDK sends) or ISO text; `undefined` when absent. */
function timeOf(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new JsonError('InvalidTimeRangeException', `${member} is not a valid timestamp.`);
  return ms;
}

function eventJson(event: EventData): Record<string, unknown> {
  return {
    EventId: event.eventId,
    EventName: event.eventName,
    ReadOnly: String(event.readOnly),
    ...(event.accessKeyId === null ? {} : { AccessKeyId: event.accessKeyId }),
    EventTime: epochSeconds(event.eventTime),
    EventSource: event.eventSource,
    ...(event.username === null ? {} : { Username: event.username }),
    Resources: event.resources.map((resource) => ({ ResourceType: resource.type, ResourceName: resource.name })),
    CloudTrailEvent: JSON.stringify(event.record),
  };
}

export const LookupEvents: JsonOperation = {
  run(context: JsonContext) {
    const { input, caller, now } = context;
    const matches = lookupAttribute(input);
    const start = timeOf(input.StartTime, 'StartTime');
    const end = timeOf(input.EndTime, 'EndTime');
    if (start !== undefined && end !== undefined && start > end) throw new JsonError('InvalidTimeRangeException', 'Start time must be earlier than end time.');
    const max = input.MaxResults;
    if (max !== undefined && max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50)) {
      throw new JsonError('InvalidMaxResultsException', 'MaxResults must be a whole number from 1 to 50.');
    }
    const category = input.EventCategory;
    if (category !== undefined && category !== null && category !== 'insight') throw new JsonError('InvalidEventCategoryException', 'EventCategory must be insight.');
    // Checked after the input, as the service front end would: a malformed request does not spend a token.
    if (!context.lookupAllowed(caller.account.id)) throw new JsonError('ThrottlingException', 'Rate exceeded');

    const events = caller.account.data.events;
    const scope = `LookupEvents:${caller.account.id}:${JSON.stringify([input.LookupAttributes ?? null, input.StartTime ?? null, input.EndTime ?? null, category ?? null])}`;
    const token = input.NextToken;
    let cursor = { offset: 0, afterEmpty: false, size: events.length };
    if (token !== undefined && token !== null) {
      const decoded = typeof token === 'string' ? decodeCursor(token, scope) : undefined;
      if (!decoded || decoded.size === undefined || decoded.size > events.length) throw new JsonError('InvalidNextTokenException', 'Invalid NextToken.');
      cursor = { ...decoded, size: decoded.size };
    }
    // Only events that existed at the first page, so events recorded while paging neither repeat nor shift pages.
    const from = Math.max(start ?? 0, now.getTime() - LOOKUP_WINDOW_MS);
    const to = Math.min(end ?? Number.POSITIVE_INFINITY, now.getTime());
    const selected: EventData[] = [];
    if (category !== 'insight') {
      for (let i = cursor.size - 1; i >= 0; i--) {
        const event = events[i]!;
        const time = Date.parse(event.eventTime);
        if (time >= from && time <= to && (!matches || matches(event))) selected.push(event);
      }
    }
    selected.sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0));
    const page = pageFrom(selected, cursor, typeof max === 'number' ? max : 50, scope, context.emptyPage);
    return { Events: page.items.map(eventJson), ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) };
  },
};

export const CLOUDTRAIL: JsonService = {
  name: 'cloudtrail',
  targetPrefixes: [CLOUDTRAIL_TARGET, `com.amazonaws.cloudtrail.v20131101.${CLOUDTRAIL_TARGET}`],
  messageKey: 'message',
  operations: new Map(Object.entries({ LookupEvents })),
  throttled: () => new JsonError('ThrottlingException', 'Rate exceeded'),
  failed: () => new JsonError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500),
};
