import type { LoginProfile } from '../model/live.js';
import type { AuthorizationDetails } from '../model/permissions.js';
import type { PasswordPolicy } from '../model/policy.js';

/** `GenerateCredentialReport`'s answer: the report is being made, or one under 4 hours old is ready. */
export type ReportState = 'STARTED' | 'INPROGRESS' | 'COMPLETE';

/** An access key as `ListAccessKeys` reports it (never its secret). */
export interface AccessKeySummary {
  id: string;
  status: 'Active' | 'Inactive';
}

/** A user as `ListUsers` reports it. */
export interface ListedUser {
  name: string;
  arn: string;
  path: string;
  passwordLastUsed: string | null;
}

/**
 * Everything iampass asks of IAM, in iampass's own types. The only implementation that talks to AWS is
 * `aws.ts`; the rest of the tool (reader, executor) depends on this interface alone. Every method retries
 * transient failures itself and throws `IamError` for anything else.
 */
export interface IamGateway {
  callerIdentity(): Promise<{ account: string; arn: string }>;
  listUsers(): Promise<ListedUser[]>;
  /** One user as `GetUser` reports it; `null` when there is no such user (404). */
  getUser(user: string): Promise<ListedUser | null>;
  listUserTags(user: string): Promise<Record<string, string>>;
  /** `null` when the user has no login profile (404). */
  getLoginProfile(user: string): Promise<LoginProfile | null>;
  /** `null` while the AWS default is in force (404). */
  getPasswordPolicy(): Promise<PasswordPolicy | null>;
  /** Sends the whole policy: IAM has no partial update. */
  updatePasswordPolicy(policy: PasswordPolicy): Promise<void>;
  deletePasswordPolicy(): Promise<void>;
  createLoginProfile(user: string, password: string, passwordResetRequired: boolean): Promise<void>;
  updateLoginProfile(user: string, change: { password?: string; passwordResetRequired?: boolean }): Promise<void>;
  deleteLoginProfile(user: string): Promise<void>;
  /** Sets one tag on the user (how apply records a rotation token). */
  tagUser(user: string, key: string, value: string): Promise<void>;
  generateCredentialReport(): Promise<ReportState>;
  /**
   * The last report as CSV text (decoded from IAM's base64) and when it was generated (ISO 8601). Throws
   * `IamError` with `ReportInProgress`, `ReportNotPresent` or `ReportExpired` as IAM answers.
   */
  getCredentialReport(): Promise<{ csv: string; generatedTime: string }>;
  /** `SimulatePrincipalPolicy` for one action on one resource: whether the principal's policies allow it. */
  simulatePrincipalPolicy(principalArn: string, action: string, resourceArn: string): Promise<'allowed' | 'denied'>;
  listAccessKeys(user: string): Promise<AccessKeySummary[]>;
  /**
   * `GetAccountAuthorizationDetails` for users, groups and customer-managed policies, every page; `null` when the
   * listing needed more than `maxPages` pages (the read stops there, having made `maxPages` calls).
   */
  authorizationDetails(maxPages: number): Promise<AuthorizationDetails | null>;
  /** The document of a managed policy's default version: `GetPolicy`, then `GetPolicyVersion`. */
  policyDocument(arn: string): Promise<string>;

  /** The group's members by name, `null` when there is no such group (404). */
  getGroupMembers(group: string): Promise<string[] | null>;
  /** Throws `IamError` `EntityAlreadyExists` when it exists. */
  createGroup(path: string, group: string): Promise<void>;
  addUserToGroup(group: string, user: string): Promise<void>;
  removeUserFromGroup(group: string, user: string): Promise<void>;

  /** A customer-managed policy, created atomically: `EntityAlreadyExists` when the name is taken. Returns its ARN. */
  createPolicy(policy: { path: string; name: string; document: string; description: string; tags: Record<string, string> }): Promise<string>;
  /** The policy's tags, `null` when there is no such policy (404). */
  getPolicyTags(arn: string): Promise<Record<string, string> | null>;
  tagPolicy(arn: string, tags: Record<string, string>): Promise<void>;
  deletePolicy(arn: string): Promise<void>;
}
