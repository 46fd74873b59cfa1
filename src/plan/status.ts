/**
 * `iampass status`: an inventory of console access for every governed user, from facts already read. Pure: the
 * operation reads (the credential report once, a few calls otherwise) and this decides what each column says,
 * what could not be known and why, and what each column cost.
 *
 * Two modes. `exact` reads every governed user's login profile (one GetLoginProfile each): console access, the
 * profile's creation date and a pending reset, as IAM has them now. `fast` takes console access from the credential
 * report (a handful of calls for any number of users, up to 4 hours old) and reads a login profile only for users
 * the report cannot settle (not in it); creation date and pending reset are then not read (the report has neither).
 */
import type { DesiredState } from '../model/desired.js';
import { isUnknown, type CredentialReport, type Unknown, type UserCredentials } from '../model/facts.js';
import type { LoginProfile } from '../model/live.js';
import { ROTATION_TAG } from '../model/plan.js';
import type { PasswordPolicy } from '../model/policy.js';
import { byCodePoint } from '../util/compare.js';
import type { ConfigFingerprint } from './document.js';
import { lastSignIn } from './report-users.js';

export const STATUS_FORMAT_VERSION = 1;

export type StatusMode = 'exact' | 'fast';

/** What the file says about a governed user. `unlisted`: in scope, not listed, governed by `scope.unlisted: disable`. */
export type FileIntent = 'console' | 'no-console' | 'unlisted';

/** The rotation token the file asks for and the one recorded on the user (`null`: none recorded yet). */
export interface RotationStatus {
  desired: string;
  recorded: string | null;
}

/**
 * One governed user's row. `null` means "not known": the user has no such thing (no password: no creation date),
 * or it was not read; `unknown` says which fields were not read for this user and why, so the two never blur.
 */
export interface StatusUser {
  user: string;
  arn: string;
  path: string;
  desired: FileIntent;
  console: boolean | null;
  /** ISO 8601: when the login profile was created (exact mode only). */
  profileCreated: string | null;
  /** `null`: no password, or not read (fast mode). */
  resetPending: boolean | null;
  /** ISO 8601; `null`: never used, or not known. */
  lastSignIn: string | null;
  passwordLastChanged: string | null;
  /** Whole days since the password was last set. */
  passwordAgeDays: number | null;
  /** ISO 8601, or `never` when the policy in force sets no maximum age; `null`: no password, or not known. */
  passwordExpires: string | 'never' | null;
  expired: boolean | null;
  mfa: boolean | null;
  activeAccessKeys: number | null;
  /** `null`: the file sets no rotation token for this user, or the tag was not read (see `unknown`). */
  rotation: RotationStatus | null;
  /** `field: why`, one per field that could not be read for this user. */
  unknown: string[];
}

/** Where one column's values come from, and what that cost in this run. */
export interface ColumnSource {
  columns: string[];
  source: string;
  calls: number;
}

export interface StatusSummary {
  users: number;
  console: number;
  /** `null` in fast mode: not read. */
  resetPending: number | null;
  /** Passwords past the policy's maximum age. */
  expired: number;
  /** Users with console access and no MFA device. */
  withoutMfa: number;
  withAccessKeys: number;
}

/**
 * The status report: plain, serialisable, versioned (`schema/status.schema.json`). Users are sorted by name.
 * `credentialReport` is the report every user's row drew on, or why there was none.
 */
export interface StatusReport {
  formatVersion: 1;
  kind: 'status';
  mode: StatusMode;
  account: string;
  callerArn: string;
  config: ConfigFingerprint;
  /** ISO 8601: when live IAM was read. */
  checkedAt: string;
  passwordPolicy: { inForce: 'custom' | 'aws-default'; maxAgeDays: number | null; hardExpiry: boolean };
  credentialReport: { generatedTime: string; ageMinutes: number } | { unavailable: string };
  summary: StatusSummary;
  users: StatusUser[];
  unlistedIgnoredCount: number;
  outOfScopeCount: number;
  /** Every IAM call this status made (attempts, retries and pages included), then what each column cost. */
  cost: { calls: number; sources: ColumnSource[] };
}

/** A governed user as the listing reported it, before any per-user read. */
export interface StatusSubject {
  name: string;
  arn: string;
  path: string;
  /** From ListUsers, where IAM reports it. */
  passwordLastUsed: string | null;
}

/** What the operation read, and how many calls each kind of read took. */
export interface StatusInput {
  desired: DesiredState;
  mode: StatusMode;
  account: string;
  callerArn: string;
  config: ConfigFingerprint;
  checkedAt: string;
  passwordPolicy: PasswordPolicy | null;
  users: readonly StatusSubject[];
  unlistedIgnoredCount: number;
  outOfScopeCount: number;
  credentialReport: CredentialReport | Unknown;
  /** By user: `null` for no profile (404). A user absent was not read. */
  profiles: ReadonlyMap<string, LoginProfile | null>;
  /** By user: the tags read (for scope or rotation). A user absent had no tags read. */
  tags: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Calls by operation (`GetLoginProfile: 8`), and every attempt in all. */
  calls: { total: number; byOperation: Readonly<Record<string, number>> };
}

const DAY_MS = 86_400_000;

export function buildStatus(input: StatusInput): StatusReport {
  const now = Date.parse(input.checkedAt);
  const report = isUnknown(input.credentialReport) ? null : input.credentialReport;
  const policy = input.passwordPolicy;
  const listed = new Map(input.desired.users.map((u) => [u.name, u]));
  const users = [...input.users]
    .sort((a, b) => byCodePoint(a.name, b.name))
    .map((subject) => userStatus(subject, input, report, now, listed.get(subject.name)));
  return {
    formatVersion: STATUS_FORMAT_VERSION,
    kind: 'status',
    mode: input.mode,
    account: input.account,
    callerArn: input.callerArn,
    config: input.config,
    checkedAt: input.checkedAt,
    passwordPolicy: {
      inForce: policy === null ? 'aws-default' : 'custom',
      maxAgeDays: policy?.maxAgeDays ?? null,
      hardExpiry: policy?.hardExpiry ?? false,
    },
    credentialReport: report
      ? { generatedTime: report.generatedTime, ageMinutes: Math.max(0, Math.floor((now - Date.parse(report.generatedTime)) / 60_000)) }
      : { unavailable: (input.credentialReport as Unknown).unknown },
    summary: summarizeStatus(users, input.mode),
    users,
    unlistedIgnoredCount: input.unlistedIgnoredCount,
    outOfScopeCount: input.outOfScopeCount,
    cost: { calls: input.calls.total, sources: columnSources(input) },
  };
}

function userStatus(
  subject: StatusSubject,
  input: StatusInput,
  report: CredentialReport | null,
  now: number,
  entry: DesiredState['users'][number] | undefined,
): StatusUser {
  const unknown: string[] = [];
  const row = report?.users.get(subject.name);
  const missingRow = report === null ? 'the credential report is unavailable' : 'not in the credential report (created after it)';
  const read = input.profiles.has(subject.name);
  const profile = input.profiles.get(subject.name) ?? null;
  const console = read ? profile !== null : row ? row.passwordEnabled : null;
  if (console === null) unknown.push(`console: ${missingRow}`);
  if (!read && input.mode === 'fast') unknown.push('profileCreated, resetPending: not read (--fast)');

  const password = passwordFacts(row, read ? profile : undefined, report, input.passwordPolicy, now);
  if (console !== false && password.unknownWhy) unknown.push(`passwordLastChanged: ${password.unknownWhy === 'no-row' ? missingRow : password.unknownWhy}`);
  if (!row) unknown.push(`mfa, activeAccessKeys: ${missingRow}`);

  return {
    user: subject.name,
    arn: subject.arn,
    path: subject.path,
    desired: entry === undefined ? 'unlisted' : entry.console ? 'console' : 'no-console',
    console,
    profileCreated: profile?.createDate || null,
    resetPending: read ? (profile ? profile.passwordResetRequired : null) : null,
    lastSignIn: lastSignIn(row?.passwordLastUsed ?? null, subject.passwordLastUsed),
    ...(console === false ? { passwordLastChanged: null, passwordAgeDays: null, passwordExpires: null, expired: null } : password.values),
    mfa: row ? row.mfaActive : null,
    activeAccessKeys: row ? row.activeAccessKeys : null,
    rotation: rotationOf(subject.name, entry, input, unknown),
    unknown,
  };
}

type PasswordValues = Pick<StatusUser, 'passwordLastChanged' | 'passwordAgeDays' | 'passwordExpires' | 'expired'>;

/**
 * When the password was set comes only from the report, and holds only while the profile is the one the report saw:
 * a profile created after the report has a password the report never knew.
 */
function passwordFacts(
  row: UserCredentials | undefined,
  profile: LoginProfile | null | undefined,
  report: CredentialReport | null,
  policy: PasswordPolicy | null,
  now: number,
): { values: PasswordValues; unknownWhy: string | null } {
  const none: PasswordValues = { passwordLastChanged: null, passwordAgeDays: null, passwordExpires: null, expired: null };
  if (!row) return { values: none, unknownWhy: 'no-row' };
  const changed = row.passwordEnabled ? row.passwordLastChanged : null;
  const newer = profile && report && profile.createDate && Date.parse(profile.createDate) > Date.parse(report.generatedTime);
  if (changed === null || newer) {
    return { values: none, unknownWhy: newer || profile ? 'the password was set after the credential report' : null };
  }
  const set = Date.parse(changed);
  const maxAge = policy?.maxAgeDays ?? null;
  const expires = maxAge === null ? null : set + maxAge * DAY_MS;
  return {
    values: {
      passwordLastChanged: changed,
      passwordAgeDays: Math.max(0, Math.floor((now - set) / DAY_MS)),
      passwordExpires: expires === null ? 'never' : new Date(expires).toISOString(),
      expired: expires === null ? false : expires <= now,
    },
    unknownWhy: null,
  };
}

function rotationOf(name: string, entry: DesiredState['users'][number] | undefined, input: StatusInput, unknown: string[]): RotationStatus | null {
  if (!entry?.console || entry.rotation === null) return null;
  const tags = input.tags.get(name);
  if (!tags) {
    unknown.push('rotation: not read (--fast; ListUserTags costs a call per user)');
    return null;
  }
  return { desired: entry.rotation, recorded: tags[ROTATION_TAG] ?? null };
}

export function summarizeStatus(users: readonly StatusUser[], mode: StatusMode): StatusSummary {
  const count = (test: (u: StatusUser) => boolean) => users.filter(test).length;
  return {
    users: users.length,
    console: count((u) => u.console === true),
    resetPending: mode === 'fast' && users.some((u) => u.console === true && u.resetPending === null) ? null : count((u) => u.resetPending === true),
    expired: count((u) => u.expired === true),
    withoutMfa: count((u) => u.console === true && u.mfa === false),
    withAccessKeys: count((u) => (u.activeAccessKeys ?? 0) > 0),
  };
}

/** What each column cost in this run, and where it came from, in the order the table shows them. */
function columnSources(input: StatusInput): ColumnSource[] {
  const calls = (...operations: string[]) => operations.reduce((sum, op) => sum + (input.calls.byOperation[op] ?? 0), 0);
  const profiles = calls('GetLoginProfile');
  const consoleSource =
    input.mode === 'exact'
      ? 'GetLoginProfile, one call per governed user (--fast takes console access from the credential report instead and leaves CREATED and RESET out)'
      : `the credential report; GetLoginProfile only for users it does not list (${profiles} call${profiles === 1 ? '' : 's'}); CREATED and RESET are not read (the report has neither)`;
  const rotating = input.desired.users.filter((u) => u.console && u.rotation !== null).length;
  return [
    {
      columns: ['USER'],
      source: 'GetCallerIdentity, ListUsers (one call per 1,000 users), and ListUserTags per user under scope.pathPrefix when scope.tags is set',
      calls: calls('GetCallerIdentity', 'ListUsers') + (Object.keys(input.desired.scope.tags).length > 0 ? calls('ListUserTags') : 0),
    },
    { columns: ['CONSOLE', 'CREATED', 'RESET'], source: consoleSource, calls: profiles },
    {
      columns: ['LAST SIGN-IN', 'PASSWORD AGE', 'MFA', 'KEYS'],
      source: 'the credential report: the same few calls for any number of users; IAM makes a new one at most every 4 hours',
      calls: calls('GenerateCredentialReport', 'GetCredentialReport'),
    },
    { columns: ['EXPIRES'], source: 'the report\'s password_last_changed plus maxAgeDays of the policy in force (GetAccountPasswordPolicy)', calls: calls('GetAccountPasswordPolicy') },
    {
      columns: ['ROTATION'],
      source:
        rotating === 0
          ? 'the file sets no rotation token: nothing to read'
          : Object.keys(input.desired.scope.tags).length > 0
            ? 'the user\'s tags, already read for scope.tags'
            : input.mode === 'exact'
              ? 'ListUserTags, one call per user whose entry sets a rotation token'
              : 'not read with --fast (ListUserTags costs one call per user)',
      calls: Object.keys(input.desired.scope.tags).length > 0 ? 0 : calls('ListUserTags'),
    },
  ];
}

/**
 * Every key of the report, in the order it is written: the order of `schema/status.schema.json`'s properties at
 * each level (a test holds the two together).
 */
export const STATUS_KEY_ORDER = [
  'formatVersion',
  'kind',
  'mode',
  'account',
  'callerArn',
  'config',
  'file',
  'sha256',
  'checkedAt',
  'passwordPolicy',
  'inForce',
  'maxAgeDays',
  'hardExpiry',
  'credentialReport',
  'generatedTime',
  'ageMinutes',
  'unavailable',
  'summary',
  'users',
  'user',
  'arn',
  'path',
  'desired',
  'console',
  'profileCreated',
  'resetPending',
  'lastSignIn',
  'passwordLastChanged',
  'passwordAgeDays',
  'passwordExpires',
  'expired',
  'mfa',
  'activeAccessKeys',
  'rotation',
  'recorded',
  'unknown',
  'withoutMfa',
  'withAccessKeys',
  'unlistedIgnoredCount',
  'outOfScopeCount',
  'cost',
  'calls',
  'sources',
  'columns',
  'source',
] as const;
