/**
 * A failure the user can act on: printed as its message alone (no stack trace) with exit code 1. Everything
 * else that escapes a command is a bug and is reported as one.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit codes, as Terraform: 0 success without changes, 1 error, 2 success with changes (when asked for). */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;
