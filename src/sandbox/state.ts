/**
 * What the sandbox serves: plain JSON-safe data (what the state file and `snapshot()` hold) behind small classes
 * that keep IAM's invariants: user names unique case-insensitively per account, users kept in name order for
 * paging, every access key findable by its ID across all accounts (the key that signs a request says who calls).
 */
import { noSuchUser } from './errors.js';
import type { PasswordPolicy } from './passwords.js';

/** Bumped when the layout changes, so an old state file is refused rather than misread. */
export const STATE_FORMAT = 4;

/** Everything one sandbox serves: its accounts, their organization (if any), and the live STS sessions. */
export interface SandboxData {
  format: typeof STATE_FORMAT;
  /** `null` when the accounts belong to no organization (a single-account seed): Organizations answers NotInUse. */
  organization: OrganizationData | null;
  /** Who a request signed with an access key the sandbox does not know acts as. */
  defaultCaller: { account: string; user: string };
  /** In seed order. */
  accounts: AccountData[];
  /** Temporary credentials issued by AssumeRole, including expired ones (they answer ExpiredToken). */
  sessions: SessionData[];
}

/** The organization: every account of the sandbox is a member; the tree is fixed (no Organizations writes). */
export interface OrganizationData {
  /** `o-` and 10 of [a-z0-9]. */
  id: string;
  managementAccount: string;
  root: { id: string; name: string; tags: TagData[] };
  /** Parents before children, siblings in seed order. */
  ous: OuData[];
  /** Member accounts that may call the Organizations read operations, as the management account may. */
  delegatedAdministrators: string[];
}

/** An organizational unit; its parent is listed before it. */
export interface OuData {
  /** `ou-<root part>-<8 of [a-z0-9]>`. */
  id: string;
  name: string;
  /** The root's or another OU's ID. */
  parentId: string;
  tags: TagData[];
}

/** One account's IAM and CloudTrail state; nothing in it is shared with another account. */
export interface AccountData {
  /** 12 digits. */
  id: string;
  name: string;
  email: string;
  status: 'ACTIVE' | 'SUSPENDED';
  joinedMethod: 'CREATED' | 'INVITED';
  joinedTimestamp: string;
  /** The root's or an OU's ID; `null` outside an organization. */
  parentId: string | null;
  tags: TagData[];
  /** `null` while the AWS default policy is in force. */
  passwordPolicy: PasswordPolicy | null;
  /** Sorted by `compareNames`. */
  users: UserData[];
  roles: RoleData[];
  /** Sorted by `compareNames`. */
  groups: GroupData[];
  /** Customer-managed policies, sorted by `compareNames` of their names. */
  policies: ManagedPolicyData[];
  credentialReport: CredentialReportData | null;
  /** CloudTrail management events of this account, in the order they were recorded (oldest first). */
  events: EventData[];
  /** Access keys deleted from this account: requests signed with them are refused, not taken as the default caller. */
  retiredAccessKeyIds: string[];
}

export interface UserData {
  name: string;
  path: string;
  id: string;
  createDate: string;
  tags: TagData[];
  loginProfile: LoginProfileData | null;
  passwordLastUsed: string | null;
  mfaDevices: MfaDeviceData[];
  /** Managed policy ARNs attached to the user (AWS-managed from the sandbox's catalogue, or the account's own). */
  attachedPolicies: string[];
  inlinePolicies: InlinePolicyData[];
  /** The permissions boundary's policy ARN, or `null`. */
  permissionsBoundary: string | null;
  accessKeys: AccessKeyData[];
}

/** An inline policy of a user or group: a name and its JSON document. */
export interface InlinePolicyData {
  name: string;
  document: string;
}

export interface TagData {
  key: string;
  value: string;
}

export interface LoginProfileData {
  createDate: string;
  passwordResetRequired: boolean;
  passwordLastChanged: string;
  /** A scrypt hash; `null` for a profile described by a seed, which never carries a password. */
  passwordHash: string | null;
}

export interface MfaDeviceData {
  serialNumber: string;
  enableDate: string;
}

export interface AccessKeyData {
  id: string;
  status: 'Active' | 'Inactive';
  createDate: string;
}

/** An IAM group: its members and the policies that apply to them (evaluated only by SimulatePrincipalPolicy). */
export interface GroupData {
  name: string;
  path: string;
  /** `AGPA...`. */
  id: string;
  createDate: string;
  /** Member user names, in `compareNames` order. */
  members: string[];
  attachedPolicies: string[];
  inlinePolicies: InlinePolicyData[];
}

/**
 * A customer-managed policy, with one version (`v1`): evaluated by SimulatePrincipalPolicy only, as requests are
 * never checked against permissions.
 */
export interface ManagedPolicyData {
  name: string;
  path: string;
  /** `ANPA...`. */
  id: string;
  createDate: string;
  description: string | null;
  document: string;
  tags: TagData[];
}

/** An IAM role other principals may assume (STS AssumeRole) when its trust admits them. */
export interface RoleData {
  name: string;
  path: string;
  /** `AROA...`. */
  id: string;
  createDate: string;
  /**
   * Who the trust policy admits: a 12-digit account ID (or `arn:aws:iam::ID:root`) admits every principal of that
   * account; a user ARN admits that user; a role ARN admits sessions of that role.
   */
  trustedPrincipals: string[];
  /** The `sts:ExternalId` the trust requires, if any. */
  externalId: string | null;
  /** Seconds, 3600-43200. */
  maxSessionDuration: number;
}

/** Temporary credentials of one AssumeRole call. Only a hash of the session token is kept. */
export interface SessionData {
  /** `ASIA...`. */
  accessKeyId: string;
  tokenHash: string;
  account: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  sourceIdentity: string | null;
  /** Whether a role session asked for it (role chaining: at most one hour). */
  chained: boolean;
  issued: string;
  expiration: string;
}

/** The last credential report: generated in one go, so it is ready as soon as GenerateCredentialReport returns. */
export interface CredentialReportData {
  generatedTime: string;
  csv: string;
}

/** One CloudTrail management event, with the fields LookupEvents filters on kept beside the record itself. */
export interface EventData {
  eventId: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  /** The IAM user's name, or the role session's name. */
  username: string | null;
  accessKeyId: string | null;
  resources: { type: string; name: string }[];
  /** The CloudTrail record, returned by LookupEvents as JSON text (`CloudTrailEvent`). Never holds a password. */
  record: Record<string, unknown>;
}

/** IAM's quotas that the sandbox enforces. */
export const QUOTAS = { usersPerAccount: 5000, accessKeysPerUser: 2, tagsPerUser: 50, groupsPerUser: 10, tagsPerPolicy: 50 } as const;

/** A role's session lasts one hour unless asked otherwise; role chaining is capped at one hour. */
export const DEFAULT_SESSION_SECONDS = 3600;

/** AWS timestamps have whole seconds: `2025-01-10T09:00:00Z`. */
export function isoSeconds(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The order of every listing (users by name, tags by key, ...): case-insensitive first, since IAM names are
 * unique that way; the tie-break keeps it total.
 */
export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where an access key lives, for deciding who signed a request. */
export interface KeyOwner {
  account: Account;
  user: UserData;
  key: AccessKeyData;
}

/** One account's IAM state. Access keys are added and removed through it so the sandbox-wide index stays true. */
export class Account {
  private readonly byName = new Map<string, UserData>();
  private readonly rolesByName = new Map<string, RoleData>();

  constructor(
    readonly data: AccountData,
    private readonly keys: Map<string, KeyOwner>,
    private readonly retired: Map<string, Account>,
  ) {
    data.users.sort((a, b) => compareNames(a.name, b.name));
    for (const user of data.users) {
      this.byName.set(user.name.toLowerCase(), user);
      for (const key of user.accessKeys) keys.set(key.id, { account: this, user, key });
    }
    for (const role of data.roles) this.rolesByName.set(role.name.toLowerCase(), role);
    for (const id of data.retiredAccessKeyIds) retired.set(id, this);
  }

  get id(): string {
    return this.data.id;
  }

  /** In name order. */
  get users(): readonly UserData[] {
    return this.data.users;
  }

  findUser(name: string): UserData | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** The named user, or a `NoSuchEntity` error worded as IAM words it. */
  requireUser(name: string): UserData {
    const user = this.findUser(name);
    if (!user) throw noSuchUser(name);
    return user;
  }

  addUser(user: UserData): void {
    const users = this.data.users;
    let low = 0;
    let high = users.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareNames(users[mid]!.name, user.name) < 0) low = mid + 1;
      else high = mid;
    }
    users.splice(low, 0, user);
    this.byName.set(user.name.toLowerCase(), user);
  }

  /** Only for users without access keys (DeleteUser refuses the others). */
  removeUser(user: UserData): void {
    this.data.users.splice(this.data.users.indexOf(user), 1);
    this.byName.delete(user.name.toLowerCase());
  }

  addAccessKey(user: UserData, key: AccessKeyData): void {
    user.accessKeys.push(key);
    this.keys.set(key.id, { account: this, user, key });
  }

  removeAccessKey(user: UserData, key: AccessKeyData): void {
    user.accessKeys = user.accessKeys.filter((other) => other !== key);
    this.keys.delete(key.id);
    this.data.retiredAccessKeyIds.push(key.id);
    this.retired.set(key.id, this);
  }

  findGroup(name: string): GroupData | undefined {
    return this.data.groups.find((group) => group.name.toLowerCase() === name.toLowerCase());
  }

  groupsOf(user: UserData): GroupData[] {
    return this.data.groups.filter((group) => group.members.some((member) => member.toLowerCase() === user.name.toLowerCase()));
  }

  policyArn(policy: ManagedPolicyData): string {
    return `arn:aws:iam::${this.data.id}:policy${policy.path}${policy.name}`;
  }

  findPolicy(arn: string): ManagedPolicyData | undefined {
    return this.data.policies.find((policy) => this.policyArn(policy) === arn);
  }

  findRole(name: string): RoleData | undefined {
    return this.rolesByName.get(name.toLowerCase());
  }

  userArn(user: UserData): string {
    return `arn:aws:iam::${this.data.id}:user${user.path}${user.name}`;
  }

  roleArn(role: RoleData): string {
    return `arn:aws:iam::${this.data.id}:role${role.path}${role.name}`;
  }

  recordEvent(event: EventData): void {
    this.data.events.push(event);
  }
}

/** The whole sandbox: accounts by ID, access keys and sessions indexed for deciding who signed each request. */
export class SandboxState {
  readonly accounts = new Map<string, Account>();
  private readonly keys = new Map<string, KeyOwner>();
  private readonly retired = new Map<string, Account>();
  private readonly sessionsByToken = new Map<string, SessionData>();
  private readonly sessionKeys = new Set<string>();

  constructor(readonly data: SandboxData) {
    for (const account of data.accounts) this.accounts.set(account.id, new Account(account, this.keys, this.retired));
    for (const session of data.sessions) this.indexSession(session);
  }

  get organization(): OrganizationData | null {
    return this.data.organization;
  }

  account(id: string): Account | undefined {
    return this.accounts.get(id);
  }

  /** The account the default caller belongs to (the management account of an organization). */
  get defaultAccount(): Account {
    return this.accounts.get(this.data.defaultCaller.account)!;
  }

  findAccessKey(id: string): KeyOwner | undefined {
    return this.keys.get(id);
  }

  /** Whether `id` was an access key of some account until it was deleted. */
  isRetiredAccessKey(id: string): boolean {
    return this.retired.has(id);
  }

  /** Whether `id` is the access key ID of a session this sandbox issued. */
  isSessionKey(id: string): boolean {
    return this.sessionKeys.has(id);
  }

  findSession(hash: string): SessionData | undefined {
    return this.sessionsByToken.get(hash);
  }

  /** Keeps sessions until a day after they expired, so a stale client still hears ExpiredToken for a while. */
  addSession(session: SessionData, now: Date): void {
    const cutoff = now.getTime() - 24 * 60 * 60 * 1000;
    const stale = this.data.sessions.filter((old) => Date.parse(old.expiration) < cutoff);
    if (stale.length > 0) {
      this.data.sessions = this.data.sessions.filter((old) => !stale.includes(old));
      for (const old of stale) {
        this.sessionsByToken.delete(old.tokenHash);
        this.sessionKeys.delete(old.accessKeyId);
      }
    }
    this.data.sessions.push(session);
    this.indexSession(session);
  }

  private indexSession(session: SessionData): void {
    this.sessionsByToken.set(session.tokenHash, session);
    this.sessionKeys.add(session.accessKeyId);
  }
}
