/**
 * Carries out a Plan through an `IamGateway`. The executor never prints: it reports through events, which the Ink
 * view and the plain logger both subscribe to, and returns one result per action. It does not throw past a
 * single failed action; only a bug escapes.
 */
import { IamError } from '../iam/errors.js';
import type { IamGateway } from '../iam/gateway.js';
import { EXECUTION_PHASES, phaseOf, type Action, type Plan, type ProfileAction } from '../model/plan.js';
import { mapLimit } from '../util/pool.js';
import type { PasswordHandling } from './delivery.js';
import type { PasswordJournal } from '../iam/journal.js';
import { setPassword } from './set-password.js';

export type ActionStatus = 'ok' | 'failed' | 'skipped' | 'not-run';

/**
 * What happened to one action. `skipped`: IAM was already in the wanted state when the call ran (changed outside
 * this apply since the plan). `not-run`: never started (interrupted).
 */
export interface ActionResult {
  index: number;
  action: Action;
  status: ActionStatus;
  /** The AWS error code, for `failed`. */
  code?: string;
  /** One sentence for a person; never contains a password. */
  message: string;
}

export type ExecutorEvent =
  | { type: 'started'; index: number; action: Action }
  | { type: 'finished'; result: ActionResult };

export interface ExecuteOptions {
  gateway: IamGateway;
  /** Required when the plan sets a password (a create or a rotation). */
  passwords: PasswordHandling | null;
  /** Where users whose password may be unknown are recorded, in IAM (see set-password.ts). */
  journal: PasswordJournal;
  /** Users the journal holds now: a removal clears their record too. */
  journaled?: ReadonlySet<string>;
  concurrency: number;
  onEvent?: (event: ExecutorEvent) => void;
  /** Once true, no new action starts; those in flight finish. */
  shouldStop?: () => boolean;
}

export interface ApplyReport {
  results: ActionResult[];
  /** True when a stop request left actions `not-run`. */
  interrupted: boolean;
}

/** The plan's action indexes by execution phase (see `EXECUTION_PHASES`): each phase finishes before the next starts. */
function phases(plan: Plan): number[][] {
  return EXECUTION_PHASES.map((phase) => plan.actions.flatMap((action, index) => (phaseOf(action) === phase ? [index] : [])));
}

export async function execute(plan: Plan, options: ExecuteOptions): Promise<ApplyReport> {
  const shouldStop = options.shouldStop ?? (() => false);
  const results: ActionResult[] = plan.actions.map((action, index) => ({
    index,
    action,
    status: 'not-run',
    message: 'not started',
  }));
  for (const phase of phases(plan)) {
    // The policy phase runs one call at a time (it has at most one action); profile phases are independent users.
    await mapLimit(
      phase,
      options.concurrency,
      async (index) => {
        const action = plan.actions[index] as Action;
        options.onEvent?.({ type: 'started', index, action });
        const outcome = await runAction(action, options);
        const result: ActionResult = { index, action, ...outcome };
        results[index] = result;
        options.onEvent?.({ type: 'finished', result });
      },
      shouldStop,
    );
  }
  return { results, interrupted: results.some((r) => r.status === 'not-run') };
}

type Outcome = Pick<ActionResult, 'status' | 'code' | 'message'>;

async function runAction(action: Action, options: ExecuteOptions): Promise<Outcome> {
  try {
    switch (action.kind) {
      case 'update-password-policy':
        await options.gateway.updatePasswordPolicy(action.after);
        return ok(action.before === null ? 'custom password policy set' : 'password policy updated');
      case 'delete-password-policy':
        return await deletePolicy(options);
      case 'create-login-profile':
        return await createProfile(action, options);
      case 'update-login-profile':
        return await updateProfile(action, options);
      case 'delete-login-profile':
        return await deleteProfile(action, options);
    }
  } catch (error) {
    if (error instanceof IamError) return failed(error);
    throw error;
  }
}

async function deletePolicy(options: ExecuteOptions): Promise<Outcome> {
  try {
    await options.gateway.deletePasswordPolicy();
    return ok('custom password policy deleted; the AWS default is in force');
  } catch (error) {
    if (error instanceof IamError && error.code === 'NoSuchEntity') {
      return error.attempts > 1
        ? ok('custom password policy deleted (an earlier attempt succeeded without a reply)')
        : skipped('no custom policy was set any more (removed outside this apply since the plan)');
    }
    throw error;
  }
}

async function createProfile(
  action: Extract<ProfileAction, { kind: 'create-login-profile' }>,
  options: ExecuteOptions,
): Promise<Outcome> {
  return setPassword(action, options, 'console access enabled');
}

async function updateProfile(
  action: Extract<ProfileAction, { kind: 'update-login-profile' }>,
  options: ExecuteOptions,
): Promise<Outcome> {
  const reset = action.after.passwordResetRequired;
  if (action.after.password === null) {
    await options.gateway.updateLoginProfile(action.user, { passwordResetRequired: reset });
    return ok(reset ? 'password reset required at next sign-in' : 'pending password reset cleared');
  }
  return setPassword(action, options, `${action.rotation ? 'password rotated' : 'new password set'}${reset ? ', reset required at next sign-in' : ''}`);
}

async function deleteProfile(
  action: Extract<ProfileAction, { kind: 'delete-login-profile' }>,
  options: ExecuteOptions,
): Promise<Outcome> {
  let outcome: Outcome;
  try {
    await options.gateway.deleteLoginProfile(action.user);
    outcome = ok('console access removed');
  } catch (error) {
    if (!(error instanceof IamError) || error.code !== 'NoSuchEntity') throw error;
    if (error.attempts > 1) outcome = ok('console access removed (an earlier attempt succeeded without a reply)');
    else if ((await options.gateway.getLoginProfile(action.user)) === null) outcome = skipped('had no login profile any more (removed outside this apply since the plan)');
    else throw error;
  }
  // No password any more, so none is unknown: a record of an unconfirmed one goes with it.
  if (options.journaled?.has(action.user)) await options.journal.clear(action.user);
  return outcome;
}

const ok = (message: string): Outcome => ({ status: 'ok', message });
const skipped = (message: string): Outcome => ({ status: 'skipped', message });
const failed = (error: IamError): Outcome => ({ status: 'failed', code: error.code, message: error.message });

/** Counts by status, for the final summary. */
export function tally(report: ApplyReport): Record<ActionStatus, number> {
  const counts: Record<ActionStatus, number> = { ok: 0, failed: 0, skipped: 0, 'not-run': 0 };
  for (const r of report.results) counts[r.status] += 1;
  return counts;
}
