/**
 * What the advisories know about people beyond their login profiles, in iampass's own shapes: the credential
 * report (MFA, console use, access keys for every user, from one report) and the answers to the few per-user
 * questions the report cannot answer. Read by `src/iam/facts.ts`, judged by the pure `advise`.
 */
import type { ChangePasswordCost } from './plan.js';

/** One user's row of the credential report. Times are ISO 8601; `null` where IAM says N/A or has no information. */
export interface UserCredentials {
  user: string;
  arn: string;
  userCreationTime: string | null;
  passwordEnabled: boolean;
  /** `null`: never used (or no information), or no password. */
  passwordLastUsed: string | null;
  passwordLastChanged: string | null;
  passwordNextRotation: string | null;
  mfaActive: boolean;
  /** How many of the user's (at most two) access keys are active. */
  activeAccessKeys: number;
}

/**
 * The account's credential report. IAM makes a new one at most every 4 hours, so it can be that old: whatever
 * changed since `generatedTime` is not in it (a user created after it has no row).
 */
export interface CredentialReport {
  /** ISO 8601. */
  generatedTime: string;
  /** By exact user name. The report's `<root_account>` row is not a user and is left out. */
  users: ReadonlyMap<string, UserCredentials>;
}

/** How a fact turned out: known, or why it is not. */
export type Unknown = { unknown: string };

/** Whether a user may call `iam:ChangePassword` on themselves, as `SimulatePrincipalPolicy` answered. */
export type ChangePasswordDecision = 'allowed' | 'denied' | Unknown;

/**
 * Everything the advisories read from IAM besides the live state. Each part is absent (or empty) when it was not
 * needed, so "not read" and "read and found nothing" stay distinct.
 */
export interface AccountFacts {
  /** `null`: not read (nobody is governed, or the command works offline). */
  credentialReport: CredentialReport | Unknown | null;
  /** Only for users who would be forced to reset a password while the policy does not let users change it. */
  changePassword: ReadonlyMap<string, ChangePasswordDecision>;
  /** Active access keys counted with ListAccessKeys, only for users losing console access when the report is unavailable. */
  activeAccessKeys: ReadonlyMap<string, number | Unknown>;
  /** How `changePassword` was had; absent when nobody's answer was needed. */
  changePasswordCost?: ChangePasswordCost;
}

export const NO_FACTS: AccountFacts = { credentialReport: null, changePassword: new Map(), activeAccessKeys: new Map() };

export function isUnknown(value: unknown): value is Unknown {
  return typeof value === 'object' && value !== null && 'unknown' in value;
}
