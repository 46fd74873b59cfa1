import type { Diagnostic } from '../config/diagnostics.js';
import type { DesiredState } from '../config/types.js';
import type { IamGateway } from '../iam/gateway.js';
import type { ReadProgress } from '../iam/read.js';
import type { LiveState } from '../plan/live.js';
import type { UnresolvedUser } from '../plan/scope.js';
import type { Caller } from '../iam/retry.js';
import { diff } from '../plan/diff.js';
import type { Plan } from '../plan/types.js';
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
  const [{ createAwsGateway }, { Caller }, { AdaptiveLimiter }] = await Promise.all([
    import('../iam/aws.js'),
    import('../iam/retry.js'),
    import('../iam/limiter.js'),
  ]);
  const caller = new Caller({ limiter: new AdaptiveLimiter(flags.concurrency) });
  const gateway = createAwsGateway(
    {
      region: resolveRegion(flags, environment),
      concurrency: flags.concurrency,
      ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
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

/** Reads live IAM and diffs it against the file; every way this can fail becomes a `UserError`. */
export async function refresh(session: Session, desired: DesiredState, file: string, flags: AwsFlags, hooks: RefreshHooks = {}): Promise<Plan> {
  return (await refreshState(session, desired, file, flags, hooks)).plan;
}

/**
 * The one place a plan is computed from live IAM (plan, apply and drift all come here), keeping the live state
 * for what needs more than the plan: a saved plan's basis, the dates in a drift report.
 */
export async function refreshState(
  session: Session,
  desired: DesiredState,
  file: string,
  flags: AwsFlags,
  hooks: RefreshHooks = {},
): Promise<{ plan: Plan; live: LiveState }> {
  const live = await readLive(session, desired, file, flags, hooks);
  return { plan: diff(desired, live), live };
}

/** Reads the live state the file governs; every way this can fail becomes a `UserError`. */
export async function readLive(
  session: Session,
  desired: DesiredState,
  file: string,
  flags: AwsFlags,
  hooks: RefreshHooks = {},
): Promise<LiveState> {
  const { readLiveState, ReadError } = await import('../iam/read.js');
  let result;
  try {
    result = await readLiveState(session.gateway, desired, { concurrency: flags.concurrency, ...hooks });
  } catch (error) {
    if (error instanceof ReadError && error.error.code === 'Interrupted') throw new UserError('Interrupted while reading live IAM. Nothing was changed.');
    if (error instanceof ReadError) throw new UserError(`Reading live IAM failed: ${error.message}\nNothing was changed.`);
    throw error;
  }
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
