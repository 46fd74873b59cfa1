/**
 * `status` for one account: resolve the governed users (as plan does), read the credential report once, then per
 * user only what the mode needs. Everything it decides about the rows is the pure `buildStatus`; an organization
 * run calls this once per account.
 */
import type { ReadProgress } from '../iam/read.js';
import type { DesiredState } from '../model/desired.js';
import type { CredentialReport, Unknown } from '../model/facts.js';
import type { LoginProfile } from '../model/live.js';
import { readRequestOf } from '../model/read-request.js';
import type { ConfigFingerprint } from '../plan/document.js';
import { unsettledByReport } from '../plan/report-users.js';
import { buildStatus, type StatusMode, type StatusReport } from '../plan/status.js';
import { diagnosticsError, unresolvedDiagnostics, wrongAccountError } from './errors.js';
import { asUserError, type RefreshHooks } from './refresh.js';
import type { Session } from './session.js';

export interface StatusOptions {
  mode: StatusMode;
  config: ConfigFingerprint;
  hooks?: RefreshHooks;
}

export async function statusOfAccount(session: Session, desired: DesiredState, file: string, options: StatusOptions): Promise<StatusReport> {
  const [{ resolveGoverned }, { readCredentialReport }, { listUsersFromReport, readLoginProfiles, readUserTags }] = await Promise.all([
    import('../iam/read.js'),
    import('../iam/facts.js'),
    import('../iam/status-read.js'),
  ]);
  const { gateway, concurrency } = session;
  const hooks = options.hooks ?? {};
  const checkedAt = new Date().toISOString();
  const request = readRequestOf(desired);
  const progress: ReadProgress = { phase: 'identity', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 };
  const report = () => hooks.onProgress?.({ ...progress });
  const perUser = { concurrency, ...(hooks.aborted ? { aborted: hooks.aborted } : {}) };

  let credentialReport: Promise<CredentialReport | Unknown> | undefined;
  const resolved = await resolveGoverned(
    gateway,
    request,
    {
      ...perUser,
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      // The report needs no user list: asked for once the account is confirmed, it is made while users are listed.
      afterIdentity: () => {
        credentialReport = readCredentialReport(gateway, perUser);
        credentialReport.catch(() => {}); // awaited below; a read that fails first must not leave it unhandled
      },
      // Fast: the report lists the users too, so no call grows with the account.
      ...(options.mode === 'fast' ? { listUsers: () => listUsersFromReport(gateway, credentialReport!, request.listed, perUser) } : {}),
    },
    progress,
  ).catch(asUserError);
  if (!resolved.ok && resolved.kind === 'wrong-account') throw wrongAccountError(desired, resolved.expected, resolved.actual, resolved.callerArn);
  if (!resolved.ok) throw diagnosticsError(unresolvedDiagnostics(resolved.users, desired, file, resolved.account), file);
  const { governed } = resolved;
  const reportRead = credentialReport ?? Promise.resolve<Unknown>({ unknown: 'not read' });

  // Exact: every profile now. Fast: only users the report cannot settle, which needs the report first.
  const names = governed.users.map((u) => u.name);
  const profileUsers = options.mode === 'exact' ? names : unsettledByReport(await reportRead, names);
  const known = new Map(governed.users.flatMap((u) => (u.tags ? [[u.name, u.tags] as const] : [])));
  const governedNames = new Set(names);
  const rotating = request.rotating === 'all' ? names : request.rotating;
  const tagUsers = options.mode === 'exact' ? rotating.filter((n) => governedNames.has(n) && !known.has(n)) : [];

  progress.phase = 'profiles';
  progress.profilesToRead = profileUsers.length + tagUsers.length;
  report();
  const onRead = () => {
    progress.profilesRead += 1;
    report();
  };
  const [profiles, tags] = await Promise.all([
    readLoginProfiles(gateway, profileUsers, { ...perUser, onRead }),
    readUserTags(gateway, tagUsers, { ...perUser, onRead }),
  ]).catch(asUserError);
  progress.phase = 'facts';
  report();
  const credentials = await reportRead.catch(asUserError);
  progress.phase = 'done';
  report();

  return buildStatus({
    desired,
    mode: options.mode,
    account: governed.account,
    callerArn: governed.callerArn,
    config: options.config,
    checkedAt,
    passwordPolicy: governed.passwordPolicy,
    users: governed.users,
    unlistedIgnoredCount: governed.unlistedIgnored.length,
    outOfScopeCount: governed.outOfScopeCount,
    credentialReport: credentials,
    profiles: profiles as ReadonlyMap<string, LoginProfile | null>,
    tags: new Map([...known, ...tags]),
    calls: { total: session.caller.stats.calls, byOperation: { ...session.callsByOperation } },
  });
}
