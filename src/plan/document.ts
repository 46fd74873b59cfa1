/**
 * The saved plan: the public, versioned JSON form of a Plan (`plan --out FILE`, `plan --format json`), plus what
 * `apply FILE` needs to refuse a plan that no longer describes the account: the bytes of the file it was made
 * from (as a sha256) and the live facts each action was computed from. Pure: no I/O.
 *
 * It holds no secret by construction: a Plan never carries a password (a create says where its password will come
 * from, resolved at apply time), and the basis records only what IAM itself reports (a profile's dates and reset
 * flag, the policy). `schema/plan.schema.json` describes exactly this shape and admits no other field.
 */
import type { LiveState, LoginProfile } from '../model/live.js';
import { canonicalize } from './canonical.js';
import { POLICY_FIELDS, type PasswordPolicy } from '../model/policy.js';
import { isProfileAction, type Plan } from '../model/plan.js';

/** The format this iampass writes and the only one it applies. */
export const PLAN_FORMAT_VERSION = 1;

/** Which desired-state file a plan was made from, and its exact bytes (hex sha256). */
export interface ConfigFingerprint {
  file: string;
  sha256: string;
}

/**
 * The live objects a plan depends on, as they were when it was made. `apply FILE` re-reads exactly these and
 * refuses on any difference.
 *
 * Invariant: `users` has one entry per user an action touches, sorted by name. `passwordPolicy` is always
 * recorded: policy actions depend on it, and so do the rules generated passwords are made for.
 */
export interface PlanBasis {
  /** `null` while the AWS default is in force. */
  passwordPolicy: PasswordPolicy | null;
  users: BasisUser[];
}

export interface BasisUser {
  name: string;
  /** `null`: the user had no console password. */
  loginProfile: LoginProfile | null;
  /** For a rotation only: the token recorded on the user when planned (`null`: none), re-read before applying. */
  rotation?: string | null;
}

/** A Plan as saved and printed: the Plan's own fields first, then what staleness needs. */
export interface PlanDocument extends Plan {
  config: ConfigFingerprint;
  basis: PlanBasis;
}

/** The basis of `plan` in `live`: the policy, and the login profile of every user an action touches. */
export function planBasis(plan: Plan, live: LiveState): PlanBasis {
  const byName = new Map(live.users.map((u) => [u.name, u]));
  const actions = plan.actions.filter(isProfileAction);
  const rotating = new Set(actions.flatMap((a) => (a.kind === 'update-login-profile' && a.rotation ? [a.user] : [])));
  const names = [...new Set(actions.map((a) => a.user))].sort(byCodePoint);
  return {
    passwordPolicy: live.passwordPolicy,
    users: names.map((name) => {
      const user = byName.get(name);
      const entry: BasisUser = { name, loginProfile: user?.loginProfile ?? null };
      if (rotating.has(name)) entry.rotation = user?.rotation ?? null;
      return entry;
    }),
  };
}

export function planDocument(plan: Plan, config: ConfigFingerprint, basis: PlanBasis): PlanDocument {
  return { ...plan, config, basis };
}

/** The Plan inside a document, for the executor and the renderers. */
export function planOf(doc: PlanDocument): Plan {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropping the staleness fields
  const { config, basis, ...plan } = doc;
  return plan;
}

/**
 * Every key of the document, in the order it is written: the order of `schema/plan.schema.json`'s properties at
 * each level (a test holds the two together). Policy fields keep `POLICY_FIELDS` order.
 */
export const PLAN_KEY_ORDER = [
  'formatVersion',
  'account',
  'callerArn',
  'summary',
  'add',
  'change',
  'destroy',
  'actions',
  'kind',
  'id',
  'user',
  'reason',
  'before',
  'after',
  'source',
  ...POLICY_FIELDS,
  'createDate',
  'passwordResetRequired',
  'password',
  'length',
  'name',
  'path',
  'rotation',
  'from',
  'to',
  'delivery',
  'key',
  'passwordLastUsed',
  'kept',
  'warnings',
  'message',
  'fix',
  'acknowledged',
  'unchangedCount',
  'unlistedIgnoredCount',
  'outOfScopeCount',
  'passwordRules',
  'requiredClasses',
  'minimumClasses',
  'credentialReport',
  'generatedTime',
  'ageMinutes',
  'config',
  'file',
  'sha256',
  'basis',
  'passwordPolicy',
  'users',
  'loginProfile',
] as const;

/**
 * The document as JSON text with a stable key order (whatever order the objects were built in) and a final
 * newline: the same plan always gives the same bytes, so saved plans diff cleanly.
 */
export function serializePlanDocument(doc: PlanDocument): string {
  return `${JSON.stringify(canonicalDocument(doc), null, 2)}\n`;
}

export function canonicalDocument(doc: PlanDocument): PlanDocument {
  return canonicalize(doc, PLAN_KEY_ORDER) as PlanDocument;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
