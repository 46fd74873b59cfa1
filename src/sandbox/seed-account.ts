/**
 * One account of a seed: its users (with optional fixed access keys), roles, and historic CloudTrail events.
 * Every duplicate check is a Map lookup, so a 5,000-user account loads in linear time.
 */
import { ACCESS_KEY_ID_LENGTH, ACCESS_KEY_ID_PATTERN, awsId, derivedUuid, USER_ID_LENGTH } from './identifiers.js';
import { EXTERNAL_ID, PATH, ROLE_NAME, satisfies, SESSION_NAME, USER_NAME } from './names.js';
import { pathText, type SeedChecker, type SeedPath } from './seed-checker.js';
import { DEFAULT_SESSION_SECONDS, isoSeconds, QUOTAS, type AccountData, type EventData, type RoleData, type UserData } from './state.js';
import { joinGroups, seedGroups, seedManagedPolicies, seedUserPermissions } from './seed-permissions.js';
import { buildEvent, isSecretParameter, type EventIdentity } from './trail.js';

/** What building one account needs from the rest of the seed. */
export interface AccountContext {
  check: SeedChecker;
  now: Date;
  /** The organization's management account, when there is an organization. */
  management: string | undefined;
  /** Access key IDs declared so far anywhere in the seed, with where: IDs are unique across accounts. */
  keyIds: Map<string, string>;
}

/** The fields an account shares between the single-account form (at the top) and an `accounts` entry. */
export const ACCOUNT_BODY_FIELDS = ['passwordPolicy', 'managedPolicies', 'groups', 'users', 'roles', 'events'] as const;

export const ORGANIZATION_ACCESS_ROLE = 'OrganizationAccountAccessRole';

const USER_FIELDS = [
  'name', 'path', 'tags', 'createDate', 'loginProfile', 'passwordLastUsed', 'mfa', 'canChangePassword', 'accessKeys',
  'policies', 'inlinePolicies', 'groups', 'permissionsBoundary',
];
const ROLE_FIELDS = ['name', 'path', 'trustedPrincipals', 'externalId', 'maxSessionDuration', 'createDate'];
const EVENT_FIELDS = ['eventName', 'time', 'by', 'eventSource', 'sourceIPAddress', 'userAgent', 'requestParameters', 'readOnly'];
const TRUSTED_PRINCIPAL = /^(\d{12}|arn:aws:iam::\d{12}:(root|user\/([\u0021-\u007E]+\/)?[\w+=,.@-]+|role\/([\u0021-\u007E]+\/)?[\w+=,.@-]+))$/;

/** Fills `account` (its header already set) with the body fields at `path`. */
export function fillAccount(context: AccountContext, account: AccountData, fields: Record<string, unknown>, path: SeedPath): void {
  const { check } = context;
  account.passwordPolicy = fields.passwordPolicy === undefined ? null : check.policy(fields.passwordPolicy, [...path, 'passwordPolicy']);
  // Policies first, then groups (which attach them), then users (who join groups and attach policies).
  account.policies = seedManagedPolicies(check, account, fields.managedPolicies, [...path, 'managedPolicies'], context.now);
  account.groups = seedGroups(check, account, fields.groups, [...path, 'groups'], context.now);
  account.users = users(context, account, fields.users, [...path, 'users']);
  account.roles = roles(context, account, fields.roles, [...path, 'roles']);
  account.events = events(context, account, fields.events, [...path, 'events']);
}

function users(context: AccountContext, account: AccountData, value: unknown, path: SeedPath): UserData[] {
  const { check } = context;
  const result: UserData[] = [];
  const byName = new Map<string, string>();
  check.list(value, path).forEach((raw, index) => {
    const user = seedUser(context, raw, [...path, index], account);
    if (!user) return;
    const clash = byName.get(user.name.toLowerCase());
    if (clash !== undefined) check.problem([...path, index, 'name'], `"${user.name}" is already used by "${clash}" (user names are unique case-insensitively)`);
    else {
      byName.set(user.name.toLowerCase(), user.name);
      result.push(user);
      joinGroups(check, account, user, (raw as Record<string, unknown>).groups, [...path, index, 'groups']);
    }
  });
  if (result.length > QUOTAS.usersPerAccount) check.problem(path, `at most ${QUOTAS.usersPerAccount} users per account`);
  return result;
}

function seedUser(context: AccountContext, value: unknown, where: SeedPath, accountData: AccountData): UserData | undefined {
  const account = accountData.id;
  const { check, now } = context;
  const fields = check.object(value, where, USER_FIELDS);
  if (!fields) return undefined;
  const name = check.string(fields.name, [...where, 'name']);
  if (name !== undefined && !satisfies(name, USER_NAME)) check.problem([...where, 'name'], `"${name}" must be 1-64 characters of ${USER_NAME.patternText}`);
  const path = fields.path === undefined ? '/' : check.string(fields.path, [...where, 'path']);
  if (path !== undefined && !satisfies(path, PATH)) check.problem([...where, 'path'], `"${path}" must be "/" or start and end with "/" (printable ASCII, up to 512 characters)`);
  const createDate = check.date(fields.createDate, [...where, 'createDate']) ?? isoSeconds(now);
  const passwordLastUsed = check.date(fields.passwordLastUsed, [...where, 'passwordLastUsed']) ?? null;
  const mfa = check.boolean(fields.mfa, [...where, 'mfa']);
  const permissions = seedUserPermissions(check, accountData, fields, where, path ?? '/');

  let loginProfile: UserData['loginProfile'] = null;
  if (fields.loginProfile !== undefined && fields.loginProfile !== null) {
    const at = [...where, 'loginProfile'];
    const profile = check.object(fields.loginProfile, at, ['passwordResetRequired', 'createDate']);
    const profileDate = check.date(profile?.createDate, [...at, 'createDate']) ?? createDate;
    loginProfile = {
      createDate: profileDate,
      passwordResetRequired: check.boolean(profile?.passwordResetRequired, [...at, 'passwordResetRequired']) ?? false,
      passwordLastChanged: profileDate,
      passwordHash: null,
    };
  }

  if (name === undefined || path === undefined) return undefined;
  return {
    name,
    path,
    id: awsId('AIDA', USER_ID_LENGTH, `${account}:user:${name}`),
    createDate,
    tags: check.tags(fields.tags, [...where, 'tags'], QUOTAS.tagsPerUser),
    loginProfile,
    passwordLastUsed,
    mfaDevices: mfa ? [{ serialNumber: `arn:aws:iam::${account}:mfa/${name}`, enableDate: loginProfile?.createDate ?? createDate }] : [],
    ...permissions,
    accessKeys: accessKeys(context, fields.accessKeys, [...where, 'accessKeys'], `${account}:key:${name}`, createDate),
  };
}

/**
 * A key may carry a fixed `id` (and a `secret`, accepted for the reader's benefit: signatures are not verified,
 * so it is not kept) for tests and examples that sign as this user.
 */
function accessKeys(context: AccountContext, value: unknown, where: SeedPath, idBase: string, userCreateDate: string): UserData['accessKeys'] {
  const { check } = context;
  const list = check.list(value, where);
  if (list.length > QUOTAS.accessKeysPerUser) check.problem(where, `at most ${QUOTAS.accessKeysPerUser} access keys per user`);
  return list.flatMap((raw, index) => {
    const at = [...where, index];
    const fields = check.object(raw, at, ['id', 'secret', 'status', 'createDate']);
    if (!fields) return [];
    const status = fields.status ?? 'Active';
    if (status !== 'Active' && status !== 'Inactive') {
      check.problem([...at, 'status'], 'must be Active or Inactive');
      return [];
    }
    check.optionalString(fields.secret, [...at, 'secret']);
    const id = fields.id === undefined ? awsId('AKIA', ACCESS_KEY_ID_LENGTH, `${idBase}:${index}`) : check.string(fields.id, [...at, 'id']);
    if (id === undefined) return [];
    if (fields.id !== undefined && !(ACCESS_KEY_ID_PATTERN.test(id) && id.startsWith('AKIA'))) {
      check.problem([...at, 'id'], `"${id}" must be AKIA followed by 16 characters of A-Z and 0-9 (20 in all)`);
      return [];
    }
    const clash = context.keyIds.get(id);
    if (clash !== undefined) {
      check.problem([...at, 'id'], `"${id}" is already the access key of ${clash} (access key IDs are unique across all accounts)`);
      return [];
    }
    context.keyIds.set(id, pathText(at));
    return [{ id, status, createDate: check.date(fields.createDate, [...at, 'createDate']) ?? userCreateDate }];
  });
}

/**
 * Declared roles, plus the OrganizationAccountAccessRole that Organizations creates in every account it creates
 * (not in invited accounts, nor in the management account) unless the account declares its own.
 */
function roles(context: AccountContext, account: AccountData, value: unknown, path: SeedPath): RoleData[] {
  const { check } = context;
  const result: RoleData[] = [];
  const byName = new Set<string>();
  check.list(value, path).forEach((raw, index) => {
    const role = seedRole(context, account, raw, [...path, index]);
    if (!role) return;
    if (byName.has(role.name.toLowerCase())) check.problem([...path, index, 'name'], `"${role.name}" is already a role of this account (role names are unique case-insensitively)`);
    byName.add(role.name.toLowerCase());
    result.push(role);
  });
  const created = context.management !== undefined && account.id !== context.management && account.joinedMethod === 'CREATED';
  if (created && !byName.has(ORGANIZATION_ACCESS_ROLE.toLowerCase())) {
    result.push(makeRole(account, { name: ORGANIZATION_ACCESS_ROLE, trustedPrincipals: [context.management!], createDate: account.joinedTimestamp }));
  }
  return result;
}

function seedRole(context: AccountContext, account: AccountData, value: unknown, where: SeedPath): RoleData | undefined {
  const { check } = context;
  const fields = check.object(value, where, ROLE_FIELDS);
  if (!fields) return undefined;
  const name = check.string(fields.name, [...where, 'name']);
  if (name !== undefined && !satisfies(name, ROLE_NAME)) check.problem([...where, 'name'], `"${name}" must be 1-64 characters of ${ROLE_NAME.patternText}`);
  const path = fields.path === undefined ? '/' : check.string(fields.path, [...where, 'path']);
  if (path !== undefined && !satisfies(path, PATH)) check.problem([...where, 'path'], `"${path}" must be "/" or start and end with "/"`);
  const principals = fields.trustedPrincipals === undefined ? [context.management ?? account.id] : trustedPrincipals(check, fields.trustedPrincipals, [...where, 'trustedPrincipals']);
  const externalId = check.optionalString(fields.externalId, [...where, 'externalId']);
  if (externalId !== undefined && !satisfies(externalId, EXTERNAL_ID)) check.problem([...where, 'externalId'], `must be 2-1224 characters of ${EXTERNAL_ID.patternText}`);
  const maxSessionDuration = check.integer(fields.maxSessionDuration, [...where, 'maxSessionDuration'], 3600, 43200);
  const createDate = check.date(fields.createDate, [...where, 'createDate']);
  if (name === undefined || path === undefined) return undefined;
  return makeRole(account, { name, path, trustedPrincipals: principals, externalId, maxSessionDuration, createDate });
}

function trustedPrincipals(check: SeedChecker, value: unknown, where: SeedPath): string[] {
  return check.list(value, where).flatMap((raw, index) => {
    const text = typeof raw === 'number' ? String(raw) : raw;
    if (typeof text === 'string' && TRUSTED_PRINCIPAL.test(text)) return [text];
    check.problem([...where, index], 'must be a 12-digit account ID, arn:aws:iam::ID:root, or the ARN of a user or role (arn:aws:iam::ID:user/NAME, arn:aws:iam::ID:role/NAME)');
    return [];
  });
}

function makeRole(
  account: AccountData,
  role: { name: string; path?: string; trustedPrincipals: string[]; externalId?: string; maxSessionDuration?: number; createDate?: string },
): RoleData {
  return {
    name: role.name,
    path: role.path ?? '/',
    id: awsId('AROA', USER_ID_LENGTH, `${account.id}:role:${role.name}`),
    createDate: role.createDate ?? account.joinedTimestamp,
    trustedPrincipals: role.trustedPrincipals,
    externalId: role.externalId ?? null,
    maxSessionDuration: role.maxSessionDuration ?? DEFAULT_SESSION_SECONDS,
  };
}

const RELATIVE_TIME = /^(\d+) (minute|hour|day)s? ago$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** Historic CloudTrail events: `time` is a timestamp or "N minutes|hours|days ago" (from when the seed loads). */
function events(context: AccountContext, account: AccountData, value: unknown, path: SeedPath): EventData[] {
  const result = context.check.list(value, path).flatMap((raw, index) => seedEvent(context, account, raw, [...path, index], index) ?? []);
  return result.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
}

function seedEvent(context: AccountContext, account: AccountData, value: unknown, where: SeedPath, index: number): EventData | undefined {
  const { check, now } = context;
  const fields = check.object(value, where, EVENT_FIELDS);
  if (!fields) return undefined;
  const eventName = check.string(fields.eventName, [...where, 'eventName']);
  if (eventName !== undefined && !/^[A-Za-z0-9]{1,128}$/.test(eventName)) check.problem([...where, 'eventName'], 'must be an API action name such as DeleteLoginProfile');
  const eventTime = eventTimeOf(check, fields.time, [...where, 'time'], now);
  const identity = eventIdentity(check, account, fields.by, [...where, 'by'], eventTime ?? isoSeconds(now));
  const requestParameters = fields.requestParameters === undefined ? null : check.object(fields.requestParameters, [...where, 'requestParameters']) ?? null;
  for (const key of Object.keys(requestParameters ?? {})) {
    if (isSecretParameter(key)) {
      check.problem([...where, 'requestParameters'], `"${key}": CloudTrail never records a password; leave it out`, { path: [...where, 'requestParameters', key], part: 'key' });
    }
  }
  const readOnly = check.boolean(fields.readOnly, [...where, 'readOnly']) ?? false;
  const eventSource = check.optionalString(fields.eventSource, [...where, 'eventSource']) ?? 'iam.amazonaws.com';
  const sourceIPAddress = check.optionalString(fields.sourceIPAddress, [...where, 'sourceIPAddress']) ?? '203.0.113.10';
  const userAgent = check.optionalString(fields.userAgent, [...where, 'userAgent']) ?? 'aws-cli/2.17.0 md/Botocore#1.35.0 ua/2.0 os/linux#6.1 md/arch#x86_64';
  if (eventName === undefined || eventTime === undefined || identity === undefined) return undefined;
  const seedKey = `${account.id}:event:${index}:${eventName}`;
  return buildEvent({
    identity,
    eventName,
    eventSource,
    eventTime,
    sourceIPAddress,
    userAgent,
    requestParameters,
    readOnly,
    eventId: derivedUuid(seedKey),
    requestId: derivedUuid(`${seedKey}:request`),
  });
}

function eventTimeOf(check: SeedChecker, value: unknown, where: SeedPath, now: Date): string | undefined {
  const relative = typeof value === 'string' ? RELATIVE_TIME.exec(value) : null;
  if (relative) return isoSeconds(new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]));
  if (value === undefined) {
    check.problem(where, 'is required (a timestamp such as 2026-11-28T10:00:00Z, or "3 days ago")');
    return undefined;
  }
  const time = check.date(value, where);
  if (time !== undefined && Date.parse(time) > now.getTime()) {
    check.problem(where, 'is in the future; give a past time, or "N minutes|hours|days ago"');
    return undefined;
  }
  return time;
}

/** `by: NAME` (a user of this account) or `by: {role: NAME, session: NAME, sourceIdentity?: NAME}`. */
function eventIdentity(check: SeedChecker, account: AccountData, value: unknown, where: SeedPath, eventTime: string): EventIdentity | undefined {
  const fields: Record<string, unknown> | undefined = typeof value === 'string' ? { user: value } : check.object(value, where, ['user', 'role', 'session', 'sourceIdentity']);
  if (!fields) return undefined;
  if (typeof fields.user === 'string' && fields.role === undefined) {
    const user = account.users.find((candidate) => candidate.name.toLowerCase() === (fields.user as string).toLowerCase());
    if (!user) {
      check.problem(where, `"${fields.user}" is not a user of account ${account.id} (list them under users, as CloudTrail names only principals that exist)`);
      return undefined;
    }
    const accessKeyId = user.accessKeys[0]?.id ?? awsId('AKIA', ACCESS_KEY_ID_LENGTH, `${account.id}:event-key:${user.name}`);
    return { type: 'IAMUser', accountId: account.id, principalId: user.id, arn: `arn:aws:iam::${account.id}:user${user.path}${user.name}`, accessKeyId, userName: user.name };
  }
  const roleName = check.string(fields.role, [...where, 'role']);
  const session = check.string(fields.session, [...where, 'session']);
  if (session !== undefined && !satisfies(session, SESSION_NAME)) check.problem([...where, 'session'], `must be 2-64 characters of ${SESSION_NAME.patternText}`);
  const sourceIdentity = check.optionalString(fields.sourceIdentity, [...where, 'sourceIdentity']) ?? null;
  if (sourceIdentity !== null && !satisfies(sourceIdentity, SESSION_NAME)) check.problem([...where, 'sourceIdentity'], `must be 2-64 characters of ${SESSION_NAME.patternText}`);
  if (roleName === undefined || session === undefined) return undefined;
  const role = account.roles.find((candidate) => candidate.name.toLowerCase() === roleName.toLowerCase());
  if (!role) {
    check.problem([...where, 'role'], `"${roleName}" is not a role of account ${account.id}`);
    return undefined;
  }
  const roleArn = `arn:aws:iam::${account.id}:role${role.path}${role.name}`;
  return {
    type: 'AssumedRole',
    accountId: account.id,
    principalId: `${role.id}:${session}`,
    arn: `arn:aws:sts::${account.id}:assumed-role/${role.name}/${session}`,
    accessKeyId: awsId('ASIA', ACCESS_KEY_ID_LENGTH, `${account.id}:event-session:${role.name}:${session}:${eventTime}`),
    sessionName: session,
    sessionIssued: eventTime,
    sourceIdentity,
    role: { id: role.id, arn: roleArn, name: role.name },
  };
}
