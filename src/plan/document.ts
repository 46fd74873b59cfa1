/**
 * The saved plan: the public, versioned JSON form of a Plan (`plan --out FILE`, `plan --format json`), plus what
 * `apply FILE` needs to refuse a plan that no longer describes the account: the bytes of the file it was made
 * from (as a sha256) and the live facts each action was computed from. Pure: no I/O.
 *
 * It holds no secret by construction: a Plan never carries a password (a create says where its password will come
 * from, resolved at apply time), and the basis records only what IAM itself reports (a profile's dates and reset
 * flag, the policy). `schema/plan.schema.json` describes exactly this shape and admits no other field.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { LiveState, LoginProfile } from '../model/live.js';
import { POLICY_FIELDS, type PasswordPolicy } from '../model/policy.js';
import { isProfileAction, PLAN_FORMAT_VERSION, type Action, type Plan } from '../model/plan.js';
import type { ReadRequest } from '../model/read-request.js';
import { byCodePoint } from '../util/compare.js';
import { canonicalize } from './canonical.js';

export { PLAN_FORMAT_VERSION };

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
  /** The user's IAM path: with `tags`, what decides that the file governs it (scope). */
  path: string;
  /** The values of the file's `scope.tags` keys on the user (`{}` when the scope names no tags). */
  tags: Record<string, string>;
  /** `null`: the user had no console password. */
  loginProfile: LoginProfile | null;
  /** For a user whose entry sets a rotation token: the token recorded on the user when planned (`null`: none). */
  rotation?: string | null;
  /** Present when the journal recorded the user's password as unconfirmed when planned. */
  unconfirmed?: true;
}

/** An OpenPGP key a delivery encrypts to, by path (relative to the config file) and fingerprint when planned. */
export interface KeyFingerprint {
  path: string;
  fingerprint: string;
}

/**
 * A Plan as saved and printed: the Plan's own fields first, then what `apply FILE` verifies. File paths in it
 * (a password `file:`, a delivery key, `keys`) are relative to the config file's directory, so a plan made in one
 * checkout applies in another.
 */
export interface PlanDocument extends Plan {
  /** Every key a delivery in the plan encrypts to, sorted by path. */
  keys: KeyFingerprint[];
  config: ConfigFingerprint;
  basis: PlanBasis;
}

/**
 * The basis of `plan` in `live`: the policy, and for every user an action touches, what decides the action (the
 * login profile, the rotation token where the file rotates) and what decides that the file governs the user at all
 * (path and scope tags). `apply FILE` recomputes the actions from these and re-reads them.
 */
export function planBasis(plan: Plan, live: LiveState, request: ReadRequest): PlanBasis {
  const byName = new Map(live.users.map((u) => [u.name, u]));
  const rotating = request.rotating === 'all' ? null : new Set(request.rotating);
  const scopeTags = Object.keys(request.scope.tags);
  const names = [...new Set(plan.actions.filter(isProfileAction).map((a) => a.user))].sort(byCodePoint);
  return {
    passwordPolicy: live.passwordPolicy,
    users: names.map((name) => {
      const user = byName.get(name);
      const tags: Record<string, string> = {};
      for (const key of scopeTags) {
        const value = user?.tags[key];
        if (value !== undefined) tags[key] = value;
      }
      const entry: BasisUser = { name, path: user?.path ?? '/', tags, loginProfile: user?.loginProfile ?? null };
      if (rotating === null || rotating.has(name)) entry.rotation = user?.rotation ?? null;
      if (user?.unconfirmed) entry.unconfirmed = true;
      return entry;
    }),
  };
}

/** The key paths the plan's deliveries encrypt to. */
export function deliveryKeys(plan: Plan): Set<string> {
  const keys = new Set<string>();
  for (const a of plan.actions) {
    if ((a.kind === 'create-login-profile' || a.kind === 'update-login-profile') && a.delivery?.kind === 'pgp') keys.add(a.delivery.key);
  }
  return keys;
}

/** `configDir`: the absolute directory of the config file; paths in the document are written relative to it. */
export function planDocument(plan: Plan, config: ConfigFingerprint, basis: PlanBasis, keys: readonly KeyFingerprint[], configDir: string): PlanDocument {
  const portable = (path: string) => toPortablePath(path, configDir);
  return {
    ...withPaths(plan, portable),
    keys: keys.map((k) => ({ path: portable(k.path), fingerprint: k.fingerprint })).sort((a, b) => byCodePoint(a.path, b.path)),
    config,
    basis,
  };
}

/** The Plan inside a document, its paths resolved against `configDir`, for the executor and the renderers. */
export function planOf(doc: PlanDocument, configDir: string): Plan {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropping what only the saved form needs
  const { config, basis, keys, ...plan } = doc;
  return withPaths(plan, (path) => resolve(configDir, path));
}

/** A path as a document holds it: relative to the config's directory, with `/` separators. */
export function toPortablePath(path: string, configDir: string): string {
  if (!isAbsolute(path)) return path;
  return relative(configDir, path).split(sep).join('/') || '.';
}

/** A copy of `plan` with every file path in its actions (password files, delivery keys) mapped by `map`. */
export function withPaths<P extends Plan>(plan: P, map: (path: string) => string): P {
  return { ...plan, actions: plan.actions.map((a) => actionWithPaths(a, map)) };
}

function actionWithPaths(action: Action, map: (path: string) => string): Action {
  if (action.kind !== 'create-login-profile' && action.kind !== 'update-login-profile') return action;
  const password = action.after.password;
  const delivery = action.delivery;
  return {
    ...action,
    after: { ...action.after, password: password?.kind === 'file' ? { ...password, path: map(password.path) } : password },
    delivery: delivery?.kind === 'pgp' ? { ...delivery, key: map(delivery.key) } : delivery,
  } as Action;
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
  'factsCost',
  'calls',
  'byOperation',
  'changePassword',
  'method',
  'usersAsked',
  'simulations',
  'shared',
  'classes',
  'members',
  'why',
  'keys',
  'fingerprint',
  'config',
  'file',
  'sha256',
  'basis',
  'passwordPolicy',
  'users',
  'tags',
  'loginProfile',
  'unconfirmed',
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
