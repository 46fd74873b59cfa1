/**
 * Whether a saved plan still describes the account it is about to change. Pure: the caller reads the current
 * facts (the config file's bytes, STS, the policy, each acted-on user's login profile) and this compares them with
 * what the plan recorded, naming every difference in words a reviewer can check.
 */
import type { PlanDocument } from './document.js';
import type { LoginProfile } from '../model/live.js';
import { ROTATION_TAG } from '../model/plan.js';
import { changedPolicyFields, type PasswordPolicy } from '../model/policy.js';

/** What is true now, read just before applying. */
export interface CurrentFacts {
  /** The hex sha256 of the config file now, or `null` when it cannot be read (then `configProblem` says why). */
  configSha256: string | null;
  configFile: string;
  configProblem?: string;
  account: string;
  callerArn: string;
  /** Absent when the account already differs (nothing else was read). */
  passwordPolicy?: PasswordPolicy | null;
  /** Each acted-on user's login profile now, by name (`null`: none). */
  profiles?: ReadonlyMap<string, LoginProfile | null>;
  /** Each acted-on user's path now; a user absent from the map no longer exists. */
  paths?: ReadonlyMap<string, string>;
  /** The tags now of each user whose tags were re-read (scope tags, rotation token). */
  tags?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The users the journal records now as having a password nobody could confirm. */
  unconfirmed?: ReadonlySet<string>;
}

export interface Staleness {
  /** Each a sentence naming what changed; any at all refuses the plan. */
  changes: string[];
  /** Worth saying but not a reason to refuse (e.g. a different caller in the same account). */
  notes: string[];
}

export function checkStaleness(doc: PlanDocument, now: CurrentFacts): Staleness {
  const changes: string[] = [];
  const notes: string[] = [];

  if (now.configSha256 === null) {
    changes.push(`the configuration ${now.configFile} cannot be checked: ${now.configProblem ?? 'it cannot be read'}`);
  } else if (now.configSha256 !== doc.config.sha256) {
    changes.push(
      `the configuration changed: ${now.configFile} has sha256 ${short(now.configSha256)}, the plan was made from ` +
        `${doc.config.file} with sha256 ${short(doc.config.sha256)}`,
    );
  }

  if (now.account !== doc.account) {
    changes.push(`the account changed: the plan is for account ${doc.account}, the credentials are for account ${now.account} (${now.callerArn})`);
    return { changes, notes };
  }
  // Planning with a read-only role and applying with a write role is the usual split in CI: same account, noted only.
  if (now.callerArn !== doc.callerArn) notes.push(`planned as ${doc.callerArn}, applying as ${now.callerArn}`);

  if (now.passwordPolicy !== undefined) {
    const was = doc.basis.passwordPolicy;
    const is = now.passwordPolicy;
    if (was === null && is !== null) changes.push('password policy: was the AWS default, now a custom policy is set');
    else if (was !== null && is === null) changes.push('password policy: was a custom policy, now deleted (the AWS default is in force)');
    else if (was !== null && is !== null) {
      const fields = changedPolicyFields(was, is);
      if (fields.length > 0) {
        changes.push(`password policy: ${fields.map((f) => `${f} was ${policyValue(f, was[f])}, now ${policyValue(f, is[f])}`).join('; ')}`);
      }
    }
  }

  if (now.paths !== undefined) {
    for (const user of doc.basis.users) {
      const path = now.paths.get(user.name);
      if (path === undefined) changes.push(`user ${user.name}: no longer exists`);
      else if (path !== user.path) changes.push(`user ${user.name}: path was ${user.path}, now ${path}`);
    }
  }
  if (now.tags !== undefined) {
    for (const user of doc.basis.users) {
      const tags = now.tags.get(user.name);
      if (tags === undefined) continue;
      for (const [key, was] of Object.entries(user.tags)) {
        const is = Object.hasOwn(tags, key) ? tags[key] : undefined;
        if (is !== was) changes.push(`user ${user.name}: tag ${key} was "${was}", now ${is === undefined ? 'absent' : `"${is}"`}`);
      }
    }
  }
  if (now.unconfirmed !== undefined) {
    for (const user of doc.basis.users) {
      const was = user.unconfirmed === true;
      if (was !== now.unconfirmed.has(user.name)) {
        changes.push(`user ${user.name}: ${was ? 'its password was recorded as unconfirmed, now it is known' : 'an apply since could not confirm which password IAM holds'}`);
      }
    }
  }
  if (now.profiles !== undefined) {
    for (const user of doc.basis.users) {
      if (!now.profiles.has(user.name)) continue;
      const is = now.profiles.get(user.name) ?? null;
      const was = user.loginProfile;
      if (sameProfile(was, is)) continue;
      changes.push(`user ${user.name}: login profile was ${describeProfile(was)}, now ${describeProfile(is)}`);
    }
  }
  if (now.tags !== undefined) {
    for (const user of doc.basis.users) {
      const tags = now.tags.get(user.name);
      if (user.rotation === undefined || tags === undefined) continue;
      const is = Object.hasOwn(tags, ROTATION_TAG) ? (tags[ROTATION_TAG] as string) : null;
      if (is !== user.rotation) changes.push(`user ${user.name}: rotation token was ${token(user.rotation)}, now ${token(is)}`);
    }
  }
  return { changes, notes };
}

function sameProfile(a: LoginProfile | null, b: LoginProfile | null): boolean {
  if (a === null || b === null) return a === b;
  return a.passwordResetRequired === b.passwordResetRequired && Date.parse(a.createDate) === Date.parse(b.createDate);
}

function describeProfile(p: LoginProfile | null): string {
  if (p === null) return 'absent';
  return `present (created ${p.createDate}, ${p.passwordResetRequired ? 'reset pending' : 'no reset pending'})`;
}

function policyValue(field: keyof PasswordPolicy, v: number | boolean | null): string {
  if (v === null) return field === 'maxAgeDays' ? 'never' : 'off';
  return String(v);
}

function token(t: string | null): string {
  return t === null ? 'not recorded' : `"${t}"`;
}

function short(sha: string): string {
  return sha.slice(0, 12);
}
