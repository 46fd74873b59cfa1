/**
 * Seeds: a YAML description of what a sandbox starts from (when there is no state file yet, and on reset).
 * Two forms:
 * - one account: `account`, `caller`, `passwordPolicy`, `users`, `roles`, `events` at the top (the original form);
 * - many accounts: `accounts: [...]`, each with its own IAM state, optionally in an `organization`.
 * A seed describes facts IAM would report (who has a console password, when it was last used, MFA, access keys)
 * and never a password itself. Every problem is reported at once, with file:line:col when it came from a file.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { SandboxSetupError } from './errors.js';
import { organizationsIdPart } from './identifiers.js';
import type { PasswordPolicy } from './passwords.js';
import { ACCOUNT_BODY_FIELDS, fillAccount, type AccountContext } from './seed-account.js';
import { SeedChecker, yamlLocator, type Fields, type Locate, type SeedPath } from './seed-checker.js';
import { isoSeconds, STATE_FORMAT, type AccountData, type OrganizationData, type OuData, type SandboxData } from './state.js';

/** A timestamp: ISO 8601 text (`2025-01-10T09:00:00Z`) or a Date. */
export type SeedDate = string | Date;

/** An IAM user as IAM would report it; never a password. */
export interface SeedUser {
  name: string;
  /** Default `/`. */
  path?: string;
  tags?: Record<string, string | number | boolean>;
  /** Default: when the account is built. */
  createDate?: SeedDate;
  /** Present: the user has a console password. */
  loginProfile?: { passwordResetRequired?: boolean; createDate?: SeedDate };
  passwordLastUsed?: SeedDate;
  /** One virtual MFA device. */
  mfa?: boolean;
  /**
   * The user may change their own password: attaches the AWS-managed IAMUserChangePassword policy, and under a path
   * other than `/` (which that policy's resource, `user/${aws:username}`, does not match) also an inline policy
   * `ChangeOwnPassword` allowing `iam:ChangePassword` on `user{path}${aws:username}`.
   */
  canChangePassword?: boolean;
  /** Managed policies attached: a full ARN, the name of one of the account's `managedPolicies`, or of an AWS-managed policy the sandbox knows. */
  policies?: string[];
  /** Inline policies by name: each a policy document (a mapping, or its JSON text). */
  inlinePolicies?: Record<string, unknown>;
  /** Names of the account's `groups` the user belongs to. */
  groups?: string[];
  /** A managed policy used as the permissions boundary (named as in `policies`). */
  permissionsBoundary?: string;
  /** `id` (AKIA + 16 of [A-Z0-9]) fixes the key's ID, so a test or an example can sign as this user. */
  accessKeys?: { id?: string; secret?: string; status?: 'Active' | 'Inactive'; createDate?: SeedDate }[];
}

/** A role others may assume; its trust admits exactly `trustedPrincipals` (and needs `externalId` when set). */
export interface SeedRole {
  name: string;
  path?: string;
  /** Account IDs, `arn:aws:iam::ID:root`, user or role ARNs. Default: the management account (else this account). */
  trustedPrincipals?: string[];
  /** The ExternalId AssumeRole must present. */
  externalId?: string;
  /** Seconds, 3600 (default) to 43200. */
  maxSessionDuration?: number;
}

/** A CloudTrail event that happened before the sandbox started. */
export interface SeedEvent {
  eventName: string;
  /** A timestamp, or `"N minutes ago"` / `"N hours ago"` / `"N days ago"`. */
  time: SeedDate;
  /** A user of the account, or a role session in it. */
  by: string | { user: string } | { role: string; session: string; sourceIdentity?: string };
  /** Default `iam.amazonaws.com`. */
  eventSource?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  /** As CloudTrail records them (`userName: bob`); never a password. */
  requestParameters?: Record<string, unknown>;
  readOnly?: boolean;
}

/** A customer-managed policy of the account (one version, `v1`). */
export interface SeedManagedPolicy {
  name: string;
  path?: string;
  description?: string;
  /** A policy document: a mapping with Version and Statement, or its JSON text. */
  document: unknown;
}

/** A group; its members are the users that list it in their `groups`. */
export interface SeedGroup {
  name: string;
  path?: string;
  policies?: string[];
  inlinePolicies?: Record<string, unknown>;
}

interface AccountBody {
  /** A custom policy; parameters left out take UpdateAccountPasswordPolicy's omitted values. Absent: the AWS default. */
  passwordPolicy?: Partial<PasswordPolicy>;
  managedPolicies?: SeedManagedPolicy[];
  groups?: SeedGroup[];
  users?: SeedUser[];
  roles?: SeedRole[];
  events?: SeedEvent[];
}

/** The single-account form. */
export interface AccountSeed extends AccountBody {
  /** 12 digits; quote it in YAML so leading zeros survive. */
  account: string;
  /** The user a request with an unknown access key acts as; must be one of `users`. */
  caller: string;
  users: SeedUser[];
}

/** One account of the many-account form: IDs unique across the seed, users unique within the account. */
export interface SeedAccount extends AccountBody {
  id: string;
  /** Default `Account ID`. */
  name?: string;
  /** Default `aws+ID@example.com`. */
  email?: string;
  /** Default ACTIVE. A SUSPENDED account is listed, cannot be assumed into, and its own keys are refused. */
  status?: 'ACTIVE' | 'SUSPENDED';
  /** CREATED (default) accounts get an OrganizationAccountAccessRole trusting the management account; INVITED do not. */
  joinedMethod?: 'CREATED' | 'INVITED';
  joinedTimestamp?: SeedDate;
  /** Where in the organization: `Workloads/Production` (OU names from the root), an OU ID, or `Root` (the default). */
  ou?: string;
  tags?: Record<string, string | number | boolean>;
}

/** An organizational unit; names are unique among siblings, so `Parent/Child` names one OU. */
export interface SeedOu {
  name: string;
  /** Default: derived from the organization and the OU's path, so it is stable. */
  id?: string;
  tags?: Record<string, string | number | boolean>;
  ous?: SeedOu[];
}

/** The many-account form. */
export interface OrganizationSeed {
  organization?: {
    /** The management account: one of `accounts`. */
    management: string;
    /** `o-` and 10-32 of [a-z0-9]. Default: derived from the management account. */
    id?: string;
    /** `r-` and 4-32 of [a-z0-9]. */
    rootId?: string;
    ous?: SeedOu[];
    /** Member accounts that may call the Organizations read operations, as the management account may. */
    delegatedAdministrators?: string[];
  };
  /** A user of the management account (or of the only account), or `{account, user}`. */
  caller: string | { account: string; user: string };
  accounts: SeedAccount[];
}

/** A seed of either form: the many-account form is recognised by its `accounts` list. */
export type SandboxSeed = AccountSeed | OrganizationSeed;

/** A seed and where it came from, with a way to find positions in it when it came from a file. */
export interface LoadedSeed {
  value: unknown;
  source: string;
  locate?: Locate;
}

/** Used when neither a state file nor a seed is given: an account with only its (console-enabled) caller. */
export const DEFAULT_SEED: AccountSeed = {
  account: '123456789012',
  caller: 'admin',
  users: [{ name: 'admin', loginProfile: {}, mfa: true, canChangePassword: true }],
};

/** Reads and parses a seed file; the result is validated by `stateFromSeed`. */
export function readSeedFile(path: string): LoadedSeed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SandboxSetupError(`cannot read sandbox seed ${path}: ${(error as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const lines = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `  - ${path}:${line}:${col}: ${error.message.split('\n')[0]}`;
    });
    throw new SandboxSetupError(`sandbox seed ${path} is not valid YAML:\n${lines.join('\n')}`);
  }
  return { value: document.toJS(), source: path, locate: yamlLocator(document, lineCounter) };
}

const SINGLE_FIELDS = ['account', 'caller', ...ACCOUNT_BODY_FIELDS];
const MULTI_FIELDS = ['organization', 'caller', 'accounts'];
const ACCOUNT_FIELDS = ['id', 'name', 'email', 'status', 'joinedMethod', 'joinedTimestamp', 'ou', 'tags', ...ACCOUNT_BODY_FIELDS];

/** Validates a seed and builds the sandbox it describes; throws one error listing every problem. */
export function stateFromSeed(seed: LoadedSeed, now: Date = new Date()): SandboxData {
  const check = new SeedChecker(seed.source, seed.locate);
  const root = check.object(seed.value, []);
  const multi = root !== undefined && 'accounts' in root;
  if (root) check.object(root, [], multi ? MULTI_FIELDS : SINGLE_FIELDS);
  const built = root === undefined ? undefined : multi ? multiAccount(check, root, now) : singleAccount(check, root, now);
  if (check.failed || !built) throw new SandboxSetupError(check.report());
  return built;
}

function blankAccount(id: string, now: Date, header: Partial<AccountData> = {}): AccountData {
  return {
    id,
    name: `Account ${id}`,
    email: `aws+${id}@example.com`,
    status: 'ACTIVE',
    joinedMethod: 'CREATED',
    joinedTimestamp: isoSeconds(now),
    parentId: null,
    tags: [],
    passwordPolicy: null,
    users: [],
    roles: [],
    credentialReport: null,
    groups: [],
    policies: [],
    events: [],
    retiredAccessKeyIds: [],
    ...header,
  };
}

function singleAccount(check: SeedChecker, root: Fields, now: Date): SandboxData | undefined {
  const id = check.accountId(root.account, ['account']);
  const caller = check.string(root.caller, ['caller']);
  const account = blankAccount(id ?? '000000000000', now);
  fillAccount({ check, now, management: undefined, keyIds: new Map() }, account, root, []);
  if (caller !== undefined && !account.users.some((user) => user.name === caller)) check.problem(['caller'], `"${caller}" is not one of the users`);
  if (id === undefined || caller === undefined) return undefined;
  return { format: STATE_FORMAT, organization: null, defaultCaller: { account: id, user: caller }, accounts: [account], sessions: [] };
}

function multiAccount(check: SeedChecker, root: Fields, now: Date): SandboxData | undefined {
  const tree = root.organization === undefined ? undefined : organization(check, root.organization, ['organization']);
  const context: AccountContext = { check, now, management: tree?.data.managementAccount, keyIds: new Map() };
  const accounts: AccountData[] = [];
  const seen = new Map<string, number>();
  check.list(root.accounts, ['accounts']).forEach((raw, index) => {
    const account = seedAccount(context, raw, ['accounts', index], tree);
    if (!account) return;
    const clash = seen.get(account.id);
    if (clash !== undefined) {
      check.problem(['accounts', index, 'id'], `${account.id} is already accounts[${clash}]`);
      return;
    }
    seen.set(account.id, index);
    accounts.push(account);
  });
  if (accounts.length === 0 && Array.isArray(root.accounts)) check.problem(['accounts'], 'must list at least one account');
  if (tree) {
    const { managementAccount, delegatedAdministrators } = tree.data;
    if (!seen.has(managementAccount)) check.problem(['organization', 'management'], `${managementAccount} is not one of the accounts`);
    delegatedAdministrators.forEach((id, index) => {
      if (!seen.has(id)) check.problem(['organization', 'delegatedAdministrators', index], `${id} is not one of the accounts`);
    });
  }
  const defaultCaller = callerOf(check, root.caller, tree?.data.managementAccount, accounts);
  if (!defaultCaller) return undefined;
  return { format: STATE_FORMAT, organization: tree?.data ?? null, defaultCaller, accounts, sessions: [] };
}

function seedAccount(context: AccountContext, value: unknown, where: SeedPath, tree: OrganizationTree | undefined): AccountData | undefined {
  const { check, now } = context;
  const fields = check.object(value, where, ACCOUNT_FIELDS);
  if (!fields) return undefined;
  const id = check.accountId(fields.id, [...where, 'id']);
  const name = check.optionalString(fields.name, [...where, 'name']);
  if (name !== undefined && (name.length < 1 || name.length > 128)) check.problem([...where, 'name'], 'must be 1-128 characters');
  const email = check.optionalString(fields.email, [...where, 'email']);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) check.problem([...where, 'email'], `"${email}" is not an e-mail address`);
  const status = check.oneOf(fields.status, [...where, 'status'], ['ACTIVE', 'SUSPENDED'] as const);
  const joinedMethod = check.oneOf(fields.joinedMethod, [...where, 'joinedMethod'], ['CREATED', 'INVITED'] as const);
  const joinedTimestamp = check.date(fields.joinedTimestamp, [...where, 'joinedTimestamp']);
  let parentId: string | null = null;
  if (tree) parentId = tree.resolve(check, fields.ou, [...where, 'ou']) ?? tree.data.root.id;
  else if (fields.ou !== undefined) check.problem([...where, 'ou'], 'only accounts of an organization have an OU: add `organization:` or leave `ou` out');
  const account = blankAccount(id ?? '000000000000', now, {
    ...(name === undefined ? {} : { name }),
    ...(email === undefined ? {} : { email }),
    ...(status === undefined ? {} : { status }),
    ...(joinedMethod === undefined ? {} : { joinedMethod }),
    ...(joinedTimestamp === undefined ? {} : { joinedTimestamp }),
    parentId,
    tags: check.tags(fields.tags, [...where, 'tags'], 50),
  });
  fillAccount(context, account, fields, where);
  return id === undefined ? undefined : account;
}

function callerOf(check: SeedChecker, value: unknown, management: string | undefined, accounts: AccountData[]): SandboxData['defaultCaller'] | undefined {
  let account: string | undefined;
  let user: string | undefined;
  if (typeof value === 'string') {
    user = value;
    account = management ?? (accounts.length === 1 ? accounts[0]!.id : undefined);
    if (account === undefined && accounts.length > 1) {
      check.problem(['caller'], 'with several accounts and no organization, name the account too: caller: {account: "ID", user: NAME}');
    }
  } else {
    const fields = check.object(value, ['caller'], ['account', 'user']);
    account = fields && check.accountId(fields.account, ['caller', 'account']);
    user = fields && check.string(fields.user, ['caller', 'user']);
  }
  if (account === undefined || user === undefined) return undefined;
  const owner = accounts.find((candidate) => candidate.id === account);
  if (!owner) {
    check.problem(['caller'], `account ${account} is not one of the accounts`);
    return undefined;
  }
  if (!owner.users.some((candidate) => candidate.name === user)) {
    check.problem(['caller'], `"${user}" is not one of the users of account ${account}`);
    return undefined;
  }
  return { account, user };
}

/** The organization being built, with a way to resolve an account's `ou` to its parent's ID. */
interface OrganizationTree {
  data: OrganizationData;
  resolve(check: SeedChecker, value: unknown, where: SeedPath): string | undefined;
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

function organization(check: SeedChecker, value: unknown, where: SeedPath): OrganizationTree | undefined {
  const fields = check.object(value, where, ['management', 'id', 'rootId', 'ous', 'delegatedAdministrators']);
  if (!fields) return undefined;
  const management = check.accountId(fields.management, [...where, 'management']);
  const id = check.optionalString(fields.id, [...where, 'id']) ?? `o-${organizationsIdPart(10, `organization:${management}`)}`;
  if (!ORGANIZATION_ID.test(id)) check.problem([...where, 'id'], `"${id}" must be o- followed by 10-32 of a-z and 0-9`);
  const rootId = check.optionalString(fields.rootId, [...where, 'rootId']) ?? `r-${organizationsIdPart(4, `root:${id}`)}`;
  if (!ROOT_ID.test(rootId)) check.problem([...where, 'rootId'], `"${rootId}" must be r- followed by 4-32 of a-z and 0-9`);
  const delegated = check.list(fields.delegatedAdministrators, [...where, 'delegatedAdministrators']).flatMap((raw, index) => check.accountId(raw, [...where, 'delegatedAdministrators', index]) ?? []);
  const ous: OuData[] = [];
  const byPath = new Map<string, string>();
  const ids = new Set<string>();
  const rootPart = rootId.slice(2);
  const addOus = (list: unknown, at: SeedPath, parentId: string, parentPath: string) => {
    const siblings = new Set<string>();
    check.list(list, at).forEach((raw, index) => {
      const ouAt = [...at, index];
      const ou = check.object(raw, ouAt, ['name', 'id', 'tags', 'ous']);
      const name = ou && check.string(ou.name, [...ouAt, 'name']);
      if (!ou || name === undefined) return;
      if (name.length < 1 || name.length > 128 || name.includes('/')) check.problem([...ouAt, 'name'], 'must be 1-128 characters without "/" (accounts name OUs by path, e.g. Workloads/Production)');
      if (siblings.has(name)) {
        check.problem([...ouAt, 'name'], `"${name}" is already an OU under the same parent (AWS requires unique names there)`);
        return;
      }
      siblings.add(name);
      const path = parentPath === '' ? name : `${parentPath}/${name}`;
      const ouId = check.optionalString(ou.id, [...ouAt, 'id']) ?? `ou-${rootPart}-${organizationsIdPart(8, `ou:${id}:${path}`)}`;
      if (!OU_ID.test(ouId)) check.problem([...ouAt, 'id'], `"${ouId}" must look like ou-${rootPart}-abcd1234 (ou-, 4-32 and 8-32 of a-z and 0-9)`);
      if (ids.has(ouId)) check.problem([...ouAt, 'id'], `"${ouId}" is already the ID of another OU`);
      ids.add(ouId);
      byPath.set(path, ouId);
      ous.push({ id: ouId, name, parentId, tags: check.tags(ou.tags, [...ouAt, 'tags'], 50) });
      addOus(ou.ous, [...ouAt, 'ous'], ouId, path);
    });
  };
  addOus(fields.ous, [...where, 'ous'], rootId, '');
  if (management === undefined) return undefined;
  const data: OrganizationData = { id, managementAccount: management, root: { id: rootId, name: 'Root', tags: [] }, ous, delegatedAdministrators: delegated };
  return {
    data,
    resolve(checker, raw, at) {
      if (raw === undefined) return undefined;
      const text = checker.string(raw, at);
      if (text === undefined) return undefined;
      const trimmed = text.replace(/^\/+|\/+$/g, '');
      if (trimmed === '' || trimmed === 'Root' || text === rootId) return rootId;
      if (ids.has(text)) return text;
      const found = byPath.get(trimmed);
      if (found === undefined) {
        const known = [...byPath.keys()];
        checker.problem(at, `no OU "${text}" in the organization (OUs: ${known.length === 0 ? 'none' : known.join(', ')}; or Root)`);
      }
      return found;
    },
  };
}
