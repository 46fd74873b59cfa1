/**
 * Words for the status report, shared by every renderer (text, HTML, the Ink table) so a column says the same thing
 * everywhere: the columns in order, each cell's text, the summary sentence and where the facts came from.
 */
import type { StatusReport, StatusUser } from '../plan/status.js';

/** A table column: its heading, the key that sorts by it in the terminal view, and how a cell reads. */
export interface StatusColumn {
  id: StatusColumnId;
  heading: string;
  /** The key that sorts the interactive table by this column (pressed again: reversed). */
  key: string;
  cell: (u: StatusUser) => string;
  /** The value sorted on: `null` sorts last whatever the direction. */
  sortValue: (u: StatusUser) => string | number | null;
}

export type StatusColumnId = 'user' | 'console' | 'created' | 'reset' | 'lastSignIn' | 'age' | 'expires' | 'mfa' | 'keys' | 'rotation';

const day = (iso: string | null) => (iso === null ? null : iso.slice(0, 10));
const yesNo = (b: boolean | null, unknown = '?') => (b === null ? unknown : b ? 'yes' : 'no');
const time = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** `?` is "not known" (the details say why); `-` is "does not apply" (no password, nothing to read). */
export const STATUS_COLUMNS: readonly StatusColumn[] = [
  { id: 'user', heading: 'USER', key: '1', cell: (u) => u.user, sortValue: (u) => u.user },
  { id: 'console', heading: 'CONSOLE', key: '2', cell: (u) => yesNo(u.console), sortValue: (u) => (u.console === null ? null : Number(u.console)) },
  {
    id: 'created',
    heading: 'CREATED',
    key: '3',
    cell: (u) => (u.console === false ? '-' : (day(u.profileCreated) ?? '?')),
    sortValue: (u) => time(u.profileCreated),
  },
  {
    id: 'reset',
    heading: 'RESET',
    key: '4',
    cell: (u) => (u.console === false ? '-' : yesNo(u.resetPending)),
    sortValue: (u) => (u.resetPending === null ? null : Number(u.resetPending)),
  },
  {
    id: 'lastSignIn',
    heading: 'LAST SIGN-IN',
    key: '5',
    cell: (u) => day(u.lastSignIn) ?? 'never',
    sortValue: (u) => time(u.lastSignIn),
  },
  {
    id: 'age',
    heading: 'PASSWORD AGE',
    key: '6',
    cell: (u) => (u.console === false ? '-' : u.passwordAgeDays === null ? '?' : `${u.passwordAgeDays} d`),
    sortValue: (u) => u.passwordAgeDays,
  },
  { id: 'expires', heading: 'EXPIRES', key: '7', cell: expiresCell, sortValue: (u) => (u.passwordExpires === 'never' ? Infinity : time(u.passwordExpires)) },
  { id: 'mfa', heading: 'MFA', key: '8', cell: (u) => yesNo(u.mfa), sortValue: (u) => (u.mfa === null ? null : Number(u.mfa)) },
  {
    id: 'keys',
    heading: 'KEYS',
    key: '9',
    cell: (u) => (u.activeAccessKeys === null ? '?' : String(u.activeAccessKeys)),
    sortValue: (u) => u.activeAccessKeys,
  },
  { id: 'rotation', heading: 'ROTATION', key: '0', cell: rotationCell, sortValue: (u) => u.rotation?.recorded ?? null },
];

function expiresCell(u: StatusUser): string {
  if (u.console === false) return '-';
  if (u.passwordExpires === null) return '?';
  if (u.passwordExpires === 'never') return 'never';
  return `${u.passwordExpires.slice(0, 10)}${u.expired ? ' (expired)' : ''}`;
}

/** The recorded token, and the file's when they differ (the next apply rotates). */
export function rotationCell(u: StatusUser): string {
  if (u.rotation === null) return u.unknown.some((w) => w.startsWith('rotation:')) ? 'not read' : '-';
  const recorded = u.rotation.recorded ?? 'none';
  return recorded === u.rotation.desired ? recorded : `${recorded} (file: ${u.rotation.desired})`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `8 users: 6 with console access, 1 reset pending, ...` */
export function statusSummaryLine(report: StatusReport): string {
  const s = report.summary;
  const parts = [
    `${s.console} with console access`,
    s.resetPending === null ? 'resets not read (--fast)' : `${s.resetPending} reset${s.resetPending === 1 ? '' : 's'} pending`,
    `${s.withoutMfa} without MFA`,
    `${s.expired} expired`,
    `${s.withAccessKeys} with active access keys`,
  ];
  return `${plural(s.users, 'governed user')}: ${parts.join(', ')}.`;
}

/** The policy in force, as it bears on expiry. */
export function statusPolicyLine(report: StatusReport): string {
  const p = report.passwordPolicy;
  const source = p.inForce === 'custom' ? 'a custom policy' : 'the AWS default (no custom policy)';
  const expiry = p.maxAgeDays === null ? 'passwords never expire' : `passwords expire ${p.maxAgeDays} days after they are set${p.hardExpiry ? ' (hard expiry: an administrator must reset them)' : ''}`;
  return `Password policy in force: ${source}; ${expiry}.`;
}

/** How current the report-based columns are. */
export function statusReportLine(report: StatusReport): string {
  const r = report.credentialReport;
  if ('unavailable' in r) return `No credential report: ${r.unavailable}. Sign-in, age, MFA and key columns are unknown (?).`;
  const at = `${r.generatedTime.slice(0, 10)} ${r.generatedTime.slice(11, 16)} UTC`;
  const age = r.ageMinutes < 1 ? 'less than a minute' : r.ageMinutes < 120 ? plural(r.ageMinutes, 'minute') : `${Math.floor(r.ageMinutes / 60)} hours ${r.ageMinutes % 60} minutes`;
  return `Credential report generated ${at} (${age} old; IAM makes one at most every 4 hours).`;
}

/** The header's first line: account, caller, mode. */
export function statusHeading(report: StatusReport): string {
  return `Account ${report.account} (as ${report.callerArn})${report.mode === 'fast' ? ' · --fast' : ''}`;
}

/** Every fact of one user, as label/value pairs, for the details pane and the HTML's per-user notes. */
export function statusDetails(u: StatusUser): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['ARN', u.arn],
    ['the file', u.desired === 'console' ? 'console: true' : u.desired === 'no-console' ? 'console: false' : 'unlisted (scope.unlisted: disable)'],
  ];
  for (const column of STATUS_COLUMNS.slice(1)) rows.push([column.heading.toLowerCase(), column.cell(u)]);
  if (u.passwordLastChanged) rows.push(['password last changed', u.passwordLastChanged]);
  if (u.lastSignIn) rows.push(['last sign-in at', u.lastSignIn]);
  for (const why of u.unknown) rows.push(['not known', why]);
  return rows;
}
