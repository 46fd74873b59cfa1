/**
 * `apply FILE` trusts nothing in the file. First, offline: the config file's bytes must be those the plan was made
 * from (sha256), and the plan's actions must be exactly what the pure diff gives from that config and the live
 * values the plan recorded, with the same key fingerprints (plan/verify-saved.ts). Then, just before the first
 * write: those recorded values must still be what live IAM holds (plan/staleness.ts). Either failure refuses the
 * plan, naming every difference, before any write; the offline one before any call to AWS at all.
 */
import { dirname, resolve } from 'node:path';
import { configuredKeys, resolveKeyDirectory } from '../config/keys.js';
import { parseConfigSource, readConfigFile } from '../config/load.js';
import type { DesiredState } from '../model/desired.js';
import { isProfileAction } from '../model/plan.js';
import type { PlanDocument } from '../plan/document.js';
import { checkStaleness, type Staleness } from '../plan/staleness.js';
import { savedPlanDifferences } from '../plan/verify-saved.js';
import { sha256 } from '../util/sha256.js';
import { UserError } from '../util/user-error.js';
import { diagnosticsError } from './errors.js';
import type { Session } from './session.js';

export interface VerifiedOffline<K> {
  desired: DesiredState;
  /** Absolute directory of the config file, against which the plan's paths resolve. */
  configDir: string;
  /** The keys the configuration's deliveries use, loaded and checked. */
  keys: ReadonlyMap<string, K>;
}

/** Loads and checks the OpenPGP keys at these absolute paths (throwing a `UserError` naming each bad one). */
export type KeyLoader<K extends { fingerprint: string }> = (paths: readonly string[]) => Promise<ReadonlyMap<string, K>>;

export async function verifySavedPlanOffline<K extends { fingerprint: string }>(
  path: string,
  doc: PlanDocument,
  configFile: string,
  cwd: string,
  loadKeys: KeyLoader<K>,
): Promise<VerifiedOffline<K>> {
  const read = await readConfigFile(configFile);
  if (!read.ok) {
    const problem = read.diagnostics.map((d) => d.message).join('; ');
    throw staleError(path, doc, [`the configuration ${configFile} cannot be checked: ${problem} (pass -c FILE to name the one the plan was made from)`]);
  }
  const bytes = read.bytes;
  const digest = sha256(bytes);
  const configChange = checkStaleness(doc, { configSha256: digest, configFile, account: doc.account, callerArn: doc.callerArn }).changes;
  if (configChange.length > 0) throw staleError(path, doc, configChange);

  const parsed = await parseConfigSource(read.text, configFile);
  if (!parsed.ok) throw diagnosticsError(parsed.diagnostics, configFile);
  const desired = await resolveKeyDirectory(parsed.state);
  const keys = await loadKeys(configuredKeys(desired));
  const configDir = dirname(resolve(cwd, configFile));
  verifyAgainstConfiguration(path, doc, desired, configDir, keys, configFile);
  return { desired, configDir, keys };
}

/**
 * The offline check proper, once the configuration is loaded: the plan's actions must be exactly what the pure diff
 * gives from `desired` and the live values the plan recorded, with the same key fingerprints. Throws the refusal,
 * naming every difference. An organization plan runs it for each account's plan against that account's desired state.
 */
export function verifyAgainstConfiguration(
  path: string,
  doc: PlanDocument,
  desired: DesiredState,
  configDir: string,
  keys: ReadonlyMap<string, { fingerprint: string }>,
  configFile: string,
  /** An organization plan: name the account, since the file holds many. */
  nameAccount = false,
): void {
  const fingerprints = new Map([...keys].map(([p, k]) => [p, k.fingerprint]));
  const differences = savedPlanDifferences(doc, { desired, configDir, fingerprints });
  if (differences.length > 0) {
    throw new UserError(
      `error: saved plan ${path} is not what its configuration gives${nameAccount ? ` for account ${doc.account}` : ''}: ${differences.length} difference${differences.length === 1 ? '' : 's'}\n` +
        differences.map((d) => `  - ${d}`).join('\n') +
        `\n  fix: apply only a plan \`iampass plan --out\` wrote from this configuration, unmodified; make a new one ` +
        `(\`iampass plan -c ${configFile} --out ${path}\`) and review it\nNothing was changed.`,
    );
  }
}

/** Re-reads what the plan depends on; resolves with the notes when it still holds, throws the "stale" refusal otherwise. */
export async function verifySavedPlanLive(path: string, doc: PlanDocument, session: Session, aborted: () => boolean): Promise<Staleness> {
  const staleness = await liveStaleness(doc, session, aborted);
  if (staleness.changes.length > 0) throw staleError(path, doc, staleness.changes);
  return staleness;
}

/**
 * What changed in live IAM since `doc` was planned, among what its actions depend on (and nothing else). Its config
 * fingerprint is not checked here (see `verifySavedPlanOffline`). Throws only when IAM cannot be read.
 */
export async function liveStaleness(doc: PlanDocument, session: Session, aborted: () => boolean): Promise<Staleness> {
  const [{ recheck }, { ReadError }] = await Promise.all([import('../iam/recheck.js'), import('../iam/read.js')]);
  const users = [...new Set(doc.actions.filter(isProfileAction).map((a) => a.user))];
  const tagged = doc.basis.users.filter((u) => u.rotation !== undefined || Object.keys(u.tags).length > 0).map((u) => u.name);
  let now;
  try {
    now = await recheck(session.gateway, { account: doc.account, users, tagged }, { concurrency: session.concurrency, aborted });
  } catch (error) {
    if (error instanceof ReadError && error.error.code === 'Interrupted') throw new UserError('Interrupted while checking the saved plan. Nothing was changed.');
    if (error instanceof ReadError) {
      const fix = error.error.fix ? `\n  fix: ${error.error.fix}` : '';
      throw new UserError(`Checking the plan against live IAM failed: ${error.message}${fix}\nNothing was changed.`);
    }
    throw error;
  }
  return checkStaleness(doc, {
    configSha256: doc.config.sha256,
    configFile: doc.config.file,
    account: now.account,
    callerArn: now.callerArn,
    ...(now.passwordPolicy !== undefined ? { passwordPolicy: now.passwordPolicy } : {}),
    ...(now.profiles !== undefined ? { profiles: now.profiles } : {}),
    ...(now.paths !== undefined ? { paths: now.paths } : {}),
    ...(now.tags !== undefined ? { tags: now.tags } : {}),
    ...(now.unconfirmed !== undefined ? { unconfirmed: now.unconfirmed } : {}),
  });
}

function staleError(path: string, doc: PlanDocument, changes: readonly string[]): UserError {
  return new UserError(
    `error: saved plan ${path} is stale: ${changes.length} thing${changes.length === 1 ? '' : 's'} changed since it was made\n` +
      changes.map((c) => `  - ${c}`).join('\n') +
      `\n  fix: make a new plan (\`iampass plan -c ${doc.config.file} --out ${path}\`), review it, and apply that\nNothing was changed.`,
  );
}
