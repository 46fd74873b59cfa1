import { DEFAULT_ADVISORY_SETTINGS, type AdvisorySettings, type DesiredState, type DesiredUser, type PolicyIntent, type Scope } from '../../src/model/desired.js';
import type { LiveState, LiveUser, LoginProfile } from '../../src/model/live.js';
import type { Plan } from '../../src/model/plan.js';
import type { PasswordPolicy } from '../../src/model/policy.js';
import { readRequestOf, type ReadRequest } from '../../src/model/read-request.js';
import { planBasis, planDocument, type ConfigFingerprint, type KeyFingerprint, type PlanDocument } from '../../src/plan/document.js';

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
    defaults: { passwordResetRequired: defaultReset, pgpKeyDir: null, rotation: null },
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
    unconfirmed: false,
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
    journal: { ungoverned: [] },
    ...overrides,
  };
}

/**
 * The saved document of `plan`, as `plan --out` makes it: the basis read through `desired`'s request (by default,
 * an unscoped file that rotates exactly the users the plan rotates), no delivery keys unless given, paths relative
 * to `/work`.
 */
export function documentOf(
  plan: Plan,
  config: ConfigFingerprint,
  live: LiveState,
  options: { desired?: DesiredState; keys?: KeyFingerprint[] } = {},
): PlanDocument {
  const request: ReadRequest = options.desired
    ? readRequestOf(options.desired)
    : {
        account: null,
        scope: { pathPrefix: null, tags: {}, unlisted: 'ignore', protected: [] },
        listed: [],
        rotating: plan.actions.flatMap((a) => (a.kind === 'update-login-profile' && a.rotation ? [a.user] : [])),
      };
  return planDocument(plan, config, planBasis(plan, live, request), options.keys ?? [], '/work');
}
