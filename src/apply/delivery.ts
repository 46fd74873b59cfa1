import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Where a new password goes before it is sent to IAM. */
export interface PasswordSink {
  /**
   * Stores `password` for `user` durably and returns a receipt. Called before the IAM call, so a password IAM
   * accepted is never lost; `discard` removes it when IAM refused it, so no stored password is ever wrong.
   */
  deliver(user: string, password: string): Promise<Delivery>;
}

export interface Delivery {
  /** Where the password is, for the apply report (a path, never the password). */
  location: string;
  discard(): Promise<void>;
}

/**
 * One file per user, mode 0600, in a directory the operator named (`--password-dir`), created 0700 if absent.
 * Written to a temporary name and renamed, so a reader never sees half a password.
 */
export class PasswordDirectory implements PasswordSink {
  constructor(private readonly dir: string) {}

  async deliver(user: string, password: string): Promise<Delivery> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = join(this.dir, `${user}.password`);
    const temp = join(this.dir, `.${user}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${password}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    return { location: target, discard: () => rm(target, { force: true }) };
  }
}
