/**
 * Reads what the advisories need beyond the live state, as cheaply as IAM allows: the credential report once
 * (MFA, console use and access keys of every user in one report), and at most one more call per governed user:
 * `SimulatePrincipalPolicy` for a user who would be forced to reset a password the policy does not let users
 * change (one per class of users with the same permission set, when that is cheaper: see `change-password.ts`),
 * or `ListAccessKeys` for a user losing console access when the report cannot be had. Nothing here fails
 * the plan: a fact that cannot be read is recorded as unknown, with the reason, and the advisories say so.
 */
import type { DesiredState } from '../model/desired.js';
import { usersLosingConsole, usersToSimulate } from '../plan/advisories.js';
import type { AccountFacts, ChangePasswordDecision, CredentialReport, Unknown } from '../model/facts.js';
import type { LiveState } from '../model/live.js';
import type { Plan } from '../model/plan.js';
import { mapLimit } from '../util/pool.js';
import { readChangePassword } from './change-password.js';
import { CredentialReportFormatError, parseCredentialReport } from './credential-report.js';
import { IamError, knownOr } from './errors.js';
import type { IamGateway } from './gateway.js';
import { ReadError } from './read.js';

export interface FactsOptions {
  concurrency: number;
  /** Checked between calls: once true, no new call starts and the read rejects. */
  aborted?: () => boolean;
  /** How long to wait for IAM to finish generating a report before going on without it. Default 30 s. */
  reportWaitMs?: number;
  /** The credential report, when its read was started earlier (alongside the live read); else it is read here. */
  credentialReport?: Promise<CredentialReport | Unknown>;
  /** For tests: how to wait between polls, and what time it is. */
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
}

/** Every operation the advisories' facts may call; no other part of a plan calls them. */
export const FACT_OPERATIONS = [
  'GenerateCredentialReport',
  'GetCredentialReport',
  'SimulatePrincipalPolicy',
  'GetAccountAuthorizationDetails',
  'GetPolicy',
  'GetPolicyVersion',
  'ListAccessKeys',
] as const;

/** The fact operations' calls between two readings of a session's counters (`callsByOperation`). */
export function factCalls(after: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(FACT_OPERATIONS.map((op) => [op, (after[op] ?? 0) - (before[op] ?? 0)]));
}

export const DEFAULT_REPORT_WAIT_MS = 30_000;
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2_000;

/** Codes after which the report is worth asking for again: it is being made, or must be made anew. */
const REPORT_NOT_READY = new Set(['ReportInProgress', 'ReportNotPresent', 'ReportExpired']);

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function readAccountFacts(
  gateway: IamGateway,
  desired: DesiredState,
  live: LiveState,
  plan: Plan,
  options: FactsOptions,
): Promise<AccountFacts> {
  const shouldStop = options.aborted ?? (() => false);
  // Nobody governed: no user-level advisory can fire, so the report is not worth its calls (or its wait).
  const credentialReport = live.users.length === 0 ? null : await (options.credentialReport ?? readCredentialReport(gateway, options));
  const arnOf = new Map(live.users.map((u) => [u.name, u.arn]));
  const toSimulate = usersToSimulate(desired, live, plan).map((name) => ({ name, arn: arnOf.get(name) ?? '' }));
  // The two lists never share a user (a reset is forced on users who keep or get a password, keys are listed for
  // users losing it), so no user costs more than one call.
  const keyUsers = credentialReport !== null && 'unknown' in credentialReport ? usersLosingConsole(plan) : [];
  const accountUsers = live.users.length + live.unlistedIgnored.length + live.outOfScopeCount;
  const activeAccessKeys = new Map<string, number | Unknown>();
  const [answers] = await Promise.all([
    toSimulate.length === 0 ? null : readChangePassword(gateway, toSimulate, accountUsers, options),
    mapLimit(
      keyUsers,
      options.concurrency,
      async (user) => {
        const keys = await knownOr(() => gateway.listAccessKeys(user), 'ListAccessKeys');
        activeAccessKeys.set(user, Array.isArray(keys) ? keys.filter((k) => k.status === 'Active').length : keys);
      },
      shouldStop,
    ),
  ]);
  if (shouldStop()) throw interrupted();
  return {
    credentialReport,
    changePassword: answers?.decisions ?? new Map<string, ChangePasswordDecision>(),
    activeAccessKeys,
    ...(answers ? { changePasswordCost: answers.cost } : {}),
  };
}

/**
 * Asks IAM for a report (GenerateCredentialReport answers STARTED or INPROGRESS while it works, COMPLETE once a
 * report under 4 hours old exists), then fetches it. While IAM works, the report itself is polled (GetCredentialReport
 * answers ReportInProgress until it is ready), with a growing pause, up to `reportWaitMs`: each poll can be the read
 * that succeeds, where asking GenerateCredentialReport again would cost one more call. Any failure (no permission,
 * IAM too slow, an unreadable report) is an `Unknown` with the reason, never an exception.
 */
export async function readCredentialReport(gateway: IamGateway, options: FactsOptions): Promise<CredentialReport | Unknown> {
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? Date.now;
  const shouldStop = options.aborted ?? (() => false);
  const waitMs = options.reportWaitMs ?? DEFAULT_REPORT_WAIT_MS;
  const deadline = clock() + waitMs;
  let pause = FIRST_POLL_MS;
  let operation = 'GenerateCredentialReport';
  let next: 'generate' | 'get' = 'generate';
  try {
    for (;;) {
      operation = next === 'generate' ? 'GenerateCredentialReport' : 'GetCredentialReport';
      if (next === 'generate') {
        // COMPLETE: ready now, read it without a pause; otherwise poll the report itself after one.
        const ready = (await gateway.generateCredentialReport()) === 'COMPLETE';
        next = 'get';
        if (ready) continue;
      } else {
        try {
          const { csv, generatedTime } = await gateway.getCredentialReport();
          return parseCredentialReport(csv, generatedTime);
        } catch (error) {
          if (!(error instanceof IamError && REPORT_NOT_READY.has(error.code))) throw error;
          // Still being made: ask again; gone (never made, or expired in between): have it made anew.
          next = error.code === 'ReportInProgress' ? 'get' : 'generate';
        }
      }
      if (clock() + pause > deadline) {
        return { unknown: `IAM did not finish generating it within ${Number((waitMs / 1000).toFixed(1))} s` };
      }
      if (shouldStop()) throw interrupted();
      await sleep(pause);
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  } catch (error) {
    if (error instanceof IamError) return { unknown: `${operation}: ${error.code}: ${error.message}` };
    if (error instanceof CredentialReportFormatError) return { unknown: error.message };
    throw error;
  }
}

function interrupted(): ReadError {
  return new ReadError('read', undefined, new IamError('Interrupted', 'the read was interrupted', undefined, undefined));
}
