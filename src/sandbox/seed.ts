/**
 * Seeds: a YAML description of the account a sandbox starts from (when there is no state file yet).
 * A seed describes facts IAM would report (who has a console password, when it was last used, MFA,
 * access keys) and never a password itself. Every problem is reported at once, with its location.
 */
import { SandboxSetupError } from './errors.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { awsId, ACCESS_KEY_ID_LENGTH, USER_ID_LENGTH } from './identifiers.js';
import { PATH, satisfies, TAG_KEY, TAG_VALUE, USER_NAME } from './names.js';
import { OMITTED_POLICY_PARAMETERS, POLICY_RANGES, type PasswordPolicy } from './passwords.js';
import { isoSeconds, QUOTAS, STATE_FORMAT, type AccountData, type UserData } from './state.js';

/** A timestamp: ISO 8601 text (`2025-01-10T09:00:00Z`) or a Date. */
export type SeedDate = string | Date;

export interface SandboxSeed {
  /** 12 digits; quote it in YAML so leading zeros survive. */
  account: string;
  /** The user the sandbox's callers are (GetCallerIdentity); must be one of `users`. */
  caller: string;
  /** A custom policy; parameters left out take UpdateAccountPasswordPolicy's omitted values. Absent: the AWS default. */
  passwordPolicy?: Partial<PasswordPolicy>;
  users: SeedUser[];
}

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
  /** The user's permissions allow `iam:ChangePassword` on themselves. */
  canChangePassword?: boolean;
  accessKeys?: { status?: 'Active' | 'Inactive'; createDate?: SeedDate }[];
}

/** Used when neither a state file nor a seed is given: an account with only its (console-enabled) caller. */
export const DEFAULT_SEED: SandboxSeed = {
  account: '123456789012',
  caller: 'admin',
  users: [{ name: 'admin', loginProfile: {}, mfa: true, canChangePassword: true }],
};

/** Reads and parses a seed file; the result is validated by `accountFromSeed`. */
export function readSeedFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SandboxSetupError(`cannot read sandbox seed ${path}: ${(error as Error).message}`);
  }
  try {
    return parse(text);
  } catch (error) {
    throw new SandboxSetupError(`sandbox seed ${path} is not valid YAML: ${(error as Error).message}`);
  }
}

/** Validates a seed and builds the account it describes; throws one error listing every problem. */
export function accountFromSeed(seed: unknown, source: string, now: Date = new Date()): AccountData {
  const check = new SeedChecker();
  const root = check.object(seed, 'seed', ['account', 'caller', 'passwordPolicy', 'users']);
  const account = check.account(root?.account);
  const caller = check.string(root?.caller, 'caller');
  const passwordPolicy = root?.passwordPolicy === undefined ? null : check.policy(root.passwordPolicy);

  const users: UserData[] = [];
  const rawUsers = root?.users ?? [];
  if (!Array.isArray(rawUsers)) check.problem('users', 'must be a list');
  else rawUsers.forEach((raw, index) => {
    const user = check.user(raw, `users[${index}]`, account, now);
    if (!user) return;
    const clash = users.find((other) => other.name.toLowerCase() === user.name.toLowerCase());
    if (clash) check.problem(`users[${index}].name`, `"${user.name}" is already used by "${clash.name}" (user names are unique case-insensitively)`);
    else users.push(user);
  });
  if (users.length > QUOTAS.usersPerAccount) check.problem('users', `at most ${QUOTAS.usersPerAccount} users per account`);
  if (caller !== undefined && !users.some((user) => user.name === caller)) {
    check.problem('caller', `"${caller}" is not one of the users`);
  }

  if (check.problems.length > 0) {
    throw new SandboxSetupError(`invalid sandbox seed ${source}:\n${check.problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return { format: STATE_FORMAT, account: account!, caller: caller!, passwordPolicy, users, credentialReport: null };
}

type Fields = Record<string, unknown>;

/** Collects problems as `location: what is wrong` and returns `undefined` for values it could not accept. */
class SeedChecker {
  readonly problems: string[] = [];

  problem(where: string, what: string): void {
    this.problems.push(`${where}: ${what}`);
  }

  /** A mapping; with `allowed`, any other key is reported (catches misspelt fields). */
  object(value: unknown, where: string, allowed?: readonly string[]): Fields | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      this.problem(where, 'must be a mapping');
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (allowed && !allowed.includes(key)) this.problem(where, `unknown field "${key}" (expected one of: ${allowed.join(', ')})`);
    }
    return value as Fields;
  }

  string(value: unknown, where: string): string | undefined {
    if (typeof value === 'string') return value;
    this.problem(where, value === undefined ? 'is required' : 'must be a string');
    return undefined;
  }

  boolean(value: unknown, where: string): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    this.problem(where, 'must be true or false');
    return undefined;
  }

  date(value: unknown, where: string): string | undefined {
    if (value === undefined) return undefined;
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    if (date && !Number.isNaN(date.getTime())) return isoSeconds(date);
    this.problem(where, 'must be an ISO 8601 timestamp such as 2025-01-10T09:00:00Z');
    return undefined;
  }

  account(value: unknown): string | undefined {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text === 'string' && /^\d{12}$/.test(text)) return text;
    this.problem('account', value === undefined ? 'is required' : 'must be a 12-digit account ID (quote it in YAML so leading zeros survive)');
    return undefined;
  }

  policy(value: unknown): PasswordPolicy | null {
    const fields = this.object(value, 'passwordPolicy', Object.keys(OMITTED_POLICY_PARAMETERS));
    if (!fields) return null;
    const policy: PasswordPolicy = { ...OMITTED_POLICY_PARAMETERS };
    for (const [key, raw] of Object.entries(fields)) {
      const name = key as keyof PasswordPolicy;
      const where = `passwordPolicy.${key}`;
      if (!(name in policy)) continue;
      if (name in POLICY_RANGES) {
        const { min, max } = POLICY_RANGES[name as keyof typeof POLICY_RANGES];
        if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) (policy[name] as number) = raw;
        else this.problem(where, `must be a whole number from ${min} to ${max}${min === 1 ? ' (leave it out for "off")' : ''}`);
      } else if (typeof raw === 'boolean') {
        (policy[name] as boolean) = raw;
      } else {
        this.problem(where, 'must be true or false');
      }
    }
    return policy;
  }

  user(value: unknown, where: string, account: string | undefined, now: Date): UserData | undefined {
    const allowed = ['name', 'path', 'tags', 'createDate', 'loginProfile', 'passwordLastUsed', 'mfa', 'canChangePassword', 'accessKeys'];
    const fields = this.object(value, where, allowed);
    if (!fields) return undefined;
    const name = this.string(fields.name, `${where}.name`);
    if (name !== undefined && !satisfies(name, USER_NAME)) this.problem(`${where}.name`, `"${name}" must be 1-64 characters of ${USER_NAME.patternText}`);
    const path = fields.path === undefined ? '/' : this.string(fields.path, `${where}.path`);
    if (path !== undefined && !satisfies(path, PATH)) this.problem(`${where}.path`, `"${path}" must be "/" or start and end with "/" (printable ASCII, up to 512 characters)`);
    const createDate = this.date(fields.createDate, `${where}.createDate`) ?? isoSeconds(now);
    const passwordLastUsed = this.date(fields.passwordLastUsed, `${where}.passwordLastUsed`) ?? null;
    const mfa = this.boolean(fields.mfa, `${where}.mfa`);
    const canChangePassword = this.boolean(fields.canChangePassword, `${where}.canChangePassword`) ?? false;

    let loginProfile: UserData['loginProfile'] = null;
    if (fields.loginProfile !== undefined && fields.loginProfile !== null) {
      const profile = this.object(fields.loginProfile, `${where}.loginProfile`, ['passwordResetRequired', 'createDate']);
      const profileDate = this.date(profile?.createDate, `${where}.loginProfile.createDate`) ?? createDate;
      loginProfile = {
        createDate: profileDate,
        passwordResetRequired: this.boolean(profile?.passwordResetRequired, `${where}.loginProfile.passwordResetRequired`) ?? false,
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
      tags: this.tags(fields.tags, `${where}.tags`),
      loginProfile,
      passwordLastUsed,
      mfaDevices: mfa ? [{ serialNumber: `arn:aws:iam::${account}:mfa/${name}`, enableDate: loginProfile?.createDate ?? createDate }] : [],
      canChangePassword,
      accessKeys: this.accessKeys(fields.accessKeys, `${where}.accessKeys`, `${account}:key:${name}`, createDate),
    };
  }

  tags(value: unknown, where: string): UserData['tags'] {
    if (value === undefined) return [];
    const fields = this.object(value, where);
    if (!fields) return [];
    const entries = Object.entries(fields);
    if (entries.length > QUOTAS.tagsPerUser) this.problem(where, `at most ${QUOTAS.tagsPerUser} tags per user`);
    const tags: UserData['tags'] = [];
    for (const [key, raw] of entries) {
      if (!satisfies(key, TAG_KEY)) this.problem(`${where}.${key}`, `tag keys must be 1-128 characters of ${TAG_KEY.patternText}`);
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        this.problem(`${where}.${key}`, 'must be a string');
        continue;
      }
      const text = String(raw);
      if (!satisfies(text, TAG_VALUE)) this.problem(`${where}.${key}`, `tag values must be 0-256 characters of ${TAG_VALUE.patternText}`);
      if (tags.some((tag) => tag.key.toLowerCase() === key.toLowerCase())) this.problem(`${where}.${key}`, 'tag keys are unique case-insensitively');
      tags.push({ key, value: text });
    }
    return tags;
  }

  accessKeys(value: unknown, where: string, idBase: string, userCreateDate: string): UserData['accessKeys'] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(where, 'must be a list');
      return [];
    }
    if (value.length > QUOTAS.accessKeysPerUser) this.problem(where, `at most ${QUOTAS.accessKeysPerUser} access keys per user`);
    return value.flatMap((raw, index) => {
      const fields = this.object(raw, `${where}[${index}]`, ['status', 'createDate']);
      if (!fields) return [];
      const status = fields.status ?? 'Active';
      if (status !== 'Active' && status !== 'Inactive') {
        this.problem(`${where}[${index}].status`, 'must be Active or Inactive');
        return [];
      }
      return [{
        id: awsId('AKIA', ACCESS_KEY_ID_LENGTH, `${idBase}:${index}`),
        status,
        createDate: this.date(fields.createDate, `${where}[${index}].createDate`) ?? userCreateDate,
      }];
    });
  }
}
