/** `iampass sandbox`: run the sandbox in the foreground until SIGINT / SIGTERM. */
import type { FaultOptions } from './faults.js';
import { startSandbox } from './server.js';

export interface RunSandboxOptions {
  port?: number;
  /** State file path. */
  state?: string;
  /** Seed YAML path. */
  seed?: string;
  /** Log every request to stderr. */
  verbose?: boolean;
  latencyMs?: number;
  rate?: number;
  burst?: number;
  failureRate?: number;
  dropRate?: number;
}

/**
 * Prints `iampass sandbox listening on URL (account ID)` to stdout (scripts wait for that line to learn the
 * port) and resolves once a signal has closed the server.
 */
export async function runSandbox(opts: RunSandboxOptions): Promise<void> {
  const faults: Partial<FaultOptions> = {};
  for (const key of ['latencyMs', 'rate', 'burst', 'failureRate', 'dropRate'] as const) {
    // Leave unset options out, so the IAMPASS_SANDBOX_* environment variables still apply.
    if (opts[key] !== undefined) faults[key] = opts[key];
  }
  const sandbox = await startSandbox({
    port: opts.port,
    statePath: opts.state,
    seed: opts.seed,
    faults,
    log: opts.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  process.stdout.write(`iampass sandbox listening on ${sandbox.url} (account ${sandbox.account})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sandbox.close();
}
