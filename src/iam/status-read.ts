/**
 * The per-user reads of `status`, beyond what resolving the governed users already read: login profiles and
 * rotation tags, each for exactly the users the operation names (it decides who, by cost), with bounded
 * concurrency. A failed read names the call and the user (`ReadError`), as the live read does.
 */
import type { CredentialReport, Unknown } from '../model/facts.js';
import type { LoginProfile } from '../model/live.js';
import { listedFromReport } from '../plan/report-users.js';
import { mapLimit } from '../util/pool.js';
import type { IamGateway, ListedUser } from './gateway.js';
import { interruptedRead, step } from './read.js';

export interface PerUserReadOptions {
  concurrency: number;
  aborted?: () => boolean;
  /** Called after each user's read. */
  onRead?: () => void;
}

/** `null` for a user without a login profile. */
export async function readLoginProfiles(gateway: IamGateway, users: readonly string[], options: PerUserReadOptions): Promise<Map<string, LoginProfile | null>> {
  return perUser(users, options, (user) => step('GetLoginProfile', user, () => gateway.getLoginProfile(user)));
}

export async function readUserTags(gateway: IamGateway, users: readonly string[], options: PerUserReadOptions): Promise<Map<string, Record<string, string>>> {
  return perUser(users, options, (user) => step('ListUserTags', user, () => gateway.listUserTags(user)));
}

async function perUser<T>(users: readonly string[], options: PerUserReadOptions, read: (user: string) => Promise<T>): Promise<Map<string, T>> {
  const shouldStop = options.aborted ?? (() => false);
  const values = await mapLimit(
    users,
    options.concurrency,
    async (user) => {
      const value = await read(user);
      options.onRead?.();
      return value;
    },
    shouldStop,
  );
  if (shouldStop()) throw interruptedRead();
  return new Map(users.map((user, i) => [user, values[i] as T]));
}

/**
 * The account's users as the credential report lists them, for the fast modes: no ListUsers page at all. A user
 * the file lists but the report does not (created after it) is looked up with GetUser, so it is governed (and then
 * read exactly) or reported missing, as with a listing. Without a report, ListUsers as usual.
 */
export async function listUsersFromReport(
  gateway: IamGateway,
  report: Promise<CredentialReport | Unknown>,
  listed: readonly string[],
  options: PerUserReadOptions,
): Promise<ListedUser[]> {
  const read = await report;
  if ('unknown' in read) return step('ListUsers', undefined, () => gateway.listUsers());
  const users: ListedUser[] = listedFromReport(read);
  const missing = listed.filter((name) => !read.users.has(name));
  const found = await perUser(missing, options, (user) => step('GetUser', user, () => gateway.getUser(user)));
  for (const user of found.values()) if (user !== null) users.push(user);
  return users;
}
