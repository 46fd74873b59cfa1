/**
 * The credential report CSV, with IAM's columns and conventions: a `<root_account>` row first, `N/A` where a
 * credential does not exist, `no_information` for a password never used, timestamps as `...+00:00`.
 * There is no reset-required column, as in IAM.
 */
import type { Account, UserData } from './state.js';

export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

const NA = 'N/A';
const DAY_MS = 24 * 60 * 60 * 1000;

export function credentialReportCsv(account: Account): string {
  const rows = [CREDENTIAL_REPORT_COLUMNS.join(','), rootRow(account), ...account.users.map((user) => userRow(account, user))];
  return rows.join('\n');
}

/** The sandbox knows nothing about the root user beyond the account; the row is there because IAM's always is. */
function rootRow(account: Account): string {
  const created = account.users.map((user) => user.createDate).sort()[0];
  const noKey = ['false', NA, NA, NA, NA];
  return csvRow([
    '<root_account>', `arn:aws:iam::${account.id}:root`, created === undefined ? NA : reportTime(created),
    'not_supported', 'no_information', 'not_supported', 'not_supported', 'false',
    ...noKey, ...noKey, 'false', NA, 'false', NA,
  ]);
}

function userRow(account: Account, user: UserData): string {
  const profile = user.loginProfile;
  const maxAge = account.data.passwordPolicy?.maxPasswordAge ?? 0;
  const lastUsed = user.passwordLastUsed !== null ? reportTime(user.passwordLastUsed) : profile ? 'no_information' : NA;
  const nextRotation = profile && maxAge > 0 ? reportTime(new Date(Date.parse(profile.passwordLastChanged) + maxAge * DAY_MS).toISOString()) : NA;
  // IAM reports the first two keys by creation; the sandbox does not track key use, so "last used" is N/A.
  const keys = [...user.accessKeys].sort((a, b) => a.createDate.localeCompare(b.createDate));
  const keyColumns = [0, 1].flatMap((index) => {
    const key = keys[index];
    return key ? [String(key.status === 'Active'), reportTime(key.createDate), NA, NA, NA] : ['false', NA, NA, NA, NA];
  });
  return csvRow([
    user.name, account.userArn(user), reportTime(user.createDate),
    String(profile !== null), lastUsed, profile ? reportTime(profile.passwordLastChanged) : NA, nextRotation,
    String(user.mfaDevices.length > 0),
    ...keyColumns, 'false', NA, 'false', NA,
  ]);
}

/** `2025-01-10T09:00:00Z` -> `2025-01-10T09:00:00+00:00`, the report's form. */
function reportTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function csvRow(fields: readonly string[]): string {
  return fields.map((field) => (/[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',');
}
