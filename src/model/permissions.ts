/**
 * What IAM says decides a user's permissions, as `GetAccountAuthorizationDetails` reports it: the user's path,
 * attached managed policies, inline policies, groups and permissions boundary, each group's policies, and the
 * documents of customer-managed policies. Read so that users with the same permission set can share one
 * `SimulatePrincipalPolicy` call (see `plan/permission-classes.ts`). Documents are the JSON text, already decoded
 * from IAM's URL encoding.
 */

/** An inline policy: its name and document. */
export interface InlinePolicy {
  name: string;
  document: string;
}

/** One user's permission set. Invariant: `attached` and `groups` are sorted and unique; `inline` is sorted by name. */
export interface UserPermissions {
  name: string;
  arn: string;
  path: string;
  /** Managed policy ARNs attached to the user directly. */
  attached: string[];
  inline: InlinePolicy[];
  /** Group names. */
  groups: string[];
  /** The permissions boundary's policy ARN, or `null`. */
  boundary: string | null;
}

/** A group's own policies. Same invariants as `UserPermissions`. */
export interface GroupPermissions {
  name: string;
  attached: string[];
  inline: InlinePolicy[];
}

/** The account's permission sets, for the users and groups the read covered. */
export interface AuthorizationDetails {
  users: ReadonlyMap<string, UserPermissions>;
  groups: ReadonlyMap<string, GroupPermissions>;
  /** Default-version documents of customer-managed policies, by ARN. AWS-managed ones are read separately. */
  policies: ReadonlyMap<string, string>;
}

/** AWS-managed policies live under this account part: `arn:aws:iam::aws:policy/NAME` (and other partitions). */
export function isAwsManagedPolicy(arn: string): boolean {
  return /^arn:[\w-]+:iam::aws:policy\//.test(arn);
}
