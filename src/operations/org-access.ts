/**
 * How an organization run reaches AWS: as the caller (its own credentials) for AWS Organizations and STS, and in
 * each target account as the role the file names, assumed with STS (session name `iampass`, the ExternalId when one
 * is set), its credentials cached for the run. An account whose role cannot be assumed is `Unreachable`: the AWS
 * error and what to fix, never a silent skip. The caller's own account is reached with the caller's credentials
 * (the management account has no OrganizationAccountAccessRole of its own).
 */
import type { OrganizationsGateway } from '../iam/organizations.js';
import type { TargetAccount } from '../model/organization-tree.js';
import { UserError } from '../util/user-error.js';
import { USER_AGENT_NAME, VERSION } from '../util/version.js';
import { connect, type ConnectionSettings, type Session } from './session.js';

/** An account the run could not get into. Invariant: `message` quotes AWS's answer; `fix` names what to change. */
export class Unreachable extends Error {
  override readonly name = 'Unreachable';
  constructor(
    message: string,
    readonly fix: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The role and ExternalId that reach one account (`accessFor` of the organization file). */
export interface AccountAccess {
  roleName: string;
  externalId: string | null;
}

export interface OrganizationAccess {
  caller: { account: string; arn: string };
  organizations: OrganizationsGateway;
  /** A session in `target`, as the role `access` names; throws `Unreachable` when the role cannot be assumed. */
  connect(target: TargetAccount, access: AccountAccess): Promise<ConnectedAccount>;
  /** Calls made to Organizations and STS so far (AssumeRole included). */
  calls(): number;
  close(): void;
}

/** A session in one account, and how it was reached: the role's ARN, or `null` for the caller's own credentials. */
export interface ConnectedAccount {
  session: Session;
  roleArn: string | null;
}

export async function connectOrganization(settings: ConnectionSettings): Promise<OrganizationAccess> {
  const [{ createOrganizationsGateway }, { createStsGateway }, { Caller }, roles, { asUserError }, { createTransport }] = await Promise.all([
    import('../iam/organizations-aws.js'),
    import('../iam/sts-aws.js'),
    import('../iam/retry.js'),
    import('../iam/role-credentials.js'),
    import('./refresh.js'),
    import('../iam/http/transport.js'),
  ]);
  const { trace } = settings;
  const caller = new Caller(trace ? { onAttempt: (e) => trace(`trace ${e.operation} attempt=${e.attempt} ${e.outcome} ${e.ms}ms`) } : {});
  const base = {
    region: settings.region,
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    userAgent: [USER_AGENT_NAME, VERSION] as [string, string],
    // One transport for the caller's Organizations and STS calls: a few at a time, each AssumeRole among them.
    transport: createTransport({ maxSockets: 8 }),
  };
  // STS goes where the run's STS calls go (--endpoint-url, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL); Organizations to
  // --endpoint-url, else where the SDK's own AWS_ENDPOINT_URL_ORGANIZATIONS / AWS_ENDPOINT_URL say.
  const stsUrl = settings.endpoints?.sts?.url ?? settings.endpointUrl;
  const sts = createStsGateway({ ...base, ...(stsUrl ? { endpointUrl: stsUrl } : {}) }, caller);
  const organizations = createOrganizationsGateway(base, caller);
  const identity = await sts.callerIdentity().catch(asUserError);
  // The window the last closed account's session ended with: where the next account's starts (see startWindow).
  let learned: number | undefined;
  const remembering = (session: Session): Session => ({
    ...session,
    close() {
      learned = session.window();
      session.close();
    },
  });
  // One provider per role and ExternalId for the whole run: apply's plan and apply phases share its credentials.
  const providers = new Map<string, ReturnType<typeof roles.roleCredentials>>();

  return {
    caller: identity,
    organizations,
    calls: () => caller.stats.calls,
    close() {
      sts.destroy();
      organizations.destroy();
    },
    async connect(target, access) {
      const start = learned === undefined ? {} : { startWindow: learned };
      if (target.id === identity.account) return { session: remembering(await connect({ ...settings, ...start })), roleArn: null };
      const arn = roles.roleArn(identity.arn, target.id, access.roleName);
      const key = `${arn}\u0000${access.externalId ?? ''}`;
      let credentials = providers.get(key);
      if (!credentials) {
        credentials = roles.roleCredentials(sts, { roleArn: arn, sessionName: roles.ROLE_SESSION_NAME, externalId: access.externalId, durationSeconds: roles.ROLE_SESSION_SECONDS });
        providers.set(key, credentials);
      }
      try {
        await credentials();
      } catch (error) {
        throw unreachable(error, target, arn, access, identity.arn);
      }
      return { session: remembering(await connect({ ...settings, ...start, credentials })), roleArn: arn };
    },
  };
}

/** AWS's answer, and what to check, by what AssumeRole said. */
export function unreachable(error: unknown, target: TargetAccount, arn: string, access: AccountAccess, callerArn: string): Unreachable {
  const code = (error as { code?: string }).code ?? 'Error';
  const message = `AssumeRole ${arn} failed: ${code}: ${(error as Error).message}`;
  if (code === 'AccessDenied') {
    const externalId = access.externalId
      ? 'that the role\'s sts:ExternalId condition expects the ExternalId the file sets'
      : 'whether the role requires an sts:ExternalId (set organization.externalId, or externalId in the account\'s section)';
    return new Unreachable(
      message,
      `check that role ${access.roleName} exists in account ${target.id}, that its trust policy lets ${callerArn} assume it, ` +
        `that the caller's own policies allow sts:AssumeRole on ${arn}, and ${externalId}; or name another role (organization.roleName, or roleName in the account's section)`,
      code,
    );
  }
  if (code === 'RegionDisabledException') {
    return new Unreachable(message, 'activate STS in this region for the account (IAM console, Account settings), or run with --region us-east-1', code);
  }
  return new Unreachable(message, 'run again; if it persists, check the caller\'s credentials and network access to STS', code);
}

/** A UserError for a run that cannot start: problems with the file's targets, each on its own line. */
export function targetProblemsError(problems: readonly string[], file: string): UserError {
  return new UserError(
    `${problems.map((p) => `${file}: error: ${p}`).join('\n')}\n` +
      `  fix: correct the ids (\`aws organizations list-accounts\` lists them), or remove them\n` +
      `${problems.length} problem${problems.length === 1 ? '' : 's'} with the organization's targets; nothing was read from or changed in any account.`,
  );
}
