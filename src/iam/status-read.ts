/**
 * The per-user reads of `status`, beyond what resolving the governed users already read: login profiles and
 * rotation tags, each for exactly the users the operation names (it decides who, by cost), with bounded
 * concurrency. A failed read names the call and the user (`ReadError`), as the live read does.
 */
import type { LoginProfile } from '../model/live.js';
import { mapLimit } from '../util/pool.js';
import type { IamGateway } from './gateway.js';
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
