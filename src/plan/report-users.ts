/**
 * The one way iampass reads the credential report into per-user facts, for `status --fast` and `drift --fast`:
 * who the report settles (a row: console on/off, last sign-in, password age, as of its generation), who it cannot
 * (no row: created after it; or no report at all), and a governed user's live state as far as the report says it.
 * Pure. The report has no reset-required column and no tags: what depends on them is not settled by it.
 */
import type { DesiredUser } from '../model/desired.js';
import type { CredentialReport, Unknown, UserCredentials } from '../model/facts.js';
import type { LiveUser } from '../model/live.js';
import { ROTATION_TAG } from '../model/plan.js';

/** Users the report cannot settle, in the order given: all of them without a report, else those it has no row for. */
export function unsettledByReport(report: CredentialReport | Unknown, names: readonly string[]): string[] {
  if ('unknown' in report) return [...names];
  return names.filter((name) => !report.users.has(name));
}

/**
 * The report's users as a listing (ListUsers' shape): name, ARN, the path read from the ARN
 * (`arn:aws:iam::ACCOUNT:user` + path + name), and the report's last sign-in. Rows whose ARN is not a user's of
 * that form are left out (they are not IAM users iampass could govern).
 */
export function listedFromReport(report: CredentialReport): ListedSubject[] {
  const out: ListedSubject[] = [];
  for (const row of report.users.values()) {
    const resource = /^arn:[\w-]+:iam::\d{12}:(user\/.*)$/.exec(row.arn)?.[1];
    if (resource === undefined || !resource.endsWith(`/${row.user}`)) continue;
    out.push({ name: row.user, arn: row.arn, path: resource.slice('user'.length, resource.length - row.user.length), passwordLastUsed: row.passwordLastUsed });
  }
  return out;
}

/** The later of two sign-in times (the report's `password_last_used` and ListUsers' `PasswordLastUsed`). */
export function lastSignIn(reported: string | null, listed: string | null): string | null {
  if (reported === null) return listed;
  if (listed === null) return reported;
  return Date.parse(reported) >= Date.parse(listed) ? reported : listed;
}

/** A governed user as listed (ListUsers), with its tags when they were read for the scope. */
export interface ListedSubject {
  name: string;
  arn: string;
  path: string;
  passwordLastUsed: string | null;
  tags?: Readonly<Record<string, string>>;
}

/**
 * A governed user's live state from its report row: a console password or not, and when it was last used. What the
 * report cannot say is taken as the file wants it, so it shows no drift, and the caller says it was not checked:
 * a pending reset (no such column) and the rotation token (a tag; real when the scope already read the tags). A
 * profile's creation date is unknown: `''`.
 */
export function liveUserFromReport(subject: ListedSubject, row: UserCredentials, want: DesiredUser | undefined, unconfirmed: boolean): LiveUser {
  const rotates = want !== undefined && want.console && want.rotation !== null;
  const recorded = subject.tags === undefined ? want?.rotation ?? null : (subject.tags[ROTATION_TAG] ?? null);
  return {
    name: subject.name,
    arn: subject.arn,
    path: subject.path,
    tags: subject.tags ?? {},
    passwordLastUsed: lastSignIn(row.passwordLastUsed, subject.passwordLastUsed),
    // `false`: a pending reset is drift only when live is true, so false never reports one it could not see.
    loginProfile: row.passwordEnabled ? { createDate: '', passwordResetRequired: false } : null,
    rotation: rotates ? recorded : null,
    unconfirmed,
  };
}
