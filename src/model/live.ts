import type { PasswordPolicy } from './policy.js';

/** A console login profile as IAM reports it. The password itself is never readable. */
export interface LoginProfile {
  /** ISO 8601. */
  createDate: string;
  passwordResetRequired: boolean;
}

/**
 * One IAM user in the governed scope, with the live facts the diff needs.
 * `loginProfile` is `null` when the user has no console password (GetLoginProfile answered 404).
 */
export interface LiveUser {
  name: string;
  arn: string;
  path: string;
  tags: Readonly<Record<string, string>>;
  loginProfile: LoginProfile | null;
  /** ISO 8601, when IAM reported one. Display only. */
  passwordLastUsed: string | null;
  /**
   * The rotation token apply last recorded on the user (tag `iampass:rotation`), `null` when there is none. Read
   * only for users whose entry sets a rotation token; `null` for the others.
   */
  rotation: string | null;
  /**
   * An earlier apply recorded that it could not confirm which password IAM holds for this user (the journal group):
   * a known one must be set.
   */
  unconfirmed: boolean;
}

/**
 * Live IAM, read into the same normalised shapes as the desired state.
 *
 * Invariant: `users` holds exactly the users the reader resolved as governed (in scope, and either listed or
 * needed because `scope.unlisted` is `disable`), sorted by name. `passwordPolicy` is `null` while the AWS
 * default is in force; it is read even when the file does not manage it, because new passwords must meet it.
 */
export interface LiveState {
  account: string;
  callerArn: string;
  passwordPolicy: PasswordPolicy | null;
  users: readonly LiveUser[];
  /** Names of users that are in scope and unlisted, whose profiles were not read (`unlisted: ignore`). */
  unlistedIgnored: readonly string[];
  /** How many users the account has outside the file's scope. */
  outOfScopeCount: number;
  /**
   * Users the journal records as having a password nobody can confirm, outside the governed ones (left alone, but
   * said); `unknown` when the journal could not be read.
   */
  journal: { ungoverned: readonly string[] } | { unknown: string };
}
