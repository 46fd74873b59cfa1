/**
 * The operation every command that reads an account runs: read -> diff -> advise, for one account target. As
 * Terraform's local backend sits between commands and views, this sits between the CLI (flags, views) and the
 * pure core (plan/) and the IAM adapter (iam/): commands never compose reads themselves, and an organization run
 * calls the same function once per account. Facts that cannot be read become a warning, never a failure; every
 * other failure becomes a `UserError` worded for a person.
 */
import type { ReadProgress } from '../iam/read.js';
import type { DesiredState } from '../model/desired.js';
import type { CredentialReport } from '../model/facts.js';
import type { LiveState } from '../model/live.js';
import type { Plan } from '../model/plan.js';
import { readRequestOf, type ReadRequest } from '../model/read-request.js';
import { advise, withAdvisories } from '../plan/advisories.js';
import { diff } from '../plan/diff.js';
import { UserError } from '../util/user-error.js';
import { diagnosticsError, unresolvedDiagnostics, wrongAccountError } from './errors.js';
import type { Session } from './session.js';

export interface RefreshHooks {
  onProgress?: (p: ReadProgress) => void;
  /** Checked between calls: once true, no new call starts and the operation rejects. */
  aborted?: () => boolean;
}

/** One account's plan, with the live state it was computed from (a saved plan's basis, a drift report's dates). */
export interface Refreshed {
  plan: Plan;
  live: LiveState;
  /** The credential report the advisories read, when there was one (a drift report's password dates). */
  credentialReport?: CredentialReport;
}

/** `file` names the desired-state file in messages about it. */
export async function refreshAccount(session: Session, desired: DesiredState, file: string, hooks: RefreshHooks = {}): Promise<Refreshed> {
  const { readAccountFacts, readCredentialReport, factCalls } = await import('../iam/facts.js');
  const callsBefore = { ...session.callsByOperation };
  const factOptions = { concurrency: session.concurrency, ...(hooks.aborted ? { aborted: hooks.aborted } : {}) };
  let latest: ReadProgress | undefined;
  const onProgress = (p: ReadProgress) => {
    latest = p;
    hooks.onProgress?.(p);
  };
  // The report needs no user list: it is asked for as soon as the account is confirmed, so IAM generates it while
  // the users and profiles are read (and its transient memory comes before theirs, not on top).
  let report: ReturnType<typeof readCredentialReport> | undefined;
  const afterIdentity = () => {
    report = readCredentialReport(session.gateway, factOptions);
    report.catch(() => {}); // awaited below; a read that fails first must not leave it unhandled
  };
  const live = await readAccount(session, desired, file, { ...hooks, onProgress, afterIdentity });
  const plan = diff(desired, live);
  if (latest) onProgress({ ...latest, phase: 'facts' });
  const facts = await readAccountFacts(session.gateway, desired, live, plan, {
    ...factOptions,
    ...(report ? { credentialReport: report } : {}),
  }).catch(asUserError);
  if (latest) onProgress({ ...latest, phase: 'done' });
  const now = new Date();
  const calls = factCalls(session.callsByOperation, callsBefore);
  const read = facts.credentialReport;
  return {
    plan: withAdvisories(plan, advise(desired, live, plan, facts, now), facts, now, calls),
    live,
    ...(read !== null && !('unknown' in read) ? { credentialReport: read } : {}),
  };
}

export interface ReadAccountOptions extends RefreshHooks {
  /** Called once the account is confirmed (see `ReadOptions.afterIdentity`). */
  afterIdentity?: () => void;
  /** What to read; default: what `desired` governs. */
  request?: ReadRequest;
}

/** Reads the live state the file governs (no diff): for `import`, and the first step of `refreshAccount`. */
export async function readAccount(session: Session, desired: DesiredState, file: string, options: ReadAccountOptions = {}): Promise<LiveState> {
  const { readLiveState } = await import('../iam/read.js');
  const { request = readRequestOf(desired), ...readOptions } = options;
  const result = await readLiveState(session.gateway, request, { concurrency: session.concurrency, ...readOptions }).catch(asUserError);
  if (!result.ok && result.kind === 'wrong-account') throw wrongAccountError(desired, result.expected, result.actual, result.callerArn);
  if (!result.ok) throw diagnosticsError(unresolvedDiagnostics(result.users, desired, file, result.account), file);
  return result.live;
}

/** A read that failed at IAM, or was interrupted, or any other AWS call that failed, as the error a person gets. */
export async function asUserError(error: unknown): Promise<never> {
  const [{ ReadError }, { IamError }] = await Promise.all([import('../iam/read.js'), import('../iam/errors.js')]);
  if (error instanceof ReadError && error.error.code === 'Interrupted') throw new UserError('Interrupted while reading live IAM.');
  if (error instanceof ReadError) throw new UserError(`Reading live IAM failed: ${error.message}${fixLine(error.error.fix)}`);
  if (error instanceof IamError) throw new UserError(`An AWS call failed: ${error.code}: ${error.message}${fixLine(error.fix)}`);
  throw error;
}

function fixLine(fix: string | undefined): string {
  return fix ? `\n  fix: ${fix}` : '';
}
