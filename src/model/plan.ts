import type { PasswordPolicy, PasswordRules } from './policy.js';

/**
 * The login-profile state an action moves from or to. Secrets never enter a Plan: a new password is only
 * described by where it comes from (`passwordSource`), never by value.
 */
export interface ProfileState {
  passwordResetRequired: boolean;
  /** ISO 8601, for an existing profile. Display only. */
  createDate?: string;
}

/**
 * Where a new password comes from. Only the reference is ever stored (a variable's name, a file's path); the
 * value is resolved when it is checked and when it is sent.
 */
export type PasswordSource =
  | { kind: 'generate'; length: number }
  | { kind: 'env'; name: string }
  | { kind: 'file'; path: string };

/**
 * The saved-plan format this iampass writes and the only one it applies. 2: paths relative to the config file,
 * key fingerprints, and each acted-on user's path and scope tags in the basis.
 */
export const PLAN_FORMAT_VERSION = 2;

/** The IAM user tag on which apply records the rotation token it last acted on. */
export const ROTATION_TAG = 'iampass:rotation';

/** A rotation: the token recorded on the user (`null`: none yet) and the one the file asks for. */
export interface RotationChange {
  from: string | null;
  to: string;
}

/**
 * The closed vocabulary of changes iampass makes. Each action carries what it changes from (`before`) and to
 * (`after`) and a sentence saying why, in terms of the file.
 */
export type Action =
  | {
      kind: 'update-password-policy';
      before: PasswordPolicy | null;
      after: PasswordPolicy;
      reason: string;
    }
  | {
      kind: 'delete-password-policy';
      before: PasswordPolicy;
      after: null;
      reason: string;
    }
  | {
      kind: 'create-login-profile';
      user: string;
      before: null;
      /** `rotation`: the token to record on the user once the profile exists, so the next plan is empty. */
      after: ProfileState & { password: PasswordSource; rotation: string | null };
      delivery: Delivery;
      reason: string;
    }
  | {
      kind: 'update-login-profile';
      user: string;
      before: ProfileState;
      /** `password: null`: only the reset flag changes. */
      after: ProfileState & { password: PasswordSource | null };
      /** Set when the update is a rotation: a new password, then the new token recorded. */
      rotation: RotationChange | null;
      delivery: Delivery | null;
      reason: string;
    }
  | {
      kind: 'delete-login-profile';
      user: string;
      before: ProfileState;
      after: null;
      reason: string;
      /** Display only: the user's last console sign-in, when known. */
      passwordLastUsed: string | null;
    };

/**
 * How a new password reaches its user. `pgp`: encrypted to the user's OpenPGP key (a path). `operator`: no key;
 * apply needs `--password-dir` or `--reveal`. Supplied passwords (env, file) are known to whoever supplied them,
 * so they are not delivered again.
 */
export type Delivery = { kind: 'pgp'; key: string } | { kind: 'operator' } | { kind: 'supplied' };

export type ActionKind = Action['kind'];
export type ProfileAction = Extract<Action, { user: string }>;
export type PolicyAction = Exclude<Action, ProfileAction>;

/** How an action counts in the Terraform-style summary line. */
export type ChangeType = 'add' | 'change' | 'destroy';

export function changeType(action: Action): ChangeType {
  switch (action.kind) {
    case 'create-login-profile':
      return 'add';
    case 'update-password-policy':
      return action.before === null ? 'add' : 'change';
    case 'update-login-profile':
      return 'change';
    case 'delete-login-profile':
    case 'delete-password-policy':
      return 'destroy';
  }
}

/** Destructive actions take something away from a person: console access, or a custom policy. */
export function isDestructive(action: Action): boolean {
  return changeType(action) === 'destroy';
}

export function isProfileAction(action: Action): action is ProfileAction {
  return 'user' in action;
}

/** The Terraform symbol of an action: `+` create, `~` update, `-` delete. */
export function actionSymbol(action: Action): '+' | '~' | '-' {
  const t = changeType(action);
  return t === 'add' ? '+' : t === 'change' ? '~' : '-';
}

/**
 * The order apply works in, stated once: the password policy first (new passwords are checked against the policy
 * that will be in force), then grants and updates, then removals (access is granted before any is taken away).
 * Each phase finishes before the next starts; within a phase, users go by name.
 */
export const EXECUTION_PHASES = ['policy', 'grant', 'removal'] as const;
export type ExecutionPhase = (typeof EXECUTION_PHASES)[number];

export function phaseOf(action: Action): ExecutionPhase {
  if (!isProfileAction(action)) return 'policy';
  return action.kind === 'delete-login-profile' ? 'removal' : 'grant';
}

/** Execution order: by phase, then by user name. A plan's `actions` are sorted by it. */
export function compareForExecution(a: Action, b: Action): number {
  const phase = EXECUTION_PHASES.indexOf(phaseOf(a)) - EXECUTION_PHASES.indexOf(phaseOf(b));
  if (phase !== 0) return phase;
  const ua = isProfileAction(a) ? a.user : '';
  const ub = isProfileAction(b) ? b.user : '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** A user the plan deliberately leaves alone, with the reason, so a reviewer sees it was considered. */
export interface KeptUser {
  user: string;
  reason: string;
}

/**
 * Something a reviewer should know before applying: stable `id` (documented in the README), the user it
 * concerns where there is one, a one-line message and the fix. Warnings never change what apply does.
 * `acknowledged`: the file accepts this warning, with the reason; it stays visible but does not fail
 * `--fail-on warning`.
 */
export interface PlanWarning {
  id: string;
  user?: string;
  message: string;
  fix: string;
  acknowledged?: { reason: string };
}

/** The credential report the advisories used, so a reader can judge how current they are. Display only. */
export interface ReportNote {
  /** ISO 8601. */
  generatedTime: string;
  /** Its age when the plan was made. */
  ageMinutes: number;
}

/**
 * How the `iam:ChangePassword` answers of IP102 were had. `per-user`: one `SimulatePrincipalPolicy` each.
 * `by-permission-set`: `GetAccountAuthorizationDetails` (and the documents of AWS-managed policies), then one
 * simulation per class of users proven to get the same answer. Display only.
 */
export interface ChangePasswordCost {
  method: 'per-user' | 'by-permission-set';
  /** Users whose answer the advisories needed. */
  usersAsked: number;
  /** `SimulatePrincipalPolicy` calls. */
  simulations: number;
  /** Classes of two or more users that shared one simulation, and how many users they held. */
  shared: { classes: number; members: number };
  /** Why this method: the counting that chose it, or why grouping was given up. */
  why: string;
}

/**
 * What the advisories cost in IAM calls (the credential report, simulations, permission reads, access-key
 * listings), attempts and pages included, so a reviewer sees the price of the warnings. Display only.
 */
export interface FactsCost {
  calls: number;
  /** By AWS operation, only those called. */
  byOperation: Record<string, number>;
  /** Present when some user's `iam:ChangePassword` answer was needed. */
  changePassword?: ChangePasswordCost;
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

/**
 * The result of comparing desired and live state: plain, serialisable data.
 *
 * Invariant: `actions` are in execution order: the password policy first (so new passwords are checked against
 * the policy that will be in force), then creates and updates by user name, then deletes by user name.
 * `summary` counts `actions` by `changeType`.
 */
export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  account: string;
  callerArn: string;
  actions: Action[];
  kept: KeptUser[];
  /** Governed users already in the desired state (not counting `kept`). */
  unchangedCount: number;
  /** In scope but unlisted with `scope.unlisted: ignore`. */
  unlistedIgnoredCount: number;
  outOfScopeCount: number;
  /** In a stable order: by id, then user. */
  warnings: PlanWarning[];
  /** Present when the advisories read a credential report. */
  credentialReport?: ReportNote;
  /** Present when the plan was made against live IAM (not for offline plans). */
  factsCost?: FactsCost;
  /** What new passwords must meet: the policy that will be in force when apply sets them. */
  passwordRules: PasswordRules;
  summary: PlanSummary;
}

export function hasChanges(plan: Plan): boolean {
  return plan.actions.length > 0;
}

export function summarize(actions: readonly Action[]): PlanSummary {
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0 };
  for (const a of actions) summary[changeType(a)] += 1;
  return summary;
}
