import type { PasswordPolicy } from './policy.js';
import type { PasswordSource } from './plan.js';

/** A place in a source file, 1-based, for messages a person can jump to. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/**
 * What the file says about the account password policy.
 * - `unmanaged`: the `passwordPolicy` key is absent; iampass never reads into or touches the policy.
 * - `aws-default`: `passwordPolicy: default`; no custom policy may exist (one that does is deleted).
 * - `custom`: the complete desired policy.
 */
export type PolicyIntent =
  | { kind: 'unmanaged' }
  | { kind: 'aws-default' }
  | { kind: 'custom'; policy: PasswordPolicy };

/** What to do with users that are in scope but not listed under `users`. */
export type UnlistedMode = 'ignore' | 'disable';

/**
 * Which live users the file governs. A user outside scope is never read in detail nor touched.
 * `tags` must all match (AND). `protected` users never lose console access through this file.
 */
export interface Scope {
  pathPrefix: string | null;
  tags: Readonly<Record<string, string>>;
  unlisted: UnlistedMode;
  protected: readonly string[];
}

/**
 * One listed user. `passwordResetRequired` is the intent applied when a password is set (defaults already
 * folded in); it is not a steady state to enforce, see the diff.
 */
export interface DesiredUser {
  name: string;
  console: boolean;
  passwordResetRequired: boolean;
  /** Where a new password comes from (defaults folded in); paths are absolute. */
  password: PasswordSource;
  /** The rotation token (defaults folded in), or `null` when rotation is not used. */
  rotation: string | null;
  /** Absolute path of the user's OpenPGP public key, when the file names one (`pgpKey`). */
  pgpKey: string | null;
  /**
   * Warnings known and accepted for this user, by id (`IP103`), each with the reason. An acknowledged warning is
   * still shown but does not fail `--fail-on warning`. Absent: none.
   */
  acknowledge?: Readonly<Record<string, string>>;
  /** Where the user's entry starts, for errors found after reading IAM (e.g. no such user). Display only. */
  at?: SourcePosition;
}

/** When a warning fails a command: `none` never (the default), `warning` whenever one is not acknowledged. */
export type FailOn = 'none' | 'warning';

/**
 * How the plan's advisories judge the account. Thresholds are in days; `acknowledge` holds account-level
 * warnings (those about no single user) accepted with a reason.
 */
export interface AdvisorySettings {
  /** IP104: console access unused (or never used) for this many days or more. CIS 1.12 says 45. */
  unusedDays: number;
  /** IP106: count users whose password expires within this many days. */
  expiringWithinDays: number;
  failOn: FailOn;
  acknowledge: Readonly<Record<string, string>>;
}

export const DEFAULT_ADVISORY_SETTINGS: AdvisorySettings = { unusedDays: 45, expiringWithinDays: 15, failOn: 'none', acknowledge: {} };

/**
 * The validated desired state (format version 1). Invariant: users are unique case-insensitively and sorted by
 * name; every number is within IAM's range; no protected user is listed with `console: false`.
 */
export interface DesiredState {
  version: 1;
  /** The only account id plan/apply may act on, when set. */
  account: string | null;
  passwordPolicy: PolicyIntent;
  scope: Scope;
  /**
   * `pgpKeyDir`: absolute path of the directory of `<user>.asc` keys, or `null`. `rotation`: `defaults.rotation`
   * (already folded into each listed user; kept for what adopts users later, such as import).
   */
  defaults: { passwordResetRequired: boolean; pgpKeyDir: string | null; rotation: string | null };
  users: readonly DesiredUser[];
  advisories: AdvisorySettings;
  /** Position of the `account` value, for the mismatch error. Display only. */
  accountAt?: SourcePosition;
  /** Position of each `scope.protected` name, for the error when it matches no user. Display only. */
  protectedAt?: ReadonlyMap<string, SourcePosition>;
}
