/**
 * How a new password reaches its user, decided per action by the plan (`Delivery`): encrypted to the user's
 * OpenPGP key, written in plain text to a directory the operator named, or held to be shown once on the terminal.
 *
 * Every delivery is written before its password is sent to IAM, and its fate follows what IAM did with that exact
 * write, so a file on disk never lies about which password is valid:
 * - `confirm()`: IAM took it. The file gets its final name, and becomes the user's newest delivery; older ones of
 *   the same user (which no longer hold the valid password) are removed.
 * - `discard()`: IAM definitively refused that write (a 4xx on its first attempt). The file is removed.
 * - `keepUnconfirmed()`: nobody knows (a reply lost, a 5xx after retries). The file stays under its unconfirmed
 *   name: it may hold the valid password, so it is never removed, but it is never taken for the newest either.
 *
 * Files are per account and per delivery, never overwritten: `DIR/ACCOUNT/USER.STAMP.password[.asc]`, where STAMP
 * (UTC time to the millisecond, run id, sequence) sorts by time, so the newest confirmed file of a user is the
 * password IAM holds. Unconfirmed files end in `.unconfirmed`; temporary files of an interrupted write start with
 * `.` and end in `.tmp`, and `sweepLeftovers` removes them once the account's apply lock is held.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PasswordRules } from '../model/policy.js';
import type { Delivery, PasswordSource } from '../model/plan.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { EncryptionKey } from './pgp.js';
import { describeSource, resolvePassword } from './secrets.js';

export interface DeliveryReceipt {
  /** Where the password is now, for the apply report: a path and key fingerprint, never the password. */
  location: string;
  confirm(): Promise<void>;
  discard(): Promise<void>;
  keepUnconfirmed(): Promise<void>;
}

/** What the executor asks of password handling; the only code that sees password values besides the SDK call. */
export interface PasswordHandling {
  obtain(source: PasswordSource): Promise<string>;
  deliver(user: string, delivery: Delivery, source: PasswordSource, password: string): Promise<DeliveryReceipt>;
}

/** A password waiting to be shown once on the terminal (`--reveal`). */
export interface Revealed {
  user: string;
  password: string;
  /** False when IAM's answer was lost: the password may or may not be the one IAM holds. */
  confirmed: boolean;
}

/** Passwords waiting to be shown once on the terminal (`--reveal`), in the order they were set. */
export class RevealBuffer {
  private readonly entries = new Map<string, Revealed>();

  add(user: string, password: string): DeliveryReceipt {
    const key = `${user}\u0000${this.entries.size}`;
    const receipt: DeliveryReceipt = {
      location: 'shown once at the end (--reveal)',
      confirm: async () => {
        // Only the newest confirmed password of a user is worth showing.
        for (const [k, e] of this.entries) if (e.user === user && k !== key) this.entries.delete(k);
        this.entries.set(key, { user, password, confirmed: true });
      },
      discard: async () => void this.entries.delete(key),
      keepUnconfirmed: async () => void this.entries.set(key, { user, password, confirmed: false }),
    };
    return receipt;
  }

  /** Hands the passwords over and forgets them. */
  take(): Revealed[] {
    const all = [...this.entries.values()];
    this.entries.clear();
    return all;
  }
}

export interface DeliveryOptions {
  /** The account the passwords are for: each account's deliveries have their own folder. */
  account: string;
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
  const run = randomBytes(3).toString('hex');
  let sequence = 0;
  const stamp = () => `${new Date().toISOString().replace(/[-:.]/g, '')}-${run}-${String(++sequence).padStart(4, '0')}`;
  return {
    obtain: (source) => resolvePassword(source, options.rules, options.env),
    async deliver(user, delivery, source, password) {
      switch (delivery.kind) {
        case 'supplied':
          return { location: `supplied by ${describeSource(source)}`, confirm: noop, discard: noop, keepUnconfirmed: noop };
        case 'pgp': {
          const key = options.keys.get(delivery.key);
          if (!key) throw new Error(`key ${delivery.key} was not loaded before apply`);
          const file = await writeDelivery(join(options.deliveryDir, options.account), user, `${stamp()}.password.asc`, await key.encrypt(`${password}\n`));
          return file.receipt(`(encrypted to key ${key.fingerprint})`);
        }
        case 'operator': {
          if (options.passwordDir !== null) {
            const file = await writeDelivery(join(options.passwordDir, options.account), user, `${stamp()}.password`, `${password}\n`);
            return file.receipt('(plain text, mode 0600)');
          }
          if (options.reveal !== null) return options.reveal.add(user, password);
          throw new Error(`no delivery for ${user}: apply should have refused before its first write`);
        }
      }
    },
  };
}

const noop = async () => {};

const UNCONFIRMED = '.unconfirmed';

/** Written under its unconfirmed name; the receipt moves it to its final name, removes it, or leaves it. */
async function writeDelivery(dir: string, user: string, suffix: string, content: string) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `${user}.${suffix}`;
  const unconfirmed = join(dir, `${name}${UNCONFIRMED}`);
  await writeFileAtomic(unconfirmed, content, { mode: 0o600 });
  return {
    receipt(note: string): DeliveryReceipt {
      const receipt: DeliveryReceipt = {
        location: `${unconfirmed} ${note}`,
        async confirm() {
          const final = join(dir, name);
          await rename(unconfirmed, final);
          receipt.location = `${final} ${note}`;
          await removeOlderDeliveries(dir, user, name);
        },
        discard: () => rm(unconfirmed, { force: true }),
        keepUnconfirmed: noop,
      };
      return receipt;
    },
  };
}

/** `alice.20261201T230512123Z-a1b2c3-0001.password.asc`, confirmed or not: a delivery of exactly this user. */
function deliveryPattern(user: string): RegExp {
  const escaped = user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}\\.\\d{8}T\\d{9}Z-[0-9a-f]{6}-\\d{4}\\.password(\\.asc)?(\\.unconfirmed)?$`);
}

/** Once `newest` is confirmed, every other delivery of the user holds a password IAM no longer has. */
async function removeOlderDeliveries(dir: string, user: string, newest: string): Promise<void> {
  const pattern = deliveryPattern(user);
  for (const entry of await readdir(dir)) {
    if (entry !== newest && pattern.test(entry)) await rm(join(dir, entry), { force: true });
  }
}

/**
 * Removes the temporary files an interrupted write left in an account's delivery folder. Only safe while the
 * account's apply lock is held: then no other run is writing there.
 */
export async function sweepLeftovers(dir: string, account: string): Promise<number> {
  const folder = join(dir, account);
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return 0;
  }
  const leftovers = entries.filter((e) => e.startsWith('.') && e.endsWith('.tmp'));
  for (const entry of leftovers) await rm(join(folder, entry), { force: true });
  return leftovers.length;
}
