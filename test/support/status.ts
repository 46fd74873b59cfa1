/** Inputs of the pure status builder, for the status tests and the renderers'. */
import type { CredentialReport, UserCredentials } from '../../src/model/facts.js';
import type { LoginProfile } from '../../src/model/live.js';
import type { StatusInput } from '../../src/plan/status.js';
import { CIS_POLICY, desiredState } from './builders.js';

export const CHECKED = '2026-12-01T12:00:00.000Z';
export const REPORT_AT = '2026-12-01T11:00:00.000Z';

export function credentials(user: string, over: Partial<UserCredentials> = {}): UserCredentials {
  return {
    user,
    arn: `arn:aws:iam::123456789012:user/${user}`,
    userCreationTime: '2025-01-01T00:00:00.000Z',
    passwordEnabled: true,
    passwordLastUsed: '2026-11-30T09:00:00.000Z',
    passwordLastChanged: '2026-10-02T12:00:00.000Z',
    passwordNextRotation: null,
    mfaActive: true,
    activeAccessKeys: 1,
    ...over,
  };
}

export const profile = (reset = false, createDate = '2026-10-02T12:00:00.000Z'): LoginProfile => ({ createDate, passwordResetRequired: reset });

export function statusInput(over: Partial<StatusInput> & { rows?: UserCredentials[] } = {}): StatusInput {
  const { rows, ...rest } = over;
  const report: CredentialReport = { generatedTime: REPORT_AT, users: new Map((rows ?? [credentials('alice')]).map((r) => [r.user, r])) };
  return {
    desired: desiredState({ users: [{ name: 'alice' }] }),
    mode: 'exact',
    account: '123456789012',
    callerArn: 'arn:aws:iam::123456789012:user/admin',
    config: { file: 'iampass.yaml', sha256: 'a'.repeat(64) },
    checkedAt: CHECKED,
    passwordPolicy: CIS_POLICY,
    users: [{ name: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', path: '/', passwordLastUsed: null }],
    unlistedIgnoredCount: 0,
    outOfScopeCount: 0,
    credentialReport: report,
    profiles: new Map([['alice', profile()]]),
    tags: new Map(),
    calls: { total: 9, byOperation: { GetCallerIdentity: 1, GetAccountPasswordPolicy: 1, ListUsers: 1, GenerateCredentialReport: 1, GetCredentialReport: 1, GetLoginProfile: 1 } },
    ...rest,
  };
}

