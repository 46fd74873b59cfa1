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

/** The first Node.js major the AWS SDK's releases from January 2027 support. */
const SDK_NODE_MAJOR = 22;

/**
 * The one line iampass says about the Node.js it runs on, or null where there is nothing true to say (22, 24).
 * It replaces the AWS SDK's own nine-line warning, which the entry silences.
 */
export function nodeSupportNote(version: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= SDK_NODE_MAJOR) return null;
  return (
    `note: Node.js ${major} is past end of life; iampass is tested on 20, 22 and 24, and AWS SDK releases from ` +
    `January 2027 need ${SDK_NODE_MAJOR} or later: upgrade Node`
  );
}
