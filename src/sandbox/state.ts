/**
 * The sandbox account: plain JSON-safe data (what the state file and `snapshot()` hold) behind a small class
 * that keeps IAM's invariants: user names unique case-insensitively, users kept in name order for paging.
 */
import { SandboxSetupError } from './errors.js';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setImmediate } from 'node:timers';
import { noSuchUser } from './errors.js';
import type { PasswordPolicy } from './passwords.js';

export interface AccountData {
  /** Bumped when the layout changes, so an old state file is refused rather than misread. */
  format: typeof STATE_FORMAT;
  account: string;
  /** The user whose credentials every request is taken to carry (GetCallerIdentity, calls without UserName). */
  caller: string;
  /** `null` while the AWS default policy is in force. */
  passwordPolicy: PasswordPolicy | null;
  /** Sorted by `compareNames`. */
  users: UserData[];
  credentialReport: CredentialReportData | null;
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
  /** Whether the user's permissions allow `iam:ChangePassword` on themselves (answered by SimulatePrincipalPolicy). */
  canChangePassword: boolean;
  accessKeys: AccessKeyData[];
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

/** The last credential report: generated in one go, so it is ready as soon as GenerateCredentialReport returns. */
export interface CredentialReportData {
  generatedTime: string;
  csv: string;
}

export const STATE_FORMAT = 1;

/** IAM's quotas that the sandbox enforces. */
export const QUOTAS = { usersPerAccount: 5000, accessKeysPerUser: 2, tagsPerUser: 50 } as const;

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

export class Account {
  private readonly byName = new Map<string, UserData>();

  constructor(readonly data: AccountData) {
    data.users.sort((a, b) => compareNames(a.name, b.name));
    for (const user of data.users) this.byName.set(user.name.toLowerCase(), user);
  }

  get id(): string {
    return this.data.account;
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

  removeUser(user: UserData): void {
    this.data.users.splice(this.data.users.indexOf(user), 1);
    this.byName.delete(user.name.toLowerCase());
  }

  userArn(user: UserData): string {
    return `arn:aws:iam::${this.data.account}:user${user.path}${user.name}`;
  }
}

/** The saved account, or `undefined` when there is no state file yet. */
export function readStateFile(path: string): AccountData | undefined {
  if (!existsSync(path)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SandboxSetupError(`sandbox state file ${path} is not valid JSON (${(error as Error).message}); delete it to start again from the seed`);
  }
  const candidate = data as Partial<AccountData> | null;
  if (candidate?.format !== STATE_FORMAT || typeof candidate.account !== 'string' || !Array.isArray(candidate.users)) {
    throw new SandboxSetupError(`sandbox state file ${path} is not an iampass sandbox state (format ${STATE_FORMAT}); delete it to start again from the seed`);
  }
  return candidate as AccountData;
}

/**
 * Replaces the state file atomically (write a temporary file beside it, then rename over it), so another
 * process reading it never sees half a file. Mode 0600 because it holds password hashes.
 */
export function writeStateFile(path: string, data: AccountData): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * Saves after changes, with group commit: changes made in the same turn of the event loop share one write
 * (scheduled with setImmediate), which matters once the account has thousands of users. Each write is a whole
 * snapshot taken when it runs, so it includes every change made before `save` was called.
 */
export class StateFile {
  private pending: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  /** Resolves once a write including every change made so far is on disk. */
  save(data: AccountData): Promise<void> {
    this.pending ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.pending = undefined;
        try {
          writeStateFile(this.path, data);
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    return this.pending;
  }
}
