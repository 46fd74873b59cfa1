import { DEFAULT_ADVISORY_SETTINGS, type AdvisorySettings, type DesiredState, type DesiredUser, type PolicyIntent, type Scope } from '../../src/model/desired.js';
import type { LiveState, LiveUser, LoginProfile } from '../../src/model/live.js';
import type { PasswordPolicy } from '../../src/model/policy.js';

export const CIS_POLICY: PasswordPolicy = {
  minimumLength: 14,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
  allowUsersToChangePassword: true,
  maxAgeDays: 90,
  reusePrevention: 24,
  hardExpiry: false,
};

export function desiredState(overrides: {
  users?: Array<Pick<DesiredUser, 'name'> & Partial<DesiredUser>>;
  scope?: Partial<Scope>;
  passwordPolicy?: PolicyIntent;
  account?: string | null;
  defaultReset?: boolean;
  advisories?: Partial<AdvisorySettings>;
} = {}): DesiredState {
  const defaultReset = overrides.defaultReset ?? true;
  return {
    version: 1,
    account: overrides.account ?? null,
    passwordPolicy: overrides.passwordPolicy ?? { kind: 'unmanaged' },
    scope: { pathPrefix: null, tags: {}, unlisted: 'ignore', protected: [], ...overrides.scope },
    defaults: { passwordResetRequired: defaultReset, pgpKeyDir: null },
    users: (overrides.users ?? [])
      .map(
        (u): DesiredUser => ({
          console: true,
          passwordResetRequired: defaultReset,
          password: { kind: 'generate', length: 20 },
          rotation: null,
          pgpKey: null,
          ...u,
        }),
      )
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    advisories: { ...DEFAULT_ADVISORY_SETTINGS, ...overrides.advisories },
  };
}

export function profile(passwordResetRequired = false): LoginProfile {
  return { createDate: '2026-01-02T03:04:05.000Z', passwordResetRequired };
}

export function liveUser(name: string, loginProfile: LoginProfile | null, extra: Partial<LiveUser> = {}): LiveUser {
  return {
    name,
    arn: `arn:aws:iam::123456789012:user/${name}`,
    path: '/',
    tags: {},
    loginProfile,
    passwordLastUsed: null,
    rotation: null,
    ...extra,
  };
}

export function liveState(overrides: Partial<LiveState> = {}): LiveState {
  return {
    account: '123456789012',
    callerArn: 'arn:aws:iam::123456789012:user/admin',
    passwordPolicy: null,
    users: [],
    unlistedIgnored: [],
    outOfScopeCount: 0,
    ...overrides,
  };
}
