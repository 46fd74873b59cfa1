/**
 * Credentials for one target account, by AssumeRole, cached for the run: a provider the SDK calls before each
 * request, answering from the cache until the credentials are within `refreshBeforeMs` of expiring, then assuming
 * the role again. Concurrent calls while a refresh is under way share it (one AssumeRole, not one per request). A
 * failed refresh is not cached: the next call tries again.
 */
import type { AssumeRoleRequest, StsGateway, TemporaryCredentials } from './organizations.js';

/** The SDK's own providers refresh five minutes ahead; so does iampass. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/** An hour: the longest AWS allows a chained role session, and the default most roles allow. */
export const ROLE_SESSION_SECONDS = 3_600;

/** The session name CloudTrail shows in each target account. */
export const ROLE_SESSION_NAME = 'iampass';

export interface RoleCredentialsOptions {
  now?: () => number;
  refreshBeforeMs?: number;
}

export type RoleCredentialsProvider = () => Promise<TemporaryCredentials>;

export function roleCredentials(sts: StsGateway, request: AssumeRoleRequest, options: RoleCredentialsOptions = {}): RoleCredentialsProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshBeforeMs ?? REFRESH_BEFORE_MS;
  let cached: TemporaryCredentials | undefined;
  let refreshing: Promise<TemporaryCredentials> | undefined;
  return () => {
    if (cached && cached.expiration.getTime() - now() > margin) return Promise.resolve(cached);
    refreshing ??= sts.assumeRole(request).then(
      (fresh) => {
        cached = fresh;
        refreshing = undefined;
        return fresh;
      },
      (error: unknown) => {
        refreshing = undefined;
        throw error;
      },
    );
    return refreshing;
  };
}

/** The ARN of `roleName` (which may carry a path: `admin/iampass`) in `account`, in the caller's partition. */
export function roleArn(callerArn: string, account: string, roleName: string): string {
  const partition = callerArn.split(':')[1] || 'aws';
  return `arn:${partition}:iam::${account}:role/${roleName.replace(/^\/+/, '')}`;
}
