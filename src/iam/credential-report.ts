/**
 * The credential report's CSV, parsed into typed per-user facts. IAM's conventions: a `<root_account>` row
 * first, `N/A` where a credential does not exist, `no_information` for a password never used,
 * `not_supported` on the root row, timestamps as `2026-11-27T08:00:00+00:00`.
 */
import type * as CsvParse from 'csv-parse/sync';
import { requireCjs } from '../util/cjs.js';
import type { CredentialReport, UserCredentials } from '../model/facts.js';

/** The columns iampass reads; IAM has more (certificates, key regions), which are ignored. */
export const REQUIRED_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_2_active',
] as const;

type Row = Record<(typeof REQUIRED_COLUMNS)[number], string>;

const ROOT = '<root_account>';

/** A report IAM sent that iampass cannot read; the caller turns it into "report unavailable", never a crash. */
export class CredentialReportFormatError extends Error {
  override readonly name = 'CredentialReportFormatError';
}

/** Each row becomes a compact record as it is parsed, so the report's 22 columns never sit in memory per user. */
export function parseCredentialReport(csv: string, generatedTime: string): CredentialReport {
  const header = firstLineColumns(csv);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new CredentialReportFormatError(`the report has no ${missing.join(', ')} column${missing.length === 1 ? '' : 's'}`);
  let rows: UserCredentials[];
  try {
    const { parse } = requireCjs('csv-parse/sync') as typeof CsvParse;
    rows = parse(csv, {
      columns: true,
      skip_empty_lines: true,
      bom: true,
      on_record: (raw: Row) => (raw.user === ROOT ? null : credentialsOf(raw)),
    }) as UserCredentials[];
  } catch (error) {
    throw new CredentialReportFormatError(`the report is not valid CSV (${(error as Error).message})`);
  }
  return { generatedTime, users: new Map(rows.map((r) => [r.user, r])) };
}

function credentialsOf(raw: Row): UserCredentials {
  return {
    user: raw.user,
    arn: raw.arn,
    userCreationTime: time(raw.user_creation_time),
    passwordEnabled: raw.password_enabled === 'true',
    passwordLastUsed: time(raw.password_last_used),
    passwordLastChanged: time(raw.password_last_changed),
    passwordNextRotation: time(raw.password_next_rotation),
    mfaActive: raw.mfa_active === 'true',
    activeAccessKeys: [raw.access_key_1_active, raw.access_key_2_active].filter((v) => v === 'true').length,
  };
}

/** The header's column names (IAM's are plain words, never quoted). */
function firstLineColumns(csv: string): string[] {
  const end = csv.search(/\r?\n/);
  const first = end === -1 ? csv : csv.slice(0, end);
  return first.replace(/^\uFEFF/, '').split(',').map((c) => c.replace(/^"|"$/g, ''));
}

/** An ISO 8601 time, or `null` for IAM's placeholders (`N/A`, `no_information`, `not_supported`) and anything unreadable. */
function time(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
