/**
 * Re-reads what a saved plan depends on, and nothing else: who the caller is, the password policy, the login
 * profile of each user an action touches, and the rotation token of each user it rotates (bounded concurrency). Stops after the identity when the account is
 * not the expected one: the other reads would describe a different account.
 */
import type { LoginProfile } from '../model/live.js';
import type { PasswordPolicy } from '../model/policy.js';
import { ROTATION_TAG } from '../model/plan.js';
import { mapLimit } from '../util/pool.js';
import { IamError } from './errors.js';
import type { IamGateway } from './gateway.js';
import { ReadError, step } from './read.js';

export interface Recheck {
  account: string;
  callerArn: string;
  /** Absent when the account differs from the expected one. */
  passwordPolicy?: PasswordPolicy | null;
  profiles?: Map<string, LoginProfile | null>;
  rotations?: Map<string, string | null>;
}

export async function recheck(
  gateway: IamGateway,
  expected: { account: string; users: readonly string[]; rotating: readonly string[] },
  options: { concurrency: number; aborted?: () => boolean },
): Promise<Recheck> {
  const identity = await step('GetCallerIdentity', undefined, () => gateway.callerIdentity());
  if (identity.account !== expected.account) return { account: identity.account, callerArn: identity.arn };
  const passwordPolicy = await step('GetAccountPasswordPolicy', undefined, () => gateway.getPasswordPolicy());
  const profiles = await mapLimit(
    expected.users,
    options.concurrency,
    async (name) => [name, await step('GetLoginProfile', name, () => gateway.getLoginProfile(name))] as const,
    options.aborted,
  );
  const rotations = await mapLimit(
    expected.rotating,
    options.concurrency,
    async (name) => [name, (await step('ListUserTags', name, () => gateway.listUserTags(name)))[ROTATION_TAG] ?? null] as const,
    options.aborted,
  );
  if (options.aborted?.()) throw new ReadError('read', undefined, new IamError('Interrupted', 'the read was interrupted', undefined, undefined));
  return {
    account: identity.account,
    callerArn: identity.arn,
    passwordPolicy,
    profiles: new Map(profiles),
    rotations: new Map(rotations),
  };
}
