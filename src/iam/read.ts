/**
 * Reads the live side of the diff through an `IamGateway`: who the caller is, the password policy, which users
 * the file governs (decided by the pure `resolveScope`), and each governed user's login profile. Per-user calls
 * run with bounded concurrency.
 */
import type { LiveState, LiveUser } from '../model/live.js';
import type { PasswordPolicy } from '../model/policy.js';
import type { ReadRequest } from '../model/read-request.js';
import { ROTATION_TAG } from '../model/plan.js';
import { needsTags, pathInScope, resolveScope, type ScopeCandidate, type UnresolvedUser } from '../plan/scope.js';
import { byCodePoint } from '../util/compare.js';
import { mapLimit } from '../util/pool.js';
import { IamError } from './errors.js';
import type { IamGateway, ListedUser } from './gateway.js';
import { JOURNAL_GROUP, readJournal } from './journal.js';

/** Progress of a read, for the refresh line. Counts only grow; `phase` says what is happening now. */
export interface ReadProgress {
  /** `facts`: reading what the advisories need (the credential report, simulations). */
  phase: 'identity' | 'users' | 'tags' | 'profiles' | 'facts' | 'done';
  usersListed: number;
  usersInScope: number;
  profilesRead: number;
  profilesToRead: number;
}

export interface ReadOptions {
  concurrency: number;
  onProgress?: (progress: ReadProgress) => void;
  /** Checked between calls: once true, no new call starts and the read rejects. */
  aborted?: () => boolean;
  /**
   * Called once the account is confirmed, before users are listed: lets reads that need no user list (the
   * credential report) start alongside, and never against an account the file does not govern.
   */
  afterIdentity?: () => void;
  /** Where the account's users come from; default one ListUsers listing (the fast modes take the credential report's). */
  listUsers?: () => Promise<ListedUser[]>;
}

export type ReadResult =
  | { ok: true; live: LiveState }
  | { ok: false; kind: 'wrong-account'; expected: string; actual: string; callerArn: string }
  | { ok: false; kind: 'unresolved-users'; users: UnresolvedUser[]; account: string };

/** A read that failed at IAM: names the call, the user where there is one, and the AWS error. */
export class ReadError extends Error {
  override readonly name = 'ReadError';
  constructor(
    readonly operation: string,
    readonly user: string | undefined,
    readonly error: IamError,
  ) {
    super(`${operation}${user ? ` for user ${user}` : ''} failed: ${error.code}: ${error.message}`);
  }
}

/**
 * The account's governed users, resolved without reading any of them in detail: who the caller is, the policy in
 * force, every user listed, tags where the scope needs them. `readLiveState` and `status` both start here, then
 * read per user what they need. `tags` is set only for users whose tags were read.
 */
export interface GovernedUsers {
  account: string;
  callerArn: string;
  passwordPolicy: PasswordPolicy | null;
  /** In `scope.governed` order. */
  users: Array<ListedUser & ScopeCandidate>;
  unlistedIgnored: string[];
  outOfScopeCount: number;
  /** The journal of unconfirmed passwords (one GetGroup): its users, or why it could not be read. */
  journal: { users: ReadonlySet<string> } | { unknown: string };
}

/**
 * The live state of the governed users, once each one's login profile and tags are known: users sorted by name, and
 * the journal's users that are no longer governed (its entries for governed users are on each user).
 */
export function liveStateOf(governed: GovernedUsers, users: LiveUser[]): LiveState {
  const governedNames = new Set(users.map((u) => u.name));
  const { journal } = governed;
  return {
    account: governed.account,
    callerArn: governed.callerArn,
    passwordPolicy: governed.passwordPolicy,
    users: users.sort((a, b) => byCodePoint(a.name, b.name)),
    unlistedIgnored: governed.unlistedIgnored,
    outOfScopeCount: governed.outOfScopeCount,
    journal: 'users' in journal ? { ungoverned: [...journal.users].filter((u) => !governedNames.has(u)).sort(byCodePoint) } : journal,
  };
}

export type GovernedResult =
  | { ok: true; governed: GovernedUsers }
  | Exclude<ReadResult, { ok: true }>;

export async function resolveGoverned(
  gateway: IamGateway,
  request: ReadRequest,
  options: ReadOptions,
  progress: ReadProgress = { phase: 'identity', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 },
): Promise<GovernedResult> {
  const report = () => options.onProgress?.({ ...progress });
  report();
  const identity = await step('GetCallerIdentity', undefined, () => gateway.callerIdentity());
  if (request.account !== null && request.account !== identity.account) {
    return { ok: false, kind: 'wrong-account', expected: request.account, actual: identity.account, callerArn: identity.arn };
  }
  options.afterIdentity?.();
  // Read even when the file leaves the policy alone: passwords iampass generates must meet the one in force.
  const passwordPolicy = await step('GetAccountPasswordPolicy', undefined, () => gateway.getPasswordPolicy());
  // One call: who an earlier apply could not confirm a password for. Unreadable is said, never taken as "nobody".
  const journal = await readJournal(gateway).then(
    (users) => ({ users: new Set(users) }),
    (error: unknown) => {
      if (error instanceof IamError) return { unknown: `GetGroup ${JOURNAL_GROUP}: ${error.code}: ${error.message}` };
      throw error;
    },
  );

  progress.phase = 'users';
  report();
  const all = await (options.listUsers ? options.listUsers() : step('ListUsers', undefined, () => gateway.listUsers()));
  progress.usersListed = all.length;

  const candidates = await withTags(gateway, request, all, options, () => {
    progress.phase = 'tags';
    report();
  });
  const scope = resolveScope(request, candidates);
  progress.usersInScope = scope.inScopeCount;
  if (scope.unresolved.length > 0) {
    return { ok: false, kind: 'unresolved-users', users: scope.unresolved, account: identity.account };
  }
  const byName = new Map(candidates.map((c) => [c.name, c]));
  return {
    ok: true,
    governed: {
      account: identity.account,
      callerArn: identity.arn,
      passwordPolicy,
      users: scope.governed.map((name) => byName.get(name) as ListedUser & ScopeCandidate),
      unlistedIgnored: scope.unlistedIgnored,
      outOfScopeCount: scope.outOfScopeCount,
      journal,
    },
  };
}

export async function readLiveState(gateway: IamGateway, request: ReadRequest, options: ReadOptions): Promise<ReadResult> {
  const progress: ReadProgress = { phase: 'identity', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 };
  const report = () => options.onProgress?.({ ...progress });
  const shouldStop = options.aborted ?? (() => false);
  const resolved = await resolveGoverned(gateway, request, options, progress);
  if (!resolved.ok) return resolved;
  const { governed } = resolved;

  progress.phase = 'profiles';
  progress.profilesToRead = governed.users.length;
  report();
  const { journal } = governed;
  // The rotation token lives in a tag: read (once) only for users whose entry asks for rotation.
  const rotatingSet = request.rotating === 'all' ? null : new Set(request.rotating);
  const rotates = (name: string) => rotatingSet === null || rotatingSet.has(name);
  const users = await mapLimit(
    governed.users,
    options.concurrency,
    async (c): Promise<LiveUser> => {
      const name = c.name;
      const loginProfile = await step('GetLoginProfile', name, () => gateway.getLoginProfile(name));
      const tags = c.tags ?? (rotates(name) ? await step('ListUserTags', name, () => gateway.listUserTags(name)) : {});
      progress.profilesRead += 1;
      report();
      return {
        name,
        arn: c.arn,
        path: c.path,
        tags,
        passwordLastUsed: c.passwordLastUsed,
        loginProfile,
        rotation: rotates(name) ? (tags[ROTATION_TAG] ?? null) : null,
        unconfirmed: 'users' in journal && journal.users.has(name),
      };
    },
    shouldStop,
  );
  if (shouldStop()) throw interruptedRead();

  progress.phase = 'done';
  report();
  return { ok: true, live: liveStateOf(governed, users) };
}

/** The error a read rejects with once `aborted` said stop. */
export function interruptedRead(): ReadError {
  return new ReadError('read', undefined, new IamError('Interrupted', 'the read was interrupted', undefined, undefined));
}

/** Tags cost one call per user, so they are read only when the scope filters on them, and only for users whose path is in scope. */
async function withTags(
  gateway: IamGateway,
  request: ReadRequest,
  users: ListedUser[],
  options: ReadOptions,
  onStart: () => void,
): Promise<Array<ListedUser & ScopeCandidate>> {
  if (!needsTags(request)) return users;
  onStart();
  const shouldStop = options.aborted ?? (() => false);
  return mapLimit(
    users,
    options.concurrency,
    async (u) => (pathInScope(request, u.path) ? { ...u, tags: await step('ListUserTags', u.name, () => gateway.listUserTags(u.name)) } : u),
    shouldStop,
  );
}

/** Runs one read, naming the call and the user in the `ReadError` it becomes when IAM fails it. */
export async function step<T>(operation: string, user: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof IamError) throw new ReadError(operation, user, error);
    throw error;
  }
}
