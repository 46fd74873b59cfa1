/**
 * What iampass asks of CloudTrail, in its own types: LookupEvents, one page at a time. The only implementation that
 * talks to AWS is `cloudtrail-aws.ts` (loaded only when a drift has items to attribute). Every method paces itself
 * to CloudTrail's limit, retries throttling and transient failures, and throws `IamError` for anything else.
 */

/** One LookupEvents request: one attribute (CloudTrail takes at most one), a time range, a page. */
export interface LookupRequest {
  attribute: { key: 'EventName' | 'ResourceName' | 'Username'; value: string };
  /** ISO 8601. */
  startTime: string;
  endTime: string;
  /** 1-50. */
  maxResults: number;
  nextToken?: string;
}

/** An event as LookupEvents lists it; `cloudTrailEvent` is the full record, a JSON string, decoded elsewhere. */
export interface RawTrailEvent {
  eventId: string;
  eventName: string;
  /** ISO 8601. */
  eventTime: string;
  username: string | null;
  cloudTrailEvent: string | null;
}

export interface LookupPage {
  events: RawTrailEvent[];
  /** `null` on the last page. */
  nextToken: string | null;
}

export interface CloudTrailGateway {
  lookupEvents(request: LookupRequest): Promise<LookupPage>;
}

/** LookupEvents' own limit: 2 requests per second per account and region. */
export const LOOKUP_EVENTS_PER_SECOND = 2;

/**
 * Where IAM's events are recorded: IAM is global, and CloudTrail logs it in its partition's home region only
 * (us-east-1 in the aws partition).
 */
export function iamEventsRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region.startsWith('cn-')) return 'cn-north-1';
  return 'us-east-1';
}

/** Codes that mean "no permission": the same answer for every query, so iampass stops asking. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'OperationNotPermittedException', 'NotAuthorized']);

export function isDenied(code: string): boolean {
  return DENIED.has(code);
}
