import type { Diagnostic } from '../config/diagnostics.js';
import type { DesiredState } from '../model/desired.js';
import type { IamGateway } from '../iam/gateway.js';
import type { ReadProgress } from '../iam/read.js';
import type { LiveState } from '../model/live.js';
import type { UnresolvedUser } from '../plan/scope.js';
import type { AttemptEvent, Caller } from '../iam/retry.js';
import { advise, withAdvisories } from '../plan/advisories.js';
import { diff } from '../plan/diff.js';
import type { Plan } from '../model/plan.js';
import { resolveRegion, type AwsFlags } from './aws-options.js';
import { diagnosticsError } from './config.js';
import type { Environment } from './environment.js';
import { UserError } from './errors.js';

export interface Session {
  gateway: IamGateway;
  caller: Caller;
}

/** Loads the SDK (lazily: `validate` never pays for it) and builds the gateway with iampass's retry policy. */
export async function connect(flags: AwsFlags, environment: Environment): Promise<Session> {
  const [{ createAwsGateway }, { Caller }, { AdaptiveLimiter }, { resolveEndpoints, EndpointError }] = await Promise.all([
    import('../iam/aws.js'),
    import('../iam/retry.js'),
    import('../iam/limiter.js'),
    import('../iam/endpoints.js'),
  ]);
  // Checked before any client is built, so a bad URL is named with the flag or variable it came from.
  const endpoints = (() => {
    try {
      return resolveEndpoints(flags.endpointUrl, environment.env);
    } catch (error) {
      if (error instanceof EndpointError) throw new UserError(`error: ${error.message}\n  fix: ${error.fix}`);
      throw error;
    }
  })();
  const trace = flags.verbose ? (line: string) => environment.stderr.write(`${line}\n`) : undefined;
  const caller = new Caller({
    limiter: new AdaptiveLimiter(flags.concurrency),
    ...(trace
      ? {
          onAttempt: (e: AttemptEvent) =>
            trace(`trace ${e.operation}${e.user ? ` user=${e.user}` : ''} attempt=${e.attempt} ${e.outcome} ${e.ms}ms`),
        }
      : {}),
  });
  const gateway = createAwsGateway(
    {
      region: resolveRegion(flags, environment),
      concurrency: flags.concurrency,
      ...(trace ? { sdkLog: trace } : {}),
      endpoints,
      ...(flags.profile ? { profile: flags.profile } : {}),
    },
    caller,
  );
  return { gateway, caller };
}

export interface RefreshHooks {
  onProgress?: (p: ReadProgress) => void;
  aborted?: () => boolean;
}

/** Reads live IAM and diffs it against the file, warnings included; every failure becomes a `UserError`. */
export async function refresh(session: Session, desired: DesiredState, file: string, flags: AwsFlags, hooks: RefreshHooks = {}): Promise<Plan> {
  return (await refreshState(session, desired, file, flags, hooks)).plan;
}

/**
 * The one place a plan is computed from live IAM (plan, apply and drift all come here): reads live IAM, diffs it
 * against the file, then reads the facts the advisories need (the credential report, a few simulations) and adds
 * the warnings. Keeps the live state for what needs more than the plan: a saved plan's basis, the dates in a
 * drift report. Facts that cannot be read become a warning, never a failure.
 */
export async function refreshState(
  session: Session,
  desired: DesiredState,
  file: string,
  flags: AwsFlags,
  hooks: RefreshHooks = {},
): Promise<{ plan: Plan; live: LiveState }> {
  const { readAccountFacts, readCredentialReport } = await import('../iam/facts.js');
  const factOptions = { concurrency: flags.concurrency, ...(hooks.aborted ? { aborted: hooks.aborted } : {}) };
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
  const live = await readLive(session, desired, file, flags, { ...hooks, onProgress }, afterIdentity);
  const plan = diff(desired, live);
  if (latest) onProgress({ ...latest, phase: 'facts' });
  const facts = await readAccountFacts(session.gateway, desired, live, plan, {
    ...factOptions,
    ...(report ? { credentialReport: report } : {}),
  }).catch(asUserError);
  if (latest) onProgress({ ...latest, phase: 'done' });
  const now = new Date();
  return { plan: withAdvisories(plan, advise(desired, live, plan, facts, now), facts, now), live };
}

/** Reads the live state the file governs; every way this can fail becomes a `UserError`. */
export async function readLive(
  session: Session,
  desired: DesiredState,
  file: string,
  flags: AwsFlags,
  hooks: RefreshHooks = {},
  afterIdentity?: () => void,
): Promise<LiveState> {
  const { readLiveState } = await import('../iam/read.js');
  const result = await readLiveState(session.gateway, desired, {
    concurrency: flags.concurrency,
    ...hooks,
    ...(afterIdentity ? { afterIdentity } : {}),
  }).catch(asUserError);
  if (!result.ok && result.kind === 'wrong-account') {
    const where = desired.accountAt ? `${desired.accountAt.file}:${desired.accountAt.line}:${desired.accountAt.col}: ` : '';
    throw new UserError(
      `${where}error: the file governs account ${result.expected}, but the credentials are for account ${result.actual} (${result.callerArn})\n` +
        `  fix: use credentials for account ${result.expected} (--profile, AWS_PROFILE), or correct \`account\`\nNothing was changed.`,
    );
  }
  if (!result.ok) throw diagnosticsError(unresolvedDiagnostics(result.users, desired, file, result.account), file);
  return result.live;
}

/** A read that failed at IAM, or was interrupted, as the one-line error a person gets. */
async function asUserError(error: unknown): Promise<never> {
  const { ReadError } = await import('../iam/read.js');
  if (error instanceof ReadError && error.error.code === 'Interrupted') throw new UserError('Interrupted while reading live IAM. Nothing was changed.');
  if (error instanceof ReadError) {
    const fix = error.error.fix ? `\n  fix: ${error.error.fix}` : '';
    throw new UserError(`Reading live IAM failed: ${error.message}${fix}\nNothing was changed.`);
  }
  throw error;
}

function unresolvedDiagnostics(users: UnresolvedUser[], desired: DesiredState, file: string, account: string): Diagnostic[] {
  return users.map((u) => {
    const at = desired.users.find((d) => d.name === u.name)?.at;
    const position = { file, line: at?.line ?? 0, col: at?.col ?? 0, path: `users.${u.name}` };
    if (u.problem === 'missing') {
      return {
        ...position,
        severity: 'error',
        message: `user ${u.name} does not exist in account ${account}${u.detail ? `; did you mean ${u.detail}?` : ''}`,
        hint: u.detail
          ? `rename the entry to ${u.detail}, or create the IAM user first (iampass never creates or deletes users)`
          : 'create the IAM user first (iampass never creates or deletes users), or remove the entry',
      };
    }
    return {
      ...position,
      severity: 'error',
      message: `user ${u.name} is listed but outside the file's scope: ${u.detail ?? 'scope excludes it'}`,
      hint: `widen scope to include ${u.name}, or remove the entry`,
    };
  });
}
