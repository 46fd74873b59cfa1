/**
 * Drift: the plan's semantics worded as "what live IAM has against what the file wants". Pure: built from a
 * Plan and the LiveState it was computed from (for the dates IAM reports), then filtered by ignore rules.
 *
 * One item per thing a person would fix separately: each differing policy field (or the whole policy, when one
 * side is the AWS default), and each user's console access or pending reset. Every item has an `address` in the
 * ignore-rule syntax, so a report line can be copied into `.iampassignore` as it is.
 */
import type { ConfigFingerprint } from './document.js';
import { addressText, matchingRule, type DriftAddress, type IgnoreRule } from './ignore.js';
import type { Attribution, AttributionSummary } from '../model/attribution.js';
import type { CredentialReport } from '../model/facts.js';
import type { LiveState } from '../model/live.js';
import { changedPolicyFields, POLICY_FIELDS, type PasswordPolicy } from '../model/policy.js';
import type { Action, ActionKind, KeptUser, Plan, PlanWarning } from '../model/plan.js';

export const DRIFT_FORMAT_VERSION = 1;

type PolicyValue = PasswordPolicy[keyof PasswordPolicy];

/** What differs, with both sides as values (not prose) so machines can read them. */
export type DriftItem =
  | {
      /** One policy field differs between two custom policies. */
      kind: 'policy-field';
      address: string;
      field: keyof PasswordPolicy;
      live: PolicyValue;
      desired: PolicyValue;
      reason: string;
      /** What apply would do about it. */
      fix: ActionKind;
      attribution?: Attribution;
    }
  | {
      /** One side is the AWS default (no custom policy): `null`. */
      kind: 'policy';
      address: string;
      live: PasswordPolicy | null;
      desired: PasswordPolicy | null;
      reason: string;
      fix: ActionKind;
      attribution?: Attribution;
    }
  | {
      /** Whether the user has a console password (login profile). */
      kind: 'console';
      address: string;
      user: string;
      live: boolean;
      desired: boolean;
      reason: string;
      fix: ActionKind;
      /** ISO 8601, when the user has a profile. */
      loginProfileCreated: string | null;
      /** ISO 8601, when IAM reported one. */
      passwordLastUsed: string | null;
      /** ISO 8601: when the password was last set, when the credential report knows. */
      passwordLastChanged?: string;
      /** Who made the live value what it is, from CloudTrail; absent when attribution was not asked for. */
      attribution?: Attribution;
    }
  | {
      /**
       * The password itself must change: the file's rotation token is not the one recorded on the user (`live` and
       * `desired` are the tokens, `null` for none), or an earlier apply could not confirm which password IAM holds
       * (`unconfirmed`).
       */
      kind: 'password';
      address: string;
      user: string;
      live: string | null;
      desired: string | null;
      unconfirmed: boolean;
      reason: string;
      fix: ActionKind;
      loginProfileCreated: string | null;
      passwordLastUsed: string | null;
      passwordLastChanged?: string;
      attribution?: Attribution;
    }
  | {
      /** A password reset is pending that the file says should not be. */
      kind: 'pending-reset';
      address: string;
      user: string;
      live: boolean;
      desired: boolean;
      reason: string;
      fix: ActionKind;
      loginProfileCreated: string | null;
      passwordLastUsed: string | null;
      passwordLastChanged?: string;
      attribution?: Attribution;
    };

/** How many items one rule quieted; a rule that matched nothing is listed too (a typo shows up). */
export interface IgnoreTally {
  rule: string;
  source: string;
  matched: number;
}

/**
 * How live IAM was read. `exact`: every governed user's login profile. `fast`: console access, last sign-in and
 * password age from the credential report (a handful of calls for any number of users, as of its generation).
 */
export type DriftMode = 'exact' | 'fast';

/** What a fast drift check rests on and leaves out; said in every format. */
export interface FastDriftNote {
  /** The report the user rows came from, or why there was none (then every user was read exactly). */
  credentialReport: { generatedTime: string; ageMinutes: number } | { unavailable: string };
  /** Governed users settled by the report. */
  fromReport: number;
  /** Governed users read exactly (GetLoginProfile) because the report could not settle them. */
  readExactly: number;
  /** What this check did not look at, one sentence each. */
  notChecked: string[];
  /** IAM calls the check made, attempts and pages included. */
  calls: number;
}

/**
 * The drift report: plain, serialisable, versioned (`schema/drift.schema.json`). `status` is `drifted` when any
 * item is left after ignore rules. `fast` is present exactly when `mode` is `fast`.
 */
export interface DriftReport {
  formatVersion: 1;
  kind: 'drift';
  status: 'in-sync' | 'drifted';
  account: string;
  callerArn: string;
  config: ConfigFingerprint;
  /** ISO 8601: when live IAM was read. */
  checkedAt: string;
  mode: DriftMode;
  fast?: FastDriftNote;
  summary: { drifted: number; ignored: number };
  items: DriftItem[];
  /** Present when drifted items were attributed (CloudTrail was asked, or could not be). */
  attribution?: AttributionSummary;
  ignored: IgnoreTally[];
  kept: KeptUser[];
  warnings: PlanWarning[];
  unchangedCount: number;
  unlistedIgnoredCount: number;
  outOfScopeCount: number;
}

/**
 * Every key of the report, in the order it is written: the order of `schema/drift.schema.json`'s properties at
 * each level (a test holds the two together). Policy fields keep `POLICY_FIELDS` order.
 */
export const DRIFT_KEY_ORDER = [
  'formatVersion',
  'kind',
  'id',
  'status',
  'account',
  'callerArn',
  'config',
  'file',
  'sha256',
  'checkedAt',
  'mode',
  'fast',
  'credentialReport',
  'generatedTime',
  'ageMinutes',
  'unavailable',
  'fromReport',
  'readExactly',
  'notChecked',
  'summary',
  'drifted',
  'items',
  'address',
  'field',
  'user',
  'live',
  'desired',
  'unconfirmed',
  ...POLICY_FIELDS,
  'reason',
  'message',
  'fix',
  'loginProfileCreated',
  'passwordLastUsed',
  'passwordLastChanged',
  'attribution',
  'eventName',
  'eventTime',
  'eventId',
  'actor',
  'type',
  'arn',
  'name',
  'roleArn',
  'sessionName',
  'sourceIdentity',
  'accessKeyId',
  'sourceIp',
  'userAgent',
  'iampass',
  'calls',
  'since',
  'note',
  'ignored',
  'rule',
  'source',
  'matched',
  'kept',
  'warnings',
  'unchangedCount',
  'unlistedIgnoredCount',
  'outOfScopeCount',
  'text',
] as const;

export interface DriftInput {
  plan: Plan;
  live: LiveState;
  config: ConfigFingerprint;
  checkedAt: string;
  rules: readonly IgnoreRule[];
  /** Default `exact`; `fast` comes with its note. */
  mode?: DriftMode;
  fast?: FastDriftNote;
  /** The credential report read with the live state, for when each drifted user's password was set. */
  report?: CredentialReport | null;
}

export function driftReport({ plan, live, config, checkedAt, rules, mode = 'exact', fast, report = null }: DriftInput): DriftReport {
  const all = plan.actions.flatMap((a) => driftItems(a, live, report));
  const tallies = new Map<IgnoreRule, number>(rules.map((r) => [r, 0]));
  const items: DriftItem[] = [];
  for (const item of all) {
    const rule = matchingRule(rules, addressOf(item));
    if (rule) tallies.set(rule, (tallies.get(rule) ?? 0) + 1);
    else items.push(item);
  }
  const ignored = [...tallies].map(([rule, matched]) => ({ rule: rule.text, source: rule.source, matched }));
  return {
    formatVersion: DRIFT_FORMAT_VERSION,
    kind: 'drift',
    status: items.length > 0 ? 'drifted' : 'in-sync',
    account: plan.account,
    callerArn: plan.callerArn,
    config,
    checkedAt,
    mode,
    ...(mode === 'fast' && fast ? { fast } : {}),
    summary: { drifted: items.length, ignored: all.length - items.length },
    items,
    ignored,
    kept: plan.kept,
    warnings: plan.warnings,
    unchangedCount: plan.unchangedCount,
    unlistedIgnoredCount: plan.unlistedIgnoredCount,
    outOfScopeCount: plan.outOfScopeCount,
  };
}

export function addressOf(item: DriftItem): DriftAddress {
  switch (item.kind) {
    case 'policy-field':
      return { subject: 'policy', field: item.field };
    case 'policy':
      return { subject: 'policy', field: null };
    case 'console':
      return { subject: 'user', user: item.user, field: 'console' };
    case 'pending-reset':
      return { subject: 'user', user: item.user, field: 'passwordResetRequired' };
    case 'password':
      return { subject: 'user', user: item.user, field: 'password' };
  }
}

function driftItems(action: Action, live: LiveState, report: CredentialReport | null): DriftItem[] {
  switch (action.kind) {
    case 'update-password-policy': {
      const before = action.before;
      if (before === null) {
        return [{ kind: 'policy', address: 'policy', live: null, desired: action.after, reason: action.reason, fix: action.kind }];
      }
      return changedPolicyFields(before, action.after).map((field) => ({
        kind: 'policy-field',
        address: addressText({ subject: 'policy', field }),
        field,
        live: before[field],
        desired: action.after[field],
        reason: `the file sets passwordPolicy.${field} to ${JSON.stringify(action.after[field])}${action.after[field] === null ? ' (off)' : ''}`,
        fix: action.kind,
      }));
    }
    case 'delete-password-policy':
      return [{ kind: 'policy', address: 'policy', live: action.before, desired: null, reason: action.reason, fix: action.kind }];
    case 'create-login-profile':
    case 'delete-login-profile':
    case 'update-login-profile': {
      const user = live.users.find((u) => u.name === action.user);
      const row = report?.users.get(action.user);
      const changed = row?.passwordEnabled ? row.passwordLastChanged : null;
      const dates = {
        // '' is a profile whose creation date was not read (fast mode): unknown, like no date at all.
        loginProfileCreated: user?.loginProfile?.createDate || null,
        passwordLastUsed: user?.passwordLastUsed ?? null,
        ...(changed ? { passwordLastChanged: changed } : {}),
      };
      if (action.kind === 'update-login-profile' && action.after.password !== null) {
        const unconfirmed = user?.unconfirmed ?? false;
        return [
          {
            kind: 'password',
            address: addressText({ subject: 'user', user: action.user, field: 'password' }),
            user: action.user,
            live: action.rotation?.from ?? user?.rotation ?? null,
            desired: action.rotation?.to ?? user?.rotation ?? null,
            unconfirmed,
            reason: action.reason,
            fix: action.kind,
            ...dates,
          },
        ];
      }
      if (action.kind === 'update-login-profile') {
        return [
          {
            kind: 'pending-reset',
            address: addressText({ subject: 'user', user: action.user, field: 'passwordResetRequired' }),
            user: action.user,
            live: action.before.passwordResetRequired,
            desired: action.after.passwordResetRequired,
            reason: action.reason,
            fix: action.kind,
            ...dates,
          },
        ];
      }
      return [
        {
          kind: 'console',
          address: addressText({ subject: 'user', user: action.user, field: 'console' }),
          user: action.user,
          live: action.kind === 'delete-login-profile',
          desired: action.kind === 'create-login-profile',
          reason: action.reason,
          fix: action.kind,
          ...dates,
        },
      ];
    }
  }
}

export function isDrifted(report: DriftReport): boolean {
  return report.status === 'drifted';
}
