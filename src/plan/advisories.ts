/**
 * The plan's advisories: what a reviewer should know before a change hurts someone. Pure: desired state, live
 * state, the plan and the facts read for it (credential report, simulations) in; warnings out. No I/O, no clock
 * (`now` is given), and warnings never change what apply does.
 *
 * Every warning has a stable id (see advisory-ids.ts and the README), names the user where there is one, and
 * says how to fix it. A warning the file acknowledges (with a reason) stays in the plan, marked as such.
 */
import type { AdvisorySettings, DesiredState } from '../model/desired.js';
import type { AdvisoryId } from '../model/advisory-ids.js';
import { isUnknown, type AccountFacts, type CredentialReport } from '../model/facts.js';
import type { LiveState, LiveUser } from '../model/live.js';
import type { PasswordPolicy } from '../model/policy.js';
import type { Plan, PlanWarning, ProfileAction } from '../model/plan.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** IAM makes a new credential report at most every 4 hours; an older one means something is off. */
export const REPORT_STALE_AFTER_MS = 4 * 60 * 60 * 1000;

/** The CIS AWS Foundations Benchmark's password policy (1.8-1.9, and the earlier 1.5-1.11 it grew from). */
export const CIS_PASSWORD_POLICY = { minimumLength: 14, reusePrevention: 24, maxAgeDays: 90 } as const;

/**
 * The password policy in force once apply has run, and where it comes from. `unknown`: the file leaves the
 * policy alone and the live one was not read (offline).
 */
export type PolicyInForce =
  | { kind: 'custom'; policy: PasswordPolicy; source: 'file' | 'live' }
  | { kind: 'aws-default'; source: 'file' | 'live' }
  | { kind: 'unknown' };

/** `live` is the live policy (`null`: the AWS default), or `undefined` when it was not read. */
export function policyInForce(desired: DesiredState, live: PasswordPolicy | null | undefined): PolicyInForce {
  const intent = desired.passwordPolicy;
  if (intent.kind === 'custom') return { kind: 'custom', policy: intent.policy, source: 'file' };
  if (intent.kind === 'aws-default') return { kind: 'aws-default', source: 'file' };
  if (live === undefined) return { kind: 'unknown' };
  return live === null ? { kind: 'aws-default', source: 'live' } : { kind: 'custom', policy: live, source: 'live' };
}

/** Whether every user may change their own password under the policy in force (AllowUsersToChangePassword). */
export function policyLetsUsersChangePassword(policy: PolicyInForce): boolean {
  return policy.kind === 'custom' && policy.policy.allowUsersToChangePassword;
}

/** Users the plan gives a password they must change at next sign-in: a new profile, or a rotation, with reset. */
export function resetForcedUsers(plan: Plan): string[] {
  return plan.actions.flatMap((a) =>
    (a.kind === 'create-login-profile' || a.kind === 'update-login-profile') && a.after.passwordResetRequired ? [a.user] : [],
  );
}

/** Users whose console access the plan removes. */
export function usersLosingConsole(plan: Plan): string[] {
  return plan.actions.flatMap((a) => (a.kind === 'delete-login-profile' ? [a.user] : []));
}

/**
 * Users for whom `iam:ChangePassword` must be simulated: forced to reset while the policy in force does not let
 * users change their password. At most one call each.
 */
export function usersToSimulate(desired: DesiredState, live: LiveState, plan: Plan): string[] {
  if (policyLetsUsersChangePassword(policyInForce(desired, live.passwordPolicy))) return [];
  return resetForcedUsers(plan);
}

/** Everything iampass can say with the plan, live IAM and the facts read for it. */
export function advise(desired: DesiredState, live: LiveState, plan: Plan, facts: AccountFacts, now: Date): PlanWarning[] {
  const ctx = context(desired, live, plan, facts, now);
  return acknowledge(desired, [
    // Warnings the diff itself raised (IP108, password delivery) go through the same acknowledgement and order.
    ...plan.warnings,
    ...reportUnavailable(ctx),
    ...accessKeysOnDisable(ctx),
    ...resetWithoutChangePassword(ctx),
    ...consoleWithoutMfa(ctx),
    ...unusedConsoleAccess(ctx),
    ...weakerThanCis(policyInForce(desired, live.passwordPolicy)),
    ...hardExpiry(policyInForce(desired, live.passwordPolicy), desired.advisories, ctx),
    ...callerLosesConsole(ctx),
  ]);
}

/** What the file alone shows, for `iampass lint` (offline): the policy against CIS, and hardExpiry. */
export function adviseFile(desired: DesiredState): PlanWarning[] {
  const policy = policyInForce(desired, undefined);
  return acknowledge(desired, [...weakerThanCis(policy), ...hardExpiry(policy, desired.advisories, null)]);
}

/** Warnings that fail `--fail-on warning`: those not acknowledged. */
export function unacknowledged(warnings: readonly PlanWarning[]): PlanWarning[] {
  return warnings.filter((w) => w.acknowledged === undefined);
}

/** Whole days from `from` to `now` (0 for the future). */
export function daysSince(from: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / DAY_MS));
}

/** Marks acknowledged warnings (per user, or account-wide for warnings about no user) and sorts by id, then user. */
function acknowledge(desired: DesiredState, warnings: PlanWarning[]): PlanWarning[] {
  const byUser = new Map(desired.users.map((u) => [u.name, u.acknowledge ?? {}]));
  const out = warnings.map((w): PlanWarning => {
    const acks = w.user === undefined ? desired.advisories.acknowledge : byUser.get(w.user);
    const reason = acks !== undefined && Object.hasOwn(acks, w.id) ? acks[w.id] : undefined;
    return reason === undefined ? w : { ...w, acknowledged: { reason } };
  });
  return out.sort((a, b) => cmp(a.id, b.id) || cmp(a.user ?? '', b.user ?? ''));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The facts every check shares, resolved once. */
interface Context {
  desired: DesiredState;
  live: LiveState;
  plan: Plan;
  facts: AccountFacts;
  now: Date;
  report: CredentialReport | null;
  actionOf: Map<string, ProfileAction>;
  /** Governed users who have console access once apply has run, with whether it is new. */
  consoleAfter: Array<{ user: LiveUser; isNew: boolean }>;
}

function context(desired: DesiredState, live: LiveState, plan: Plan, facts: AccountFacts, now: Date): Context {
  const report = facts.credentialReport !== null && !isUnknown(facts.credentialReport) ? facts.credentialReport : null;
  const actionOf = new Map<string, ProfileAction>();
  for (const a of plan.actions) if ('user' in a) actionOf.set(a.user, a);
  const consoleAfter = live.users.flatMap((user) => {
    const action = actionOf.get(user.name);
    if (action?.kind === 'create-login-profile') return [{ user, isNew: true }];
    if (action?.kind === 'delete-login-profile' || user.loginProfile === null) return [];
    return [{ user, isNew: false }];
  });
  return { desired, live, plan, facts, now, report, actionOf, consoleAfter };
}

function warning(id: AdvisoryId, user: string | undefined, message: string, fix: string): PlanWarning {
  return user === undefined ? { id, message, fix } : { id, user, message, fix };
}

const s = (n: number) => (n === 1 ? '' : 's');
const day = (iso: string) => iso.slice(0, 10);

/** IP100: without the report, MFA, unused-access and access-key checks are blind; say so rather than stay silent. */
function reportUnavailable(ctx: Context): PlanWarning[] {
  const r = ctx.facts.credentialReport;
  const fix = 'allow iam:GenerateCredentialReport and iam:GetCredentialReport to the identity running iampass, then plan again';
  if (r !== null && isUnknown(r)) {
    const keys = usersLosingConsole(ctx.plan).length > 0 ? '; access keys of users losing console access were listed one by one' : '';
    return [
      warning(
        'IP100',
        undefined,
        `the credential report could not be read (${r.unknown}): MFA (IP103), unused console access (IP104) and password expiry (IP106) were not checked${keys}`,
        fix,
      ),
    ];
  }
  if (r !== null && ctx.now.getTime() - Date.parse(r.generatedTime) > REPORT_STALE_AFTER_MS) {
    const hours = Math.floor((ctx.now.getTime() - Date.parse(r.generatedTime)) / 3_600_000);
    return [
      warning(
        'IP100',
        undefined,
        `the credential report is ${hours} hours old (generated ${r.generatedTime}): changes since then are not reflected in IP101, IP103, IP104 or IP106`,
        `${fix}; IAM makes a new report when the last one is over 4 hours old`,
      ),
    ];
  }
  return [];
}

/** IP101: the AWS guide's first "Important" note. */
function accessKeysOnDisable(ctx: Context): PlanWarning[] {
  return usersLosingConsole(ctx.plan).flatMap((name) => {
    const listed = ctx.facts.activeAccessKeys.get(name);
    const active = ctx.report?.users.get(name)?.activeAccessKeys ?? (typeof listed === 'number' ? listed : undefined);
    if (active === undefined || active === 0) return [];
    return [
      warning(
        'IP101',
        name,
        `${name} keeps ${active} active access key${s(active)} after console access is removed: API and CLI access continue`,
        `deactivate or delete ${name}'s access keys too (aws iam update-access-key --user-name ${name} --status Inactive --access-key-id ...), or acknowledge IP101 for ${name} if API access should stay`,
      ),
    ];
  });
}

/** IP102: the AWS guide's second "Important" note: a forced reset the user cannot perform locks them out. */
function resetWithoutChangePassword(ctx: Context): PlanWarning[] {
  const policy = policyInForce(ctx.desired, ctx.live.passwordPolicy);
  if (policyLetsUsersChangePassword(policy)) return [];
  const why = policy.kind === 'custom' ? 'the password policy does not allow users to change their password' : 'the AWS default policy does not let users change their password';
  return resetForcedUsers(ctx.plan).flatMap((name) => {
    const decision = ctx.facts.changePassword.get(name);
    if (decision === 'allowed') return [];
    const permission =
      decision === 'denied'
        ? `iam:ChangePassword is denied for ${name} (SimulatePrincipalPolicy)`
        : `whether ${name} may call iam:ChangePassword could not be checked (${decision === undefined ? 'not simulated' : decision.unknown})`;
    return [
      warning(
        'IP102',
        name,
        `${name} must choose a new password at next sign-in but may be locked out: ${why} and ${permission}`,
        `set passwordPolicy.allowUsersToChangePassword: true, or grant ${name} iam:ChangePassword on their own user (the IAMUserChangePassword managed policy), or set passwordResetRequired: false for ${name}`,
      ),
    ];
  });
}

/** IP103: CIS 1.10, MFA for every user with a console password. */
function consoleWithoutMfa(ctx: Context): PlanWarning[] {
  if (ctx.report === null) return [];
  return ctx.consoleAfter.flatMap(({ user, isNew }) => {
    const row = ctx.report?.users.get(user.name);
    if (row === undefined || row.mfaActive) return [];
    return [
      warning(
        'IP103',
        user.name,
        `${user.name} ${isNew ? 'gets' : 'keeps'} console access without an MFA device (CIS 1.10)`,
        `assign an MFA device to ${user.name} (aws iam enable-mfa-device, or the console's Security credentials tab) and require MFA for console sign-in, or acknowledge IP103 for ${user.name} with the reason`,
      ),
    ];
  });
}

/** IP104: CIS 1.12, credentials unused for `unusedDays` or more. A suggestion only: the file decides. */
function unusedConsoleAccess(ctx: Context): PlanWarning[] {
  const threshold = ctx.desired.advisories.unusedDays;
  return ctx.consoleAfter.flatMap(({ user, isNew }) => {
    if (isNew) return [];
    const row = ctx.report?.users.get(user.name);
    const lastUsed = latest(row?.passwordLastUsed ?? null, user.passwordLastUsed);
    const fix = `set ${user.name}: { console: false } if the access is no longer needed (iampass never disables it on its own), or acknowledge IP104 for ${user.name}`;
    if (lastUsed !== null) {
      const days = daysSince(lastUsed, ctx.now);
      if (days < threshold) return [];
      return [
        warning(
          'IP104',
          user.name,
          `${user.name} has not signed in to the console for ${days} days (last ${day(lastUsed)}; CIS 1.12: ${threshold} days)`,
          fix,
        ),
      ];
    }
    // Never used: only the report can say so (ListUsers leaves the field out either way); judged by the password's age.
    if (row === undefined) return [];
    const setAt = row.passwordLastChanged ?? user.loginProfile?.createDate ?? null;
    if (setAt === null || setAt === '') return [];
    const days = daysSince(setAt, ctx.now);
    if (days < threshold) return [];
    return [
      warning(
        'IP104',
        user.name,
        `${user.name} has never signed in to the console since the password was set ${days} days ago (CIS 1.12: ${threshold} days)`,
        fix,
      ),
    ];
  });
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** IP105: each way the policy in force falls short of CIS, named, with the settings that fix it. */
function weakerThanCis(policy: PolicyInForce): PlanWarning[] {
  if (policy.kind === 'unknown') return [];
  const { minimumLength, reusePrevention, maxAgeDays } = CIS_PASSWORD_POLICY;
  const short: string[] = [];
  const fix: string[] = [];
  if (policy.kind === 'aws-default') {
    short.push(
      `minimumLength 8 (CIS: ${minimumLength} or more)`,
      'no character class required (any 3 of 4)',
      `reusePrevention off (CIS: ${reusePrevention})`,
      `passwords never expire (CIS: maxAgeDays ${maxAgeDays} or less)`,
    );
    fix.push(
      `minimumLength: ${minimumLength}`,
      'requireUppercase: true',
      'requireLowercase: true',
      'requireNumbers: true',
      'requireSymbols: true',
      `reusePrevention: ${reusePrevention}`,
      `maxAgeDays: ${maxAgeDays}`,
    );
  } else {
    const p = policy.policy;
    if (p.minimumLength < minimumLength) {
      short.push(`minimumLength ${p.minimumLength} (CIS: ${minimumLength} or more)`);
      fix.push(`minimumLength: ${minimumLength}`);
    }
    for (const field of ['requireUppercase', 'requireLowercase', 'requireNumbers', 'requireSymbols'] as const) {
      if (!p[field]) {
        short.push(`${field} off`);
        fix.push(`${field}: true`);
      }
    }
    if (p.reusePrevention === null || p.reusePrevention < reusePrevention) {
      short.push(`reusePrevention ${p.reusePrevention ?? 'off'} (CIS: ${reusePrevention})`);
      fix.push(`reusePrevention: ${reusePrevention}`);
    }
    if (p.maxAgeDays === null || p.maxAgeDays > maxAgeDays) {
      short.push(p.maxAgeDays === null ? `passwords never expire (CIS: maxAgeDays ${maxAgeDays} or less)` : `maxAgeDays ${p.maxAgeDays} (CIS: ${maxAgeDays} or less)`);
      fix.push(`maxAgeDays: ${maxAgeDays}`);
    }
  }
  if (short.length === 0) return [];
  const subject =
    policy.kind === 'aws-default'
      ? policy.source === 'file'
        ? 'passwordPolicy: default (the AWS default policy)'
        : 'the AWS default password policy in force (not managed by this file)'
      : policy.source === 'file'
        ? 'the password policy'
        : 'the live password policy (not managed by this file)';
  const how =
    policy.kind === 'aws-default' && policy.source === 'file'
      ? `replace \`passwordPolicy: default\` with a custom policy: ${fix.join(', ')}`
      : policy.source === 'file'
        ? `in passwordPolicy set ${fix.join(', ')}`
        : `manage the policy in this file (passwordPolicy) with ${fix.join(', ')}`;
  return [
    warning(
      'IP105',
      undefined,
      `${subject} is weaker than the CIS AWS Foundations Benchmark: ${short.join(', ')}`,
      `${how}, or acknowledge IP105 under advisories.acknowledge`,
    ),
  ];
}

/**
 * IP106: with hardExpiry, an expired password can only be reset by an administrator. Counts who is affected when
 * the credential report says when each password was last changed (`ctx` null: offline, not counted).
 */
function hardExpiry(policy: PolicyInForce, settings: AdvisorySettings, ctx: Context | null): PlanWarning[] {
  if (policy.kind !== 'custom' || !policy.policy.hardExpiry || policy.policy.maxAgeDays === null) return [];
  const maxAge = policy.policy.maxAgeDays;
  const within = settings.expiringWithinDays;
  let counts = '';
  if (ctx !== null && ctx.report === null && ctx.consoleAfter.length > 0) {
    counts = `; how many users in scope expire soon is unknown (no credential report)`;
  } else if (ctx !== null && ctx.report !== null) {
    const now = ctx.now.getTime();
    const expired: string[] = [];
    const soon: string[] = [];
    let unknown = 0;
    for (const { user, isNew } of ctx.consoleAfter) {
      const changed = isNew ? ctx.now.toISOString() : (ctx.report.users.get(user.name)?.passwordLastChanged ?? null);
      if (changed === null) {
        unknown += 1;
        continue;
      }
      const expires = Date.parse(changed) + maxAge * DAY_MS;
      if (expires <= now) expired.push(user.name);
      else if (expires <= now + within * DAY_MS) soon.push(user.name);
    }
    const parts = [
      `${soon.length} user${s(soon.length)} in scope ${soon.length === 1 ? 'expires' : 'expire'} within ${within} days${names(soon)}`,
    ];
    if (expired.length > 0) parts.unshift(`${expired.length} user${s(expired.length)} in scope already past ${maxAge} days${names(expired)}`);
    if (unknown > 0) parts.push(`${unknown} not known`);
    counts = `; ${parts.join(', ')}`;
  }
  return [
    warning(
      'IP106',
      undefined,
      `hardExpiry is on: a user whose password expires (after ${maxAge} days) is locked out until an administrator resets it${counts}`,
      'set hardExpiry: false so users choose a new password when theirs expires, or make sure an administrator can reset expired passwords promptly; acknowledge IP106 under advisories.acknowledge',
    ),
  ];
}

/** Up to five names in parentheses, then a count of the rest. */
function names(list: readonly string[]): string {
  if (list.length === 0) return '';
  const shown = list.slice(0, 5).join(', ');
  return ` (${shown}${list.length > 5 ? ` and ${list.length - 5} more` : ''})`;
}

/** IP107: the identity running iampass is about to lose its own console access. */
function callerLosesConsole(ctx: Context): PlanWarning[] {
  return usersLosingConsole(ctx.plan).flatMap((name) => {
    const user = ctx.live.users.find((u) => u.name === name);
    if (user === undefined || user.arn !== ctx.live.callerArn) return [];
    return [
      warning(
        'IP107',
        name,
        `the plan removes console access of ${name}, the identity running iampass (${ctx.live.callerArn})`,
        `list ${name} with console: true or add it to scope.protected, or run iampass as another identity if this is intended`,
      ),
    ];
  });
}

/**
 * The plan with its advisories, a note of the credential report they used (when one was read), and what reading
 * their facts cost (`calls`: attempts by operation, as the session counted them).
 */
export function withAdvisories(plan: Plan, warnings: PlanWarning[], facts: AccountFacts, now: Date, calls?: Readonly<Record<string, number>>): Plan {
  const r = facts.credentialReport;
  const out: Plan = { ...plan, warnings };
  if (calls !== undefined) {
    const byOperation = Object.fromEntries(Object.entries(calls).filter(([, n]) => n > 0).sort(([a], [b]) => cmp(a, b)));
    out.factsCost = {
      calls: Object.values(byOperation).reduce((sum, n) => sum + n, 0),
      byOperation,
      ...(facts.changePasswordCost ? { changePassword: facts.changePasswordCost } : {}),
    };
  }
  if (r !== null && !isUnknown(r)) {
    out.credentialReport = {
      generatedTime: r.generatedTime,
      ageMinutes: Math.max(0, Math.floor((now.getTime() - Date.parse(r.generatedTime)) / 60_000)),
    };
  }
  return out;
}
