/** `iampass sandbox`: run the sandbox in the foreground until SIGINT / SIGTERM. */
import type { FaultOptions } from './faults.js';
import { startSandbox, type SandboxHandle } from './server.js';

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
  accountRate?: number;
  accountBurst?: number;
  failureRate?: number;
  dropRate?: number;
  emptyPageRate?: number;
  lookupEventsRate?: number;
}

const FAULT_KEYS = ['latencyMs', 'rate', 'burst', 'accountRate', 'accountBurst', 'failureRate', 'dropRate', 'emptyPageRate', 'lookupEventsRate'] as const;

/**
 * Prints `iampass sandbox listening on URL (account ID)` to stdout first (scripts wait for that line to learn the
 * port), then how to point iampass and the AWS CLI at it, and resolves once a signal has closed the server.
 */
export async function runSandbox(opts: RunSandboxOptions): Promise<void> {
  const faults: Partial<FaultOptions> = {};
  for (const key of FAULT_KEYS) {
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
  process.stdout.write(listeningMessage(sandbox));
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

/** The first line is the one scripts match; the rest tells a person how to use the endpoint. */
export function listeningMessage(sandbox: SandboxHandle): string {
  const { url, defaultCaller } = sandbox;
  const organization = sandbox.organization === null
    ? ''
    : `  organization ${sandbox.organization}: ${sandbox.accounts.length} accounts, management ${sandbox.account}\n`;
  return [
    `iampass sandbox listening on ${url} (account ${sandbox.account})\n`,
    organization,
    `  IAM, STS, Organizations and CloudTrail on one URL. Point iampass (or any AWS SDK) at it:\n`,
    `    export AWS_ENDPOINT_URL=${url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox\n`,
    `  and the AWS CLI:  aws --endpoint-url ${url} iam list-users\n`,
    `  Signatures are not checked. An access key the seed does not declare acts as ${defaultCaller.user} in ${defaultCaller.account};\n`,
    `  a seeded key acts as its user. Reset to the seed with: curl -X POST ${url}/moto-api/reset\n`,
  ].join('');
}
