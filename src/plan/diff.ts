/**
 * The pure heart of iampass: desired state + live state -> Plan. No I/O, no SDK, no terminal; it never mutates
 * its inputs. Everything here is deterministic so the same inputs always give the same plan, in the same order.
 */
import type { DesiredState, DesiredUser } from '../model/desired.js';
import type { LiveState, LiveUser } from '../model/live.js';
import {
  AWS_DEFAULT_PASSWORD_RULES,
  changedPolicyFields,
  rulesOfPolicy,
  type PasswordPolicy,
  type PasswordRules,
} from '../model/policy.js';
import {
  compareForExecution,
  PLAN_FORMAT_VERSION,
  summarize,
  type Action,
  type Delivery,
  type KeptUser,
  type Plan,
  type PlanWarning,
  type ProfileAction,
} from '../model/plan.js';

export function diff(desired: DesiredState, live: LiveState): Plan {
  const policyActions = diffPolicy(desired, live.passwordPolicy);
  const { actions: profileActions, kept, unchanged } = diffProfiles(desired, live);
  const ordered = [...profileActions].sort(compareForExecution);
  const actions: Action[] = [...policyActions, ...ordered];
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    account: live.account,
    callerArn: live.callerArn,
    actions,
    kept,
    warnings: [...deliveryWarnings(ordered), ...journalWarnings(live)],
    unchangedCount: unchanged,
    unlistedIgnoredCount: live.unlistedIgnored.length,
    outOfScopeCount: live.outOfScopeCount,
    passwordRules: effectivePasswordRules(desired, live.passwordPolicy),
    summary: summarize(actions),
  };
}

function diffPolicy(desired: DesiredState, live: PasswordPolicy | null): Action[] {
  const intent = desired.passwordPolicy;
  if (intent.kind === 'unmanaged') return [];
  if (intent.kind === 'aws-default') {
    if (live === null) return [];
    return [
      {
        kind: 'delete-password-policy',
        before: live,
        after: null,
        reason: 'passwordPolicy is `default` and a custom policy is in force',
      },
    ];
  }
  if (live === null) {
    return [
      {
        kind: 'update-password-policy',
        before: null,
        after: intent.policy,
        reason: 'no custom policy is set (the AWS default is in force)',
      },
    ];
  }
  const changed = changedPolicyFields(live, intent.policy);
  if (changed.length === 0) return [];
  return [
    {
      kind: 'update-password-policy',
      before: live,
      after: intent.policy,
      reason: `the live policy differs in ${changed.join(', ')}`,
    },
  ];
}

/**
 * The policy in force when apply sets passwords: the policy step runs first, so the desired policy when the file
 * manages it, else the live one, else the AWS default.
 */
export function effectivePasswordRules(desired: DesiredState, live: PasswordPolicy | null): PasswordRules {
  const intent = desired.passwordPolicy;
  if (intent.kind === 'custom') return rulesOfPolicy(intent.policy, 'desired policy');
  if (intent.kind === 'aws-default' || live === null) return AWS_DEFAULT_PASSWORD_RULES;
  return rulesOfPolicy(live, 'live policy');
}

interface ProfileDiff {
  actions: ProfileAction[];
  kept: KeptUser[];
  unchanged: number;
}

function diffProfiles(desired: DesiredState, live: LiveState): ProfileDiff {
  const listed = new Map<string, DesiredUser>(desired.users.map((u) => [u.name, u]));
  const protectedNames = new Set(desired.scope.protected);
  const result: ProfileDiff = { actions: [], kept: [], unchanged: 0 };

  for (const user of live.users) {
    const want = listed.get(user.name);
    const keptBefore = result.kept.length;
    const action = want
      ? diffListedUser(want, user, protectedNames.has(user.name), result.kept)
      : diffUnlistedUser(desired, user, protectedNames.has(user.name), result.kept);
    if (action) result.actions.push(action);
    else if (result.kept.length === keptBefore) result.unchanged += 1;
  }
  return result;
}

function diffListedUser(
  want: DesiredUser,
  user: LiveUser,
  isProtected: boolean,
  kept: KeptUser[],
): ProfileAction | null {
  const profile = user.loginProfile;
  if (want.console) {
    if (!profile) {
      return {
        kind: 'create-login-profile',
        user: user.name,
        before: null,
        after: { passwordResetRequired: want.passwordResetRequired, password: want.password, rotation: want.rotation },
        delivery: deliveryOf(want),
        reason: 'listed with console: true and has no console password',
      };
    }
    if (user.unconfirmed) {
      return {
        kind: 'update-login-profile',
        user: user.name,
        before: { passwordResetRequired: profile.passwordResetRequired, createDate: profile.createDate },
        after: { passwordResetRequired: want.passwordResetRequired, createDate: profile.createDate, password: want.password },
        rotation: want.rotation !== null && user.rotation !== want.rotation ? { from: user.rotation, to: want.rotation } : null,
        delivery: deliveryOf(want),
        reason: 'an earlier apply could not confirm which password IAM holds (recorded in the IAM group iampass-unconfirmed-passwords)',
      };
    }
    if (want.rotation !== null && user.rotation !== want.rotation) {
      return {
        kind: 'update-login-profile',
        user: user.name,
        before: { passwordResetRequired: profile.passwordResetRequired, createDate: profile.createDate },
        after: { passwordResetRequired: want.passwordResetRequired, createDate: profile.createDate, password: want.password },
        rotation: { from: user.rotation, to: want.rotation },
        delivery: deliveryOf(want),
        reason:
          user.rotation === null
            ? `rotation token "${want.rotation}" is not recorded on the user yet`
            : `rotation token changed from "${user.rotation}" to "${want.rotation}"`,
      };
    }
    // `passwordResetRequired` is an intent applied when a password is set. IAM clears it once the user picks
    // their own password, so live `false` with desired `true` is the normal steady state, never drift
    // (re-flipping it would force a reset loop). Only a *pending* reset the file says should not be there is.
    if (profile.passwordResetRequired && !want.passwordResetRequired) {
      return {
        kind: 'update-login-profile',
        user: user.name,
        before: { passwordResetRequired: true, createDate: profile.createDate },
        after: { passwordResetRequired: false, createDate: profile.createDate, password: null },
        rotation: null,
        delivery: null,
        reason: 'a password reset is pending but the file sets passwordResetRequired: false',
      };
    }
    return null;
  }
  if (!profile) return null;
  if (isProtected) {
    // Validation rejects this combination; kept here too so no path through the diff disables a protected user.
    kept.push({ user: user.name, reason: 'listed with console: false but protected by scope.protected' });
    return null;
  }
  return deleteProfile(user, 'listed with console: false');
}

function diffUnlistedUser(
  desired: DesiredState,
  user: LiveUser,
  isProtected: boolean,
  kept: KeptUser[],
): ProfileAction | null {
  if (desired.scope.unlisted !== 'disable' || !user.loginProfile) return null;
  if (isProtected) {
    kept.push({
      user: user.name,
      reason: 'in scope and unlisted with scope.unlisted: disable, but protected by scope.protected',
    });
    return null;
  }
  return deleteProfile(user, 'in scope, unlisted, and scope.unlisted is disable');
}

function deleteProfile(user: LiveUser, reason: string): ProfileAction {
  const profile = user.loginProfile!;
  return {
    kind: 'delete-login-profile',
    user: user.name,
    before: { passwordResetRequired: profile.passwordResetRequired, createDate: profile.createDate },
    after: null,
    reason,
    passwordLastUsed: user.passwordLastUsed,
  };
}

/** A supplied password is known to whoever supplied it; a generated one goes to the user's key, or the operator. */
function deliveryOf(want: DesiredUser): Delivery {
  if (want.password.kind !== 'generate') return { kind: 'supplied' };
  return want.pgpKey !== null ? { kind: 'pgp', key: want.pgpKey } : { kind: 'operator' };
}

/**
 * IP109: the journal of unconfirmed passwords could not be read, so "no changes" cannot promise every password is
 * known. IP110: it names users this file does not govern, whose passwords nobody can confirm.
 */
function journalWarnings(live: LiveState): PlanWarning[] {
  if ('unknown' in live.journal) {
    return [
      {
        id: 'IP109',
        message: `the record of passwords an earlier apply could not confirm (IAM group iampass-unconfirmed-passwords) could not be read: ${live.journal.unknown}`,
        fix: 'allow iam:GetGroup on the group iampass-unconfirmed-passwords (path /iampass/), then plan again',
      },
    ];
  }
  const names = live.journal.ungoverned;
  if (names.length === 0) return [];
  const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ');
  return [
    {
      id: 'IP110',
      message: `an earlier apply could not confirm which password IAM holds for ${names.length} user${names.length === 1 ? '' : 's'} this file does not govern: ${shown}`,
      fix: 'plan and apply with the file that governs them, or set their passwords by hand and remove them from the IAM group iampass-unconfirmed-passwords',
    },
  ];
}

/** IP108: a generated password with no encrypted delivery can be seen once, by the operator, or not at all. */
function deliveryWarnings(actions: readonly ProfileAction[]): PlanWarning[] {
  return actions.flatMap((a): PlanWarning[] =>
    (a.kind === 'create-login-profile' || a.kind === 'update-login-profile') && a.delivery?.kind === 'operator'
      ? [
          {
            id: 'IP108',
            user: a.user,
            message: `${a.user}'s new generated password has no OpenPGP key to be encrypted to: it can only be shown once or written in plain text`,
            fix: `give ${a.user} a pgpKey (or a key in defaults.pgpKeyDir), or apply with --password-dir DIR or --reveal`,
          },
        ]
      : [],
  );
}
