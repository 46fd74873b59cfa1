/**
 * Who is calling: decided from the access key ID in the SigV4 credential (the `Authorization` header, or
 * `X-Amz-Credential` in a presigned URL) and the session token, as AWS decides it. Signatures are not verified.
 * A key the sandbox never issued (nor seeded) acts as the seed's default caller, so `AWS_ACCESS_KEY_ID=anything`
 * keeps working; a key it knows to be inactive, deleted or temporary-without-its-token is refused.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CredentialsRefused } from './errors.js';
import { tokenHash } from './identifiers.js';
import type { Account, RoleData, SandboxState, SessionData, UserData } from './state.js';

/** The identity a request acts as. Every request has exactly one, in exactly one account. */
export type Principal =
  | { kind: 'user'; account: Account; user: UserData; accessKeyId: string }
  | { kind: 'role'; account: Account; role: RoleData; session: SessionData; accessKeyId: string };

/** What the request presented: either may be missing (an unsigned request, a long-term key). */
export interface PresentedCredentials {
  accessKeyId: string | undefined;
  sessionToken: string | undefined;
}

const CREDENTIAL = /Credential=([^/,\s]+)\//;

export function presentedCredentials(headers: IncomingHttpHeaders, query: URLSearchParams): PresentedCredentials {
  const authorization = headers.authorization ?? '';
  const fromHeader = CREDENTIAL.exec(authorization)?.[1];
  const fromQuery = query.get('X-Amz-Credential')?.split('/')[0];
  const token = headers['x-amz-security-token'];
  return {
    accessKeyId: fromHeader ?? (fromQuery || undefined),
    sessionToken: (Array.isArray(token) ? token[0] : token) ?? query.get('X-Amz-Security-Token') ?? undefined,
  };
}

/** The principal behind the credentials, or `CredentialsRefused`. */
export function resolvePrincipal(state: SandboxState, presented: PresentedCredentials, now: Date): Principal {
  const { accessKeyId, sessionToken } = presented;
  if (sessionToken !== undefined) return sessionPrincipal(state, sessionToken, accessKeyId, now);
  if (accessKeyId !== undefined) {
    if (state.isSessionKey(accessKeyId) || state.isRetiredAccessKey(accessKeyId)) throw new CredentialsRefused('invalid');
    const owner = state.findAccessKey(accessKeyId);
    if (owner) {
      if (owner.key.status !== 'Active' || owner.account.data.status !== 'ACTIVE') throw new CredentialsRefused('invalid');
      return { kind: 'user', account: owner.account, user: owner.user, accessKeyId };
    }
  }
  const account = state.defaultAccount;
  const user = account.findUser(state.data.defaultCaller.user);
  // The default caller was deleted: IAM no longer honours its credentials.
  if (!user) throw new CredentialsRefused('invalid');
  return { kind: 'user', account, user, accessKeyId: accessKeyId ?? '' };
}

function sessionPrincipal(state: SandboxState, token: string, accessKeyId: string | undefined, now: Date): Principal {
  const session = state.findSession(tokenHash(token));
  if (!session || (accessKeyId !== undefined && accessKeyId !== session.accessKeyId)) throw new CredentialsRefused('invalid');
  if (now.getTime() >= Date.parse(session.expiration)) throw new CredentialsRefused('expired');
  const account = state.account(session.account);
  const role = account?.findRole(session.roleName);
  if (!account || !role || account.data.status !== 'ACTIVE') throw new CredentialsRefused('invalid');
  return { kind: 'role', account, role, session, accessKeyId: session.accessKeyId };
}

/** `arn:aws:iam::ACCT:user/PATH/NAME` or `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`, as GetCallerIdentity answers. */
export function principalArn(principal: Principal): string {
  if (principal.kind === 'user') return principal.account.userArn(principal.user);
  return `arn:aws:sts::${principal.account.id}:assumed-role/${principal.role.name}/${principal.session.sessionName}`;
}

/** `AIDA...` for a user, `AROA...:SESSION` for a role session. */
export function principalId(principal: Principal): string {
  return principal.kind === 'user' ? principal.user.id : `${principal.role.id}:${principal.session.sessionName}`;
}
