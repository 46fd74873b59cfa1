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

type Column = (typeof REQUIRED_COLUMNS)[number];

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
  // Rows as arrays read by column index: csv-parse builds an object of all 22 columns per row otherwise, which
  // took twice as long (225 ms against 100 ms for 5,000 users).
  const at = Object.fromEntries(REQUIRED_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
  const onRecord = (raw: string[], line: number): UserCredentials | null => {
    if (raw.length !== header.length) throw new CredentialReportFormatError(`line ${line} of the report has ${raw.length} fields where the header names ${header.length}`);
    return raw[at.user] === ROOT ? null : credentialsOf(raw, at);
  };
  const rows = unquotedRows(csv, onRecord) ?? csvParseRows(csv, onRecord);
  return { generatedTime, users: new Map(rows.map((r) => [r.user, r])) };
}

/**
 * The rows of a report in which no field is quoted and lines end in LF, as IAM writes it for ordinary names: with no
 * `"` anywhere, CSV has no quoting or escaping to undo and a record is a line split at its commas, so this reads
 * exactly what csv-parse reads, for about a quarter of its CPU (5,000 users: about 40 ms against 100-170 ms;
 * test/iam/facts.test.ts compares the two on the same reports). `undefined` for anything else (a quoted field, CR line ends), which csv-parse reads.
 */
export function unquotedRows<T>(csv: string, onRecord: (raw: string[], line: number) => T | null): T[] | undefined {
  if (csv.includes('"') || csv.includes('\r')) return undefined;
  const rows: T[] = [];
  // As csv-parse's `from_line: 2` and `skip_empty_lines`: the header's line is not a record, nor is an empty line.
  let start = csv.indexOf('\n') + 1;
  for (let line = 2; start > 0 && start < csv.length; line++) {
    const end = csv.indexOf('\n', start);
    const text = end === -1 ? csv.slice(start) : csv.slice(start, end);
    start = end + 1;
    if (text === '') continue;
    const row = onRecord(text.split(','), line);
    if (row !== null) rows.push(row);
  }
  return rows;
}

/** The rows of any CSV, read by csv-parse; its errors become `CredentialReportFormatError`. */
export function csvParseRows<T>(csv: string, onRecord: (raw: string[], line: number) => T | null): T[] {
  try {
    // Its types want `on_record` to return a row of the input's kind; here it returns the row's facts.
    const parse = (requireCjs('csv-parse/sync') as typeof CsvParse).parse as (input: string, options: CsvParse.Options) => unknown;
    return parse(csv, {
      from_line: 2,
      skip_empty_lines: true,
      bom: true,
      on_record: (raw: string[], { lines }: { lines: number }) => onRecord(raw, lines) as unknown as string[],
    }) as T[];
  } catch (error) {
    if (error instanceof CredentialReportFormatError) throw error;
    throw new CredentialReportFormatError(`the report is not valid CSV (${(error as Error).message})`);
  }
}

function credentialsOf(raw: string[], at: Record<Column, number>): UserCredentials {
  const field = (column: Column) => raw[at[column]] as string;
  return {
    user: field('user'),
    arn: field('arn'),
    userCreationTime: time(field('user_creation_time')),
    passwordEnabled: field('password_enabled') === 'true',
    passwordLastUsed: time(field('password_last_used')),
    passwordLastChanged: time(field('password_last_changed')),
    passwordNextRotation: time(field('password_next_rotation')),
    mfaActive: field('mfa_active') === 'true',
    activeAccessKeys: (field('access_key_1_active') === 'true' ? 1 : 0) + (field('access_key_2_active') === 'true' ? 1 : 0),
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
