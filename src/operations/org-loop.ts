/**
 * The organization loop: one account target's operation (plan, apply, drift, status) for each target account, at
 * most `maxConcurrent` accounts at a time. One account's failure never stops the others; every account ends with
 * one status (in sync, changes, error, unreachable), and the run fails when more accounts than the tolerance did.
 *
 * Memory is bounded by what each operation chooses to keep: an account's session, live state and plan exist only
 * while its operation runs (at most `maxConcurrent` at once); afterwards only its outcome remains, holding the
 * `result` the operation returned (a plan document, a report: never `LiveState`). For 300 accounts that is 300
 * small documents and `maxConcurrent` live states, not 300 of each.
 */
import type { AccountProblem, AccountStatus, TargetAccount } from '../model/organization-tree.js';
import { UserError } from '../util/user-error.js';
import { Unreachable, type ConnectedAccount } from './org-access.js';

export type { AccountProblem, AccountStatus };

/** Every status, in the order summaries list them. */
export const ACCOUNT_STATUSES: readonly AccountStatus[] = ['in-sync', 'changes', 'error', 'unreachable'];

/** How one account ended. `result` is what its operation kept (absent when it never ran or failed outright). */
export interface AccountOutcome<K> {
  account: string;
  name: string;
  status: AccountStatus;
  /** The role assumed to reach it; `null` for the caller's own account, or when it was never reached. */
  roleArn: string | null;
  result: K | null;
  problem: AccountProblem | null;
}

/** What an account's operation returns: its status, and what the run keeps of it. */
export interface AccountWork<K> {
  status: 'in-sync' | 'changes' | 'error';
  result: K;
  problem?: AccountProblem;
}

export interface LoopOptions<K> {
  maxConcurrent: number;
  /** Once true, no further account starts; those not started end as `error` ("not run"). */
  aborted: () => boolean;
  onStart?: (target: TargetAccount) => void;
  onDone?: (outcome: AccountOutcome<K>) => void;
}

export async function forEachAccount<K>(
  targets: readonly TargetAccount[],
  connectTo: (target: TargetAccount) => Promise<ConnectedAccount>,
  run: (target: TargetAccount, connected: ConnectedAccount) => Promise<AccountWork<K>>,
  options: LoopOptions<K>,
): Promise<AccountOutcome<K>[]> {
  const outcomes = new Array<AccountOutcome<K>>(targets.length);
  let next = 0;
  const one = async (target: TargetAccount): Promise<AccountOutcome<K>> => {
    options.onStart?.(target);
    let connected: ConnectedAccount;
    try {
      connected = await connectTo(target);
    } catch (error) {
      return failed(target, null, error);
    }
    try {
      const work = await run(target, connected);
      return { account: target.id, name: target.name, status: work.status, roleArn: connected.roleArn, result: work.result, problem: work.problem ?? null };
    } catch (error) {
      return failed(target, connected.roleArn, error);
    } finally {
      connected.session.close();
    }
  };
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index] as TargetAccount;
      const outcome = options.aborted() ? notRun<K>(target) : await one(target);
      outcomes[index] = outcome;
      options.onDone?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.maxConcurrent, targets.length)) }, worker));
  return outcomes;
}

function failed<K>(target: TargetAccount, roleArn: string | null, error: unknown): AccountOutcome<K> {
  const base = { account: target.id, name: target.name, roleArn, result: null };
  if (error instanceof Unreachable) return { ...base, status: 'unreachable', problem: { message: error.message, fix: error.fix, code: error.code } };
  return { ...base, status: 'error', problem: problemOf(error) };
}

/** Any failure in one account, worded for a person: a `UserError` as it is, an AWS error with its code. */
export function problemOf(error: unknown): AccountProblem {
  if (error instanceof UserError) {
    const [message, ...rest] = error.message.split('\n  fix: ');
    return { message: (message ?? '').replace(/\nNothing was changed\.$/, '').trim(), fix: rest.length > 0 ? rest.join('; ').replace(/\nNothing was changed\.$/, '').trim() : null, code: null };
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return { message: `${code}: ${(error as Error).message}`, fix: null, code };
  return { message: `internal error: ${(error as Error).message}`, fix: 'please report this; set IAMPASS_DEBUG=1 for a stack trace', code: null };
}

function notRun<K>(target: TargetAccount): AccountOutcome<K> {
  return {
    account: target.id,
    name: target.name,
    status: 'error',
    roleArn: null,
    result: null,
    problem: { message: 'not run: the run was interrupted before this account started', fix: 'run again', code: null },
  };
}

/** Accounts per status. */
export function countStatuses(outcomes: ReadonlyArray<{ status: AccountStatus }>): Record<AccountStatus, number> {
  const counts: Record<AccountStatus, number> = { 'in-sync': 0, changes: 0, error: 0, unreachable: 0 };
  for (const o of outcomes) counts[o.status] += 1;
  return counts;
}

/** Errors and unreachable accounts both count as failed. */
export function failedCount(outcomes: ReadonlyArray<{ status: AccountStatus }>): number {
  const counts = countStatuses(outcomes);
  return counts.error + counts.unreachable;
}
