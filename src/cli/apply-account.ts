/**
 * One account's apply, after its plan was made and passed its gates: take the account's apply lock, let the caller
 * re-check under it what the plan depends on (and approve), then execute with the journal and deliver passwords.
 * `apply` runs it once; an organization apply runs it for each account, with its output gathered per account.
 */
import { sweepLeftovers } from '../apply/delivery.js';
import { execute, tally, type ApplyReport, type ExecutorEvent } from '../apply/execute.js';
import { iamJournal } from '../iam/journal.js';
import type { Plan } from '../model/plan.js';
import { acquireApplyLock, describeHolder } from '../operations/lock.js';
import { asUserError } from '../operations/refresh.js';
import type { Session } from '../operations/session.js';
import { createResultLog, renderApplySummary } from '../render/apply-log.js';
import { UserError } from '../util/user-error.js';
import type { DeliveryFlags, PreparedPasswords } from './passwords.js';
import type { Presentation } from './presentation.js';
import type { StopSignal } from './stop.js';

/** Where an account's apply writes: straight to the terminal, or gathered to print as the account's section. */
export interface ApplyOutput {
  out(text: string): void;
  err(text: string): void;
  /** The live Ink view of apply: only for a lone account at a terminal. */
  live: boolean;
}

/** What to execute, once re-checked under the lock; `null`: nothing (already said why). */
export interface ReadyToApply {
  plan: Plan;
  passwords: PreparedPasswords;
  /** Users the journal records as unconfirmed: a removal clears their record. */
  journaled: ReadonlySet<string>;
}

export interface AccountApplyOptions extends DeliveryFlags {
  concurrency: number;
  /** How long to wait for another apply's lock on the account, in ms. */
  lockTimeout?: number;
}

export interface AccountApplied {
  /** `null` when nothing was executed (`underLock` answered `null`). */
  report: ApplyReport | null;
  passwords: PreparedPasswords | null;
}

export async function applyAccount(
  session: Session,
  expectedAccount: string | null,
  underLock: () => Promise<ReadyToApply | null>,
  context: { flags: AccountApplyOptions; output: ApplyOutput; shown: Presentation; stop: StopSignal },
): Promise<AccountApplied> {
  return withApplyLock(session, expectedAccount, context.flags, context.output, async () => {
    const ready = await underLock();
    if (ready === null) return { report: null, passwords: null };
    if (context.stop.requested()) throw new UserError('Interrupted before applying. Nothing was changed.');
    const report = await carryOut(ready, session, context);
    return { report, passwords: ready.passwords };
  });
}

/** Whether an executed report had any action fail or not run. */
export function applyFailed(report: ApplyReport): boolean {
  const counts = tally(report);
  return counts.failed > 0 || counts['not-run'] > 0;
}

/**
 * Runs `work` holding the account's apply lock (operations/lock.ts), released however `work` ends: taken only once
 * there is something to write, and `work` re-reads what it depends on under it. Leftover temporary delivery files of
 * a killed run are swept once it is held. A mismatched account is left for the read to report, without a lock.
 */
async function withApplyLock<T>(session: Session, expectedAccount: string | null, flags: AccountApplyOptions, output: ApplyOutput, work: () => Promise<T>): Promise<T> {
  const identity = await session.gateway.callerIdentity().catch(asUserError);
  if (expectedAccount !== null && identity.account !== expectedAccount) return work();
  const lock = await acquireApplyLock(session.gateway, {
    callerArn: identity.arn,
    account: identity.account,
    waitMs: flags.lockTimeout ?? 0,
    onWait: (info) => output.err(`Waiting for the apply lock on account ${identity.account}: ${describeHolder(info)}...\n`),
  }).catch(async (error: unknown) => {
    if (error instanceof UserError) throw error;
    return asUserError(error);
  });
  try {
    for (const dir of [flags.deliveryDir ?? 'iampass-delivery', flags.passwordDir]) {
      if (dir) await sweepLeftovers(dir, identity.account);
    }
    return await work();
  } finally {
    const note = await lock.release();
    if (note) output.err(`warning: ${note}\n`);
  }
}

/** Executes the plan with the live view at a terminal, one line per action elsewhere, and the closing summary. */
async function carryOut(
  { plan, passwords, journaled }: ReadyToApply,
  session: Session,
  { flags, output, shown, stop }: { flags: AccountApplyOptions; output: ApplyOutput; shown: Presentation; stop: StopSignal },
): Promise<ApplyReport> {
  const view = output.live ? await followInTerminal(plan, shown) : null;
  const log = createResultLog((line) => output.out(`${line}\n`), shown.style);
  if (!view) output.out('\n');
  const unsubscribe = stop.onRequest(() =>
    view ? view.stopping() : output.err('\nInterrupt received: finishing calls in flight, starting no new ones...\n'),
  );
  const report = await execute(plan, {
    gateway: session.gateway,
    passwords: passwords.handling,
    journal: iamJournal(session.gateway),
    journaled,
    concurrency: flags.concurrency,
    shouldStop: () => stop.requested(),
    onEvent: (event: ExecutorEvent) => (view ? view.onEvent(event) : log.onEvent(event)),
  }).finally(unsubscribe);
  if (view) await view.finish(report);
  else {
    log.finish(report);
    output.out(`\n${renderApplySummary(report, shown.style)}`);
  }
  return report;
}

async function followInTerminal(plan: Plan, shown: Presentation) {
  const { followApply } = await import('../ui/run.js');
  return followApply(plan, shown.ui);
}
