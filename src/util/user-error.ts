/**
 * A failure the user can act on: printed as its message alone (no stack trace) with exit code 1. Everything
 * else that escapes a command is a bug and is reported as one. Raised by the CLI and by the operations it runs;
 * the message says what happened, where, and (on a `fix:` line) what to do.
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
