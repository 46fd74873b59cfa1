import { UserError } from '../util/user-error.js';

/** Exit codes, as Terraform: 0 success without changes, 1 error, 2 success with changes (when asked for). */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

/**
 * For apply, before its first write: a refusal or failure says that nothing was changed. The operations it shares
 * with plan, drift and status never say so themselves (after a read-only command the words would suggest something
 * could have been); apply adds them here, once.
 */
export function nothingChanged(error: unknown): never {
  if (error instanceof UserError && !/Nothing was changed( in any account)?\.\s*$/.test(error.message)) {
    throw new UserError(`${error.message.replace(/\s+$/, '')}\nNothing was changed.`, error.exitCode);
  }
  throw error;
}
