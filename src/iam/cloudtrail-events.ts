/**
 * CloudTrail records decoded into `ChangeEvent`s at the adapter boundary, so nothing beyond `src/iam` reads
 * CloudTrail's JSON. A record is whatever the caller's request made it: strings are cut to a sane length and
 * stripped of control characters here (a user agent is chosen by whoever made the call); renderers escape the rest.
 */
import { isTrackedEvent, type Actor, type ChangeEvent } from '../model/attribution.js';
import type { RawTrailEvent } from './cloudtrail.js';

const MAX_TEXT = 512;

/** A string from a record, safe to print: `null` when absent or not a string. */
function text(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  // eslint-disable-next-line no-control-regex -- the point is to remove control characters
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}…` : clean;
}

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});

/** `null` for an event iampass does not track; an unreadable record still yields what LookupEvents listed. */
export function decodeChangeEvent(raw: RawTrailEvent): ChangeEvent | null {
  if (!isTrackedEvent(raw.eventName)) return null;
  let record: Json = {};
  try {
    record = object(raw.cloudTrailEvent === null ? {} : JSON.parse(raw.cloudTrailEvent));
  } catch {
    record = {};
  }
  const actor = actorOf(object(record.userIdentity), raw.username);
  const parameters = object(record.requestParameters);
  const onProfile = raw.eventName.endsWith('LoginProfile');
  // A profile call without userName acts on the calling IAM user itself.
  const targetUser = onProfile ? (text(parameters.userName) ?? (actor.type === 'IAMUser' ? actor.name : null)) : null;
  const eventTime = text(record.eventTime);
  return {
    eventId: raw.eventId,
    eventName: raw.eventName,
    eventTime: eventTime !== null && !Number.isNaN(Date.parse(eventTime)) ? new Date(Date.parse(eventTime)).toISOString() : raw.eventTime,
    targetUser,
    passwordResetRequired: typeof parameters.passwordResetRequired === 'boolean' ? parameters.passwordResetRequired : null,
    actor,
    sourceIp: text(record.sourceIPAddress),
    userAgent: text(record.userAgent),
    errorCode: text(record.errorCode),
  };
}

function actorOf(identity: Json, username: string | null): Actor {
  const type = text(identity.type) ?? 'Unknown';
  const arn = text(identity.arn);
  const context = object(identity.sessionContext);
  const issuer = object(context.sessionIssuer);
  const role = type === 'AssumedRole';
  return {
    type,
    arn,
    name: role ? text(issuer.userName) : (text(identity.userName) ?? (type === 'IAMUser' ? text(username) : null)),
    roleArn: role ? text(issuer.arn) : null,
    // assumed-role ARNs end in /ROLE/SESSION; LookupEvents' Username is the session name too.
    sessionName: role ? (text(arn?.split('/').at(-1)) ?? text(username)) : null,
    sourceIdentity: text(context.sourceIdentity) ?? text(identity.sourceIdentity),
    accessKeyId: text(identity.accessKeyId),
  };
}
