/**
 * `drift` for one account, in either mode: `exact` is the plan's refresh worded as drift; `fast` takes console
 * access, last sign-in and password age from the credential report (a handful of calls for any number of users)
 * and reads a login profile only for users the report cannot settle. The organization loop calls this per account.
 */
import type { DesiredState } from '../model/desired.js';
import type { AccountFacts, CredentialReport, Unknown } from '../model/facts.js';
import type { GovernedUsers, ReadProgress } from '../iam/read.js';
import type { LiveState, LiveUser } from '../model/live.js';
import { ROTATION_TAG } from '../model/plan.js';
import { readRequestOf } from '../model/read-request.js';
import { advise, withAdvisories } from '../plan/advisories.js';
import { diff } from '../plan/diff.js';
import type { ConfigFingerprint } from '../plan/document.js';
import { driftReport, type DriftMode, type DriftReport, type FastDriftNote } from '../plan/drift.js';
import type { IgnoreRule } from '../plan/ignore.js';
import { liveUserFromReport, unsettledByReport } from '../plan/report-users.js';
import { diagnosticsError, unresolvedDiagnostics, wrongAccountError } from './errors.js';
import { asUserError, refreshAccount, type RefreshHooks } from './refresh.js';
import type { Session } from './session.js';

export interface DriftOptions {
  mode: DriftMode;
  config: ConfigFingerprint;
  rules: readonly IgnoreRule[];
  hooks?: RefreshHooks;
}

/** `file` names the desired-state file in messages about it. */
export async function driftOfAccount(session: Session, desired: DesiredState, file: string, options: DriftOptions): Promise<DriftReport> {
  const checkedAt = new Date().toISOString();
  const { config, rules } = options;
  if (options.mode === 'exact') {
    const { plan, live, credentialReport } = await refreshAccount(session, desired, file, options.hooks);
    return driftReport({ plan, live, config, checkedAt, rules, report: credentialReport ?? null });
  }
  const callsBefore = session.caller.stats.calls;
  const { plan, live, report, readExactly } = await readFast(session, desired, file, options.hooks ?? {});
  const fast: FastDriftNote = {
    credentialReport:
      'unknown' in report
        ? { unavailable: report.unknown }
        : { generatedTime: report.generatedTime, ageMinutes: Math.max(0, Math.floor((Date.parse(checkedAt) - Date.parse(report.generatedTime)) / 60_000)) },
    fromReport: live.users.length - readExactly,
    readExactly,
    notChecked: 'unknown' in report ? [] : notCheckedFast(desired, live),
    calls: session.caller.stats.calls - callsBefore,
  };
  return driftReport({ plan, live, config, checkedAt, rules, mode: 'fast', fast, report: 'unknown' in report ? null : report });
}

/** What fast mode leaves out, worded for the report (only what applies to this file). */
function notCheckedFast(desired: DesiredState, live: LiveState): string[] {
  const out = ['pending password resets (passwordResetRequired): the credential report has no such column; drift without --fast reads each login profile'];
  const tagged = new Set(live.users.filter((u) => Object.keys(u.tags).length > 0).map((u) => u.name));
  const rotating = desired.users.filter((u) => u.console && u.rotation !== null && !tagged.has(u.name)).length;
  if (rotating > 0 && Object.keys(desired.scope.tags).length === 0) {
    out.push(`rotation tokens (the iampass:rotation tag) of ${rotating} user${rotating === 1 ? '' : 's'} whose entry sets one: ListUserTags costs a call per user`);
  }
  out.push('IP102 (a forced reset the user may have no permission to perform): SimulatePrincipalPolicy is not called');
  return out;
}

interface FastRead {
  plan: ReturnType<typeof diff>;
  live: LiveState;
  report: CredentialReport | Unknown;
  /** Users read exactly (GetLoginProfile), because the report could not settle them. */
  readExactly: number;
}

async function readFast(session: Session, desired: DesiredState, file: string, hooks: RefreshHooks): Promise<FastRead> {
  const { readAccountFacts } = await import('../iam/facts.js');
  const perUser = { concurrency: session.concurrency, ...(hooks.aborted ? { aborted: hooks.aborted } : {}) };
  const progress: ReadProgress = { phase: 'identity', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 };
  const { governed, report } = await governedWithReport(session, desired, file, hooks, progress);
  const { users, readExactly } = await fastUsers(session, desired, governed, report, hooks, progress);
  const { liveStateOf } = await import('../iam/read.js');
  const live = liveStateOf(governed, users);
  const plan = diff(desired, live);
  progress.phase = 'facts';
  hooks.onProgress?.({ ...progress });
  const now = new Date();
  // Without a report every user was read exactly: the advisories then read what they need, as plan's do. With one,
  // they take what it says, and simulate nobody (IP102 is said not to be checked).
  const facts: AccountFacts =
    'unknown' in report
      ? await readAccountFacts(session.gateway, desired, live, plan, { ...perUser, credentialReport: Promise.resolve(report) }).catch(asUserError)
      : { credentialReport: report, changePassword: new Map(), activeAccessKeys: new Map() };
  const warnings = advise(desired, live, plan, facts, now).filter((w) => 'unknown' in report || w.id !== 'IP102');
  progress.phase = 'done';
  hooks.onProgress?.({ ...progress });
  return { plan: withAdvisories(plan, warnings, facts, now), live, report, readExactly };
}

/** The governed users (as plan resolves them) and the credential report, asked for as soon as the account is confirmed. */
async function governedWithReport(session: Session, desired: DesiredState, file: string, hooks: RefreshHooks, progress: ReadProgress) {
  const [{ resolveGoverned }, { readCredentialReport }, { listUsersFromReport }] = await Promise.all([
    import('../iam/read.js'),
    import('../iam/facts.js'),
    import('../iam/status-read.js'),
  ]);
  const request = readRequestOf(desired);
  const perUser = { concurrency: session.concurrency, ...(hooks.aborted ? { aborted: hooks.aborted } : {}) };
  let reportRead: Promise<CredentialReport | Unknown> | undefined;
  const resolved = await resolveGoverned(
    session.gateway,
    request,
    {
      ...perUser,
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      afterIdentity: () => {
        reportRead = readCredentialReport(session.gateway, perUser);
        reportRead.catch(() => {}); // awaited below; a read that fails first must not leave it unhandled
      },
      // The report lists the users too, so no call grows with the account (ListUsers only without a report).
      listUsers: () => listUsersFromReport(session.gateway, reportRead!, request.listed, perUser),
    },
    progress,
  ).catch(asUserError);
  if (!resolved.ok && resolved.kind === 'wrong-account') throw wrongAccountError(desired, resolved.expected, resolved.actual, resolved.callerArn);
  if (!resolved.ok) throw diagnosticsError(unresolvedDiagnostics(resolved.users, desired, file, resolved.account), file);
  const report = await (reportRead ?? Promise.resolve<Unknown>({ unknown: 'not read' })).catch(asUserError);
  return { governed: resolved.governed, report };
}

/**
 * Each governed user's live state: from the report where it settles the user, else read exactly. Exactly, too:
 * users whose password an earlier apply could not confirm (few, and the fix for them is a new password, so their
 * profile should be IAM's own, not the report's).
 */
async function fastUsers(
  session: Session,
  desired: DesiredState,
  governed: GovernedUsers,
  report: CredentialReport | Unknown,
  hooks: RefreshHooks,
  progress: ReadProgress,
): Promise<{ users: LiveUser[]; readExactly: number }> {
  const { readLoginProfiles, readUserTags } = await import('../iam/status-read.js');
  const perUser = { concurrency: session.concurrency, ...(hooks.aborted ? { aborted: hooks.aborted } : {}) };
  const names = governed.users.map((u) => u.name);
  const journal = 'users' in governed.journal ? governed.journal.users : new Set<string>();
  const exact = new Set([...unsettledByReport(report, names), ...names.filter((n) => journal.has(n))]);
  const request = readRequestOf(desired);
  const rotating = new Set(request.rotating === 'all' ? names : request.rotating);
  const exactNames = names.filter((n) => exact.has(n));
  const tagNames = governed.users.filter((u) => exact.has(u.name) && rotating.has(u.name) && u.tags === undefined).map((u) => u.name);
  progress.phase = 'profiles';
  progress.profilesToRead = exactNames.length + tagNames.length;
  hooks.onProgress?.({ ...progress });
  const onRead = () => {
    progress.profilesRead += 1;
    hooks.onProgress?.({ ...progress });
  };
  const [profiles, tags] = await Promise.all([
    readLoginProfiles(session.gateway, exactNames, { ...perUser, onRead }),
    readUserTags(session.gateway, tagNames, { ...perUser, onRead }),
  ]).catch(asUserError);
  const listed = new Map(desired.users.map((u) => [u.name, u]));
  const users = governed.users.map((subject): LiveUser => {
    const row = 'unknown' in report ? undefined : report.users.get(subject.name);
    if (!exact.has(subject.name) && row) return liveUserFromReport(subject, row, listed.get(subject.name), false);
    const userTags = subject.tags ?? tags.get(subject.name) ?? {};
    return {
      name: subject.name,
      arn: subject.arn,
      path: subject.path,
      tags: userTags,
      passwordLastUsed: subject.passwordLastUsed,
      loginProfile: profiles.get(subject.name) ?? null,
      rotation: rotating.has(subject.name) ? (userTags[ROTATION_TAG] ?? null) : null,
      unconfirmed: journal.has(subject.name),
    };
  });
  return { users, readExactly: exactNames.length };
}
