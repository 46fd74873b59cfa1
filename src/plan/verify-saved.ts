/**
 * A saved plan is verified, not trusted. Its actions are recomputed from the configuration (whose bytes the caller
 * has matched against the plan's sha256) and the live values the plan recorded, with the same pure diff `plan`
 * ran; the saved plan is refused unless every action, in order, with its password source, delivery, reset flag and
 * reason, is exactly what that recomputation gives, every acted-on user is governed by the file's scope, and every
 * delivery key still has the fingerprint it had. A hand-edited plan (a removal added for a user outside scope, a
 * rotation turned into a removal, a key swapped, a reset flag turned off, another environment variable) is named
 * and refused before any call to IAM. Pure: keys are fingerprinted and the config parsed by the caller.
 *
 * What this cannot see offline is whether the recorded values are still true; `checkStaleness` compares them with
 * live IAM just before applying.
 */
import type { DesiredState } from '../model/desired.js';
import type { LiveState, LiveUser } from '../model/live.js';
import type { Action, Plan } from '../model/plan.js';
import { readRequestOf } from '../model/read-request.js';
import { canonicalize } from './canonical.js';
import { diff } from './diff.js';
import { deliveryKeys, PLAN_KEY_ORDER, toPortablePath, withPaths, type PlanDocument } from './document.js';
import { resolveScope, scopeExclusion } from './scope.js';

export interface SavedPlanCheck {
  /** The configuration now, parsed from the very bytes whose sha256 matched the plan's. */
  desired: DesiredState;
  /** Absolute directory of the config file: the plan's relative paths are relative to it. */
  configDir: string;
  /** Fingerprint now of each key file a delivery encrypts to, by absolute path. */
  fingerprints: ReadonlyMap<string, string>;
}

/** Each difference between the saved plan and its recomputation, as a sentence; none means it may be applied. */
export function savedPlanDifferences(doc: PlanDocument, check: SavedPlanCheck): string[] {
  const { desired, configDir } = check;
  const problems: string[] = [];
  if (desired.account !== null && desired.account !== doc.account) {
    problems.push(`the plan is for account ${doc.account}, but the configuration governs account ${desired.account}`);
  }
  problems.push(...scopeProblems(doc, desired));
  const expected = withPaths(diff(desired, liveFromBasis(doc)), (path) => toPortablePath(path, configDir));
  problems.push(...actionProblems(doc.actions, expected.actions));
  if (canonicalJson(doc.passwordRules) !== canonicalJson(expected.passwordRules)) {
    problems.push('the password rules new passwords are made for are not those the configuration and the recorded policy give');
  }
  problems.push(...keyProblems(doc, expected, check));
  return problems;
}

/** The live state the plan recorded, as the diff reads it: the policy, and each acted-on user. */
function liveFromBasis(doc: PlanDocument): LiveState {
  const users = doc.basis.users.map(
    (u): LiveUser => ({
      name: u.name,
      arn: `arn:aws:iam::${doc.account}:user${u.path}${u.name}`,
      path: u.path,
      tags: u.tags,
      loginProfile: u.loginProfile,
      passwordLastUsed: null,
      rotation: u.rotation ?? null,
      unconfirmed: u.unconfirmed === true,
    }),
  );
  return { account: doc.account, callerArn: doc.callerArn, passwordPolicy: doc.basis.passwordPolicy, users, unlistedIgnored: [], outOfScopeCount: 0, journal: { ungoverned: [] } };
}

/** Every user the plan acts on must be one the file governs, judged by the scope rules and the recorded path and tags. */
function scopeProblems(doc: PlanDocument, desired: DesiredState): string[] {
  const request = readRequestOf(desired);
  const resolution = resolveScope(request, doc.basis.users);
  const governed = new Set(resolution.governed);
  const problems: string[] = [];
  for (const user of doc.basis.users) {
    if (governed.has(user.name)) continue;
    const why = scopeExclusion(request, user) ?? 'it is in scope but not listed, and scope.unlisted is ignore';
    problems.push(`user ${user.name}: the plan acts on it, but the configuration does not govern it (${why})`);
  }
  const recorded = new Set(doc.basis.users.map((u) => u.name));
  for (const action of doc.actions) {
    if ('user' in action && !recorded.has(action.user)) problems.push(`user ${action.user}: the plan acts on it without recording its live state`);
  }
  return problems;
}

/** The actions, compared one by one in order; display-only fields are left out. */
function actionProblems(saved: readonly Action[], expected: readonly Action[]): string[] {
  const problems: string[] = [];
  const count = Math.max(saved.length, expected.length);
  for (let i = 0; i < count; i++) {
    const s = saved[i];
    const e = expected[i];
    if (s === undefined) {
      problems.push(`action ${i + 1}: the configuration gives ${label(e as Action)}, which the plan does not have`);
    } else if (e === undefined) {
      problems.push(`action ${i + 1}: the plan has ${label(s)}, which the configuration does not give`);
    } else if (label(s) !== label(e)) {
      problems.push(`action ${i + 1}: the plan has ${label(s)}, the configuration gives ${label(e)}`);
    } else {
      for (const field of differingFields(comparable(s), comparable(e))) {
        problems.push(`action ${i + 1} (${label(s)}): ${field.path} is ${field.saved} in the plan, ${field.expected} from the configuration`);
      }
    }
  }
  return problems;
}

/** Every delivery key must be recorded with the fingerprint its file has now. */
function keyProblems(doc: PlanDocument, expected: Plan, check: SavedPlanCheck): string[] {
  const problems: string[] = [];
  const recorded = new Map(doc.keys.map((k) => [k.path, k.fingerprint]));
  const used = deliveryKeys(expected);
  for (const path of used) {
    const was = recorded.get(path);
    const absolute = [...check.fingerprints.keys()].find((abs) => toPortablePath(abs, check.configDir) === path);
    const now = absolute === undefined ? undefined : check.fingerprints.get(absolute);
    if (was === undefined) problems.push(`key ${path}: a delivery encrypts to it, but the plan records no fingerprint for it`);
    else if (now === undefined) problems.push(`key ${path}: it could not be fingerprinted now`);
    else if (was !== now) problems.push(`key ${path} changed since the plan: fingerprint was ${was}, now ${now}`);
  }
  for (const path of recorded.keys()) if (!used.has(path)) problems.push(`key ${path}: the plan records it, but no delivery the configuration gives uses it`);
  return problems;
}

function label(action: Action): string {
  return 'user' in action ? `${action.kind} ${action.user}` : action.kind;
}

/** The action as compared: everything but display-only fields. */
function comparable(action: Action): unknown {
  if (action.kind !== 'delete-login-profile') return action;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- display only: the last sign-in when planned
  const { passwordLastUsed, ...rest } = action;
  return rest;
}

interface FieldDifference {
  path: string;
  saved: string;
  expected: string;
}

/** Leaf paths where two JSON values differ (`after.passwordResetRequired`), with both values shown. Bounded by the values' size. */
function differingFields(saved: unknown, expected: unknown, path = ''): FieldDifference[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(saved) && isObject(expected)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(expected)])];
    return keys.flatMap((k) => differingFields(saved[k], expected[k], path === '' ? k : `${path}.${k}`));
  }
  if (canonicalJson(saved) === canonicalJson(expected)) return [];
  return [{ path: path || '(the action)', saved: show(saved), expected: show(expected) }];
}

function show(value: unknown): string {
  return value === undefined ? 'absent' : canonicalJson(value);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value, PLAN_KEY_ORDER)) ?? 'undefined';
}
