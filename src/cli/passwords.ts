/**
 * Everything apply must know about passwords before its first write to IAM: every supplied password resolves and
 * meets the policy, every new password has a delivery, every OpenPGP key can encrypt. Problems are reported all
 * together, naming users and references, never values.
 */
import { join } from 'node:path';
import { createPasswordHandling, RevealBuffer, type PasswordHandling } from '../apply/delivery.js';
import { checkPrivateDirectory, FileError } from '../util/files.js';
import { describeSource, resolvePassword, SecretError } from '../apply/secrets.js';
import { passwordProblems } from '../model/policy.js';
import type { Plan, ProfileAction } from '../model/plan.js';
import type { EncryptionKey } from '../apply/pgp.js';
import { isCi, type Environment } from './environment.js';
import { UserError } from '../util/user-error.js';
import { nothingChanged } from './errors.js';

type SettingAction = Extract<ProfileAction, { kind: 'create-login-profile' | 'update-login-profile' }>;

/** Actions that set a password: creates, and updates that rotate. */
export function passwordSettingActions(plan: Plan): SettingAction[] {
  return plan.actions.flatMap((a): SettingAction[] =>
    (a.kind === 'create-login-profile' || a.kind === 'update-login-profile') && a.after.password !== null ? [a] : [],
  );
}

/**
 * Resolves every supplied password (env, file) the plan would send and checks it against the policy that will be
 * in force, offline. Plan and apply both run it, so a pull-request check catches a bad secret before merge.
 */
export async function checkSuppliedPasswords(plan: Plan, environment: Environment): Promise<void> {
  const problems: string[] = [];
  for (const action of passwordSettingActions(plan)) {
    const source = action.after.password;
    if (source === null || source.kind === 'generate') continue;
    try {
      const password = await resolvePassword(source, plan.passwordRules, environment.env);
      const broken = passwordProblems(password, plan.passwordRules);
      if (broken.length > 0) problems.push(`  ${action.user}: the password from ${describeSource(source)} is ${broken.join('; ')}`);
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      problems.push(`  ${action.user}: ${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new UserError(
      `${problems.length} supplied password${problems.length === 1 ? '' : 's'} cannot be used:\n${problems.join('\n')}\n` +
        '  fix: set the variable or file to a password that meets the policy (it is checked, never shown)',
    );
  }
}

export interface DeliveryFlags {
  passwordDir?: string;
  deliveryDir?: string;
  reveal?: boolean;
}

export interface PreparedPasswords {
  handling: PasswordHandling | null;
  reveal: RevealBuffer | null;
}

/** Loads keys and checks delivery for every password-setting action; refuses before any write if one cannot go. */
export async function preparePasswords(
  plan: Plan,
  flags: DeliveryFlags,
  environment: Environment,
  interactive: boolean,
  /** Keys already loaded and checked (by the check before any IAM call). */
  loaded: ReadonlyMap<string, EncryptionKey> = new Map(),
): Promise<PreparedPasswords> {
  const actions = passwordSettingActions(plan);
  if (actions.length === 0) return { handling: null, reveal: null };
  await checkSuppliedPasswords(plan, environment).catch(nothingChanged);

  // --reveal needs a person at a terminal: never refused twice, never suggested where it would be refused.
  const canReveal = interactive && !isCi(environment);
  if (flags.reveal && !canReveal) {
    throw new UserError(
      '--reveal shows passwords once on an interactive terminal, and this is not one (no TTY, or CI is set).\n' +
        '  fix: give users OpenPGP keys (pgpKey), or use --password-dir DIR\nNothing was changed.',
    );
  }
  const undelivered = actions.filter((a) => a.delivery?.kind === 'operator').map((a) => a.user);
  if (undelivered.length > 0 && !flags.passwordDir && !flags.reveal) {
    throw new UserError(
      `apply would set ${undelivered.length} generated password${undelivered.length === 1 ? '' : 's'} with no way to deliver ` +
        `${undelivered.length === 1 ? 'it' : 'them'}: ${undelivered.join(', ')}\n` +
        '  fix: give these users a pgpKey (or a key in defaults.pgpKeyDir), or pass --password-dir DIR (plain text, mode 0600)' +
        `${canReveal ? ' or --reveal (shown once here)' : ''}\nNothing was changed.`,
    );
  }

  const keyPaths = [...new Set(actions.flatMap((a) => (a.delivery?.kind === 'pgp' ? [a.delivery.key] : [])))];
  const keys = new Map([...loaded, ...(await loadKeys(keyPaths.filter((p) => !loaded.has(p))).catch(nothingChanged))]);
  const folders = [
    ...(keyPaths.length > 0 ? [flags.deliveryDir ?? 'iampass-delivery'] : []),
    ...(undelivered.length > 0 && flags.passwordDir ? [flags.passwordDir] : []),
  ];
  await checkDeliveryFolders(folders, plan.account);
  const reveal = flags.reveal ? new RevealBuffer() : null;
  const handling = createPasswordHandling({
    account: plan.account,
    rules: plan.passwordRules,
    env: environment.env,
    keys,
    deliveryDir: flags.deliveryDir ?? 'iampass-delivery',
    passwordDir: flags.passwordDir ?? null,
    reveal,
  });
  return { handling, reveal };
}

/**
 * Pre-flight, before the first write: each folder that will receive passwords, and its per-account folder, is (or is
 * made) a real directory only this user can write: not a file, a dangling link, a folder under /proc or /sys, nor
 * writable by group or others. Every problem is reported together.
 */
async function checkDeliveryFolders(folders: readonly string[], account: string): Promise<void> {
  const problems: string[] = [];
  for (const folder of new Set(folders)) {
    try {
      await checkPrivateDirectory(folder);
      await checkPrivateDirectory(join(folder, account));
    } catch (error) {
      if (!(error instanceof FileError)) throw error;
      problems.push(`  ${error.message}\n    fix: ${error.hint}`);
    }
  }
  if (problems.length > 0) {
    throw new UserError(`error: ${problems.length === 1 ? 'a folder' : 'folders'} for delivered passwords cannot be used:\n${problems.join('\n')}\nNothing was changed.`);
  }
}

/**
 * Loads and checks OpenPGP keys; every key that cannot encrypt is reported together, naming its file. Plan and
 * apply call it for the file's keys before their first call to IAM, so a bad key never gets as far as a write.
 */
export async function loadKeys(paths: readonly string[]): Promise<Map<string, EncryptionKey>> {
  const keys = new Map<string, EncryptionKey>();
  if (paths.length === 0) return keys;
  const { loadEncryptionKey, KeyError } = await import('../apply/pgp.js');
  const problems: string[] = [];
  for (const path of paths) {
    try {
      keys.set(path, await loadEncryptionKey(path));
    } catch (error) {
      if (!(error instanceof KeyError)) throw error;
      problems.push(`  ${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new UserError(`OpenPGP key problems:\n${problems.join('\n')}\n  fix: give each user a valid public key`);
  }
  return keys;
}
