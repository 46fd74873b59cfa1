/**
 * Everything the commands need from the process, gathered once at the entry so the commands themselves can be
 * exercised without touching globals.
 */
export interface Environment {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  cwd: string;
}

/**
 * Whether a person is at the terminal: stdin and stdout are TTYs and `CI` is not set. The one place this is
 * decided; `--interactive` / `--no-interactive` override it.
 */
export function isInteractive(environment: Environment, override?: boolean): boolean {
  if (override !== undefined) return override;
  return Boolean(environment.stdin.isTTY && environment.stdout.isTTY) && !isCi(environment);
}

/** `CI` set to anything but empty, `0` or `false`, as CI services do. */
export function isCi(environment: Environment): boolean {
  const ci = environment.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Colour unless `NO_COLOR` is set (any value), `--no-color` was given, or stdout is not a terminal. */
export function useColor(environment: Environment, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (environment.env.NO_COLOR !== undefined && environment.env.NO_COLOR !== '') return false;
  if (environment.env.FORCE_COLOR !== undefined && environment.env.FORCE_COLOR !== '0') return true;
  return Boolean(environment.stdout.isTTY);
}
