/**
 * How a new password reaches its user, decided per action by the plan (`Delivery`): encrypted to the user's
 * OpenPGP key, written in plain text to a directory the operator named, or held to be shown once on the terminal.
 * Every receipt is taken before the password is sent to IAM, and discarded if IAM refuses it, so no delivered
 * password is ever wrong.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PasswordRules } from '../model/policy.js';
import type { Delivery, PasswordSource } from '../model/plan.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { EncryptionKey } from './pgp.js';
import { describeSource, resolvePassword } from './secrets.js';

export interface DeliveryReceipt {
  /** Where the password went, for the apply report: a path and key fingerprint, never the password. */
  location: string;
  discard(): Promise<void>;
}

/** What the executor asks of password handling; the only code that sees password values besides the SDK call. */
export interface PasswordHandling {
  obtain(source: PasswordSource): Promise<string>;
  deliver(user: string, delivery: Delivery, source: PasswordSource, password: string): Promise<DeliveryReceipt>;
}

/** Passwords waiting to be shown once on the terminal (`--reveal`), in the order they were set. */
export class RevealBuffer {
  private readonly entries = new Map<string, string>();

  add(user: string, password: string): DeliveryReceipt {
    this.entries.set(user, password);
    return { location: 'shown once at the end (--reveal)', discard: async () => void this.entries.delete(user) };
  }

  /** Hands the passwords over and forgets them. */
  take(): Array<[string, string]> {
    const all = [...this.entries];
    this.entries.clear();
    return all;
  }
}

export interface DeliveryOptions {
  rules: PasswordRules;
  env: NodeJS.ProcessEnv;
  /** Loaded and checked before apply starts, by path. */
  keys: ReadonlyMap<string, EncryptionKey>;
  /** Where encrypted deliveries are written. */
  deliveryDir: string;
  /** Where plain-text deliveries are written: only when the operator named one. */
  passwordDir: string | null;
  reveal: RevealBuffer | null;
}

export function createPasswordHandling(options: DeliveryOptions): PasswordHandling {
  return {
    obtain: (source) => resolvePassword(source, options.rules, options.env),
    async deliver(user, delivery, source, password) {
      switch (delivery.kind) {
        case 'supplied':
          return { location: `supplied by ${describeSource(source)}`, discard: async () => {} };
        case 'pgp': {
          const key = options.keys.get(delivery.key);
          if (!key) throw new Error(`key ${delivery.key} was not loaded before apply`);
          const path = await writeSecretFile(options.deliveryDir, `${user}.password.asc`, await key.encrypt(`${password}\n`));
          return { location: `${path} (encrypted to key ${key.fingerprint})`, discard: () => rm(path, { force: true }) };
        }
        case 'operator': {
          if (options.passwordDir !== null) {
            const path = await writeSecretFile(options.passwordDir, `${user}.password`, `${password}\n`);
            return { location: `${path} (plain text, mode 0600)`, discard: () => rm(path, { force: true }) };
          }
          if (options.reveal !== null) return options.reveal.add(user, password);
          throw new Error(`no delivery for ${user}: apply should have refused before its first write`);
        }
      }
    },
  };
}

/**
 * Mode 0600 in a directory created 0700 if absent, written to a temporary name and renamed, so a reader never
 * sees half a file and a crash never leaves a partial one under the final name.
 */
export async function writeSecretFile(dir: string, name: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = join(dir, name);
  await writeFileAtomic(target, content, { mode: 0o600 });
  return target;
}
