/**
 * CloudTrail records: built for every successful write the sandbox serves (and for historic events a seed
 * describes), in the shape CloudTrail logs management events. A record never holds a password: request
 * parameters named like one are left out, as CloudTrail leaves them out.
 */
import { randomUUID } from 'node:crypto';
import { principalArn, principalId, type Principal } from './identity.js';
import type { EventData } from './state.js';

/** Who made the call, as CloudTrail's `userIdentity` describes it. */
export type EventIdentity =
  | { type: 'IAMUser'; accountId: string; principalId: string; arn: string; accessKeyId: string; userName: string }
  | {
      type: 'AssumedRole';
      accountId: string;
      principalId: string;
      arn: string;
      accessKeyId: string;
      sessionName: string;
      sessionIssued: string;
      sourceIdentity: string | null;
      role: { id: string; arn: string; name: string };
    };

/** What one event needs: who, what, when, from where; IDs default to fresh UUIDs (seeds pass derived ones). */
export interface EventInput {
  identity: EventIdentity;
  eventName: string;
  eventSource: string;
  eventTime: string;
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, unknown> | null;
  readOnly: boolean;
  /** Default: a fresh UUID. */
  requestId?: string;
  eventId?: string;
}

/** Parameters CloudTrail never records. Compared in lower case. */
const SECRET_PARAMETERS = new Set(['password', 'newpassword', 'oldpassword']);

/** Request parameters sent as numbers; the Query protocol sends everything as text. */
const NUMERIC_PARAMETERS = new Set(['MinimumPasswordLength', 'MaxPasswordAge', 'PasswordReusePrevention', 'MaxItems', 'DurationSeconds']);

const UNSAFE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

export function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETERS.has(name.toLowerCase());
}

export function identityOf(principal: Principal): EventIdentity {
  const common = { accountId: principal.account.id, principalId: principalId(principal), arn: principalArn(principal), accessKeyId: principal.accessKeyId };
  if (principal.kind === 'user') return { type: 'IAMUser', ...common, userName: principal.user.name };
  const { role, session } = principal;
  return {
    type: 'AssumedRole',
    ...common,
    sessionName: session.sessionName,
    sessionIssued: session.issued,
    sourceIdentity: session.sourceIdentity,
    role: { id: role.id, arn: principal.account.roleArn(role), name: role.name },
  };
}

export function buildEvent(input: EventInput): EventData {
  const { identity } = input;
  const eventId = input.eventId ?? randomUUID();
  const record: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: userIdentityRecord(identity),
    eventTime: input.eventTime,
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: input.sourceIPAddress,
    userAgent: input.userAgent,
    requestParameters: input.requestParameters,
    responseElements: null,
    requestID: input.requestId ?? randomUUID(),
    eventID: eventId,
    readOnly: input.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: identity.accountId,
    eventCategory: 'Management',
  };
  return {
    eventId,
    eventTime: input.eventTime,
    eventName: input.eventName,
    eventSource: input.eventSource,
    readOnly: input.readOnly,
    username: identity.type === 'IAMUser' ? identity.userName : identity.sessionName,
    accessKeyId: identity.accessKeyId === '' ? null : identity.accessKeyId,
    resources: resourcesOf(input.requestParameters, identity),
    record,
  };
}

function userIdentityRecord(identity: EventIdentity): Record<string, unknown> {
  const common = { type: identity.type, principalId: identity.principalId, arn: identity.arn, accountId: identity.accountId, accessKeyId: identity.accessKeyId };
  if (identity.type === 'IAMUser') return { ...common, userName: identity.userName };
  return {
    ...common,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: identity.role.id, arn: identity.role.arn, accountId: identity.accountId, userName: identity.role.name },
      attributes: { creationDate: identity.sessionIssued, mfaAuthenticated: 'false' },
      ...(identity.sourceIdentity === null ? {} : { sourceIdentity: identity.sourceIdentity }),
    },
  };
}

/**
 * The resources LookupEvents lists for an IAM call: the user it names (or, for a self-targeting call, the
 * IAM user who made it) and the access key it names.
 */
function resourcesOf(parameters: Record<string, unknown> | null, identity: EventIdentity): EventData['resources'] {
  const resources: EventData['resources'] = [];
  const userName = parameters?.userName;
  if (typeof userName === 'string') resources.push({ type: 'AWS::IAM::User', name: userName });
  const accessKeyId = parameters?.accessKeyId;
  if (typeof accessKeyId === 'string') resources.push({ type: 'AWS::IAM::AccessKey', name: accessKeyId });
  if (resources.length === 0 && parameters !== null && identity.type === 'IAMUser' && SELF_TARGETING_KEYS.some((key) => key in parameters)) {
    resources.push({ type: 'AWS::IAM::User', name: identity.userName });
  }
  return resources;
}

const SELF_TARGETING_KEYS = ['passwordResetRequired', 'status', 'serialNumber'];

/**
 * A Query request's parameters as CloudTrail records them: lowerCamelCase names, `X.member.N.Y` as lists of
 * objects, booleans and numbers typed, and never a secret. `null` when nothing but Action and Version was sent.
 */
export function requestParametersOf(entries: Iterable<[string, string]>): Record<string, unknown> | null {
  const parameters: Record<string, unknown> = {};
  let any = false;
  for (const [key, raw] of entries) {
    if (key === 'Action' || key === 'Version' || key.startsWith('X-Amz-')) continue;
    const segments = key.split('.');
    // A secret is left out; so is a name that would reach Object.prototype (`__proto__.x=1`).
    if (segments.some((segment) => isSecretParameter(segment) || UNSAFE_NAMES.has(segment.charAt(0).toLowerCase() + segment.slice(1)))) continue;
    any = true;
    const leaf = segments.at(-1)!;
    const value = raw === 'true' ? true : raw === 'false' ? false : NUMERIC_PARAMETERS.has(leaf) && /^\d+$/.test(raw) ? Number(raw) : raw;
    place(parameters, pathOf(segments), value);
  }
  return any ? parameters : null;
}

/** `Tags.member.2.Key` -> `['tags', 1, 'key']`. */
function pathOf(segments: readonly string[]): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const index = segments[i + 1];
    if (segment === 'member' && index !== undefined && /^[1-9]\d*$/.test(index)) {
      path.push(Number(index) - 1);
      i++;
    } else {
      path.push(segment.charAt(0).toLowerCase() + segment.slice(1));
    }
  }
  return path;
}

function place(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path.at(-1)!] = value;
}
