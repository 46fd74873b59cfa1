/**
 * Re-reads what a saved plan depends on, and nothing else: who the caller is, the password policy, and for each
 * user an action touches its login profile, its path (one ListUsers listing), and its tags where the scope filters
 * on tags or the plan recorded a rotation token (bounded concurrency). Stops after the identity when the account is
 * not the expected one: the other reads would describe a different account.
 */
import type { LoginProfile } from '../model/live.js';
import type { PasswordPolicy } from '../model/policy.js';
import { mapLimit } from '../util/pool.js';
import { IamError } from './errors.js';
import type { IamGateway } from './gateway.js';
import { readJournal } from './journal.js';
import { ReadError, step } from './read.js';

export interface Recheck {
  account: string;
  callerArn: string;
  /** Absent when the account differs from the expected one. */
  passwordPolicy?: PasswordPolicy | null;
  profiles?: Map<string, LoginProfile | null>;
  /** Each user's path now; a user missing from the map no longer exists. */
  paths?: Map<string, string>;
  /** Each re-read user's tags now. */
  tags?: Map<string, Record<string, string>>;
  /** The users the journal records as unconfirmed now. */
  unconfirmed?: Set<string>;
}

export interface RecheckRequest {
  account: string;
  users: readonly string[];
  /** Users whose tags must be read again (scope tags, or a recorded rotation token). */
  tagged: readonly string[];
}

export async function recheck(gateway: IamGateway, expected: RecheckRequest, options: { concurrency: number; aborted?: () => boolean }): Promise<Recheck> {
  const identity = await step('GetCallerIdentity', undefined, () => gateway.callerIdentity());
  if (identity.account !== expected.account) return { account: identity.account, callerArn: identity.arn };
  const passwordPolicy = await step('GetAccountPasswordPolicy', undefined, () => gateway.getPasswordPolicy());
  const unconfirmed = new Set(await step('GetGroup', undefined, () => readJournal(gateway)));
  const wanted = new Set(expected.users);
  const paths = new Map<string, string>();
  if (wanted.size > 0) {
    for (const u of await step('ListUsers', undefined, () => gateway.listUsers())) if (wanted.has(u.name)) paths.set(u.name, u.path);
  }
  const profiles = await mapLimit(
    expected.users.filter((name) => paths.has(name)),
    options.concurrency,
    async (name) => [name, await step('GetLoginProfile', name, () => gateway.getLoginProfile(name))] as const,
    options.aborted,
  );
  const tags = await mapLimit(
    expected.tagged.filter((name) => paths.has(name)),
    options.concurrency,
    async (name) => [name, await step('ListUserTags', name, () => gateway.listUserTags(name))] as const,
    options.aborted,
  );
  if (options.aborted?.()) throw new ReadError('read', undefined, new IamError('Interrupted', 'the read was interrupted', undefined, undefined));
  return {
    account: identity.account,
    callerArn: identity.arn,
    passwordPolicy,
    profiles: new Map(profiles),
    paths,
    tags: new Map(tags),
    unconfirmed,
  };
}
