/**
 * Who changed what iampass governs, in iampass's own shapes: CloudTrail management events (decoded at the adapter,
 * `src/iam/cloudtrail-events.ts`) and a drift item's attribution (decided by the pure `src/plan/attribution.ts`).
 */

/**
 * The IAM calls that change a login profile or the password policy. IAM is global: CloudTrail records them in
 * us-east-1 only (in the aws partition), which is where they are looked up.
 */
export const TRACKED_EVENTS = [
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'DeleteLoginProfile',
  'UpdateAccountPasswordPolicy',
  'DeleteAccountPasswordPolicy',
] as const;
export type TrackedEvent = (typeof TRACKED_EVENTS)[number];

export function isTrackedEvent(name: string): name is TrackedEvent {
  return (TRACKED_EVENTS as readonly string[]).includes(name);
}

/**
 * Who made a call, from CloudTrail's `userIdentity`. Every string is as CloudTrail recorded it, with control
 * characters removed: a user agent or session name is chosen by the caller, so renderers still escape them.
 */
export interface Actor {
  /** `IAMUser`, `AssumedRole`, `Root`, `FederatedUser`, `AWSService`, ... */
  type: string;
  /** The caller's ARN; for a role session, the session's `assumed-role` ARN. */
  arn: string | null;
  /** An IAM user's name, or a role session's role name. */
  name: string | null;
  /** For a role session: the role's own ARN (the session issuer). */
  roleArn: string | null;
  /** For a role session: the name the session was given when the role was assumed. */
  sessionName: string | null;
  /** `sts:SourceIdentity`, when the session carries one: the person behind a chain of roles. */
  sourceIdentity: string | null;
  accessKeyId: string | null;
}

/** One call that changed a login profile or the password policy (or tried to: see `errorCode`). */
export interface ChangeEvent {
  eventId: string;
  eventName: TrackedEvent;
  /** ISO 8601. */
  eventTime: string;
  /**
   * The user whose login profile the call acted on: `requestParameters.userName`, or the caller itself for a call
   * without one (IAM then acts on the calling user). `null` for the password policy.
   */
  targetUser: string | null;
  /** `requestParameters.passwordResetRequired`, when the call sent it. */
  passwordResetRequired: boolean | null;
  actor: Actor;
  sourceIp: string | null;
  userAgent: string | null;
  /** Set when IAM refused the call: CloudTrail records failed calls too, and they changed nothing. */
  errorCode: string | null;
}

/**
 * A drift item's attribution. `found`: the latest recorded call that left the live value as it is. `not-found`:
 * CloudTrail was read and holds no such call within what was searched (its 90 days, or the pages iampass reads).
 * `unavailable`: CloudTrail could not be read (no permission, an error); the reason says which.
 */
export type Attribution =
  | {
      status: 'found';
      eventName: TrackedEvent;
      eventTime: string;
      eventId: string;
      actor: Actor;
      sourceIp: string | null;
      userAgent: string | null;
      /** The iampass version when the call was iampass's own (its user agent says `iampass/<version>`), else `null`. */
      iampass: string | null;
    }
  | { status: 'not-found' | 'unavailable'; reason: string };

/** How attribution went for the whole report: what it cost and what it covered, in one sentence for people. */
export interface AttributionSummary {
  /** LookupEvents calls made (pages and retries included). */
  calls: number;
  /** ISO 8601: the earliest time searched (CloudTrail keeps 90 days). */
  since: string;
  note: string;
}
