import type { Command, OptionValues } from '@commander-js/extra-typings';
import { InvalidArgumentError } from './commander.js';
import { EndpointError, resolveEndpoints, type EndpointChoices } from '../iam/endpoints.js';
import type { ConnectionSettings } from '../operations/session.js';
import type { Environment } from './environment.js';
import { UserError } from '../util/user-error.js';

/** Flags every command that talks to AWS takes, with the AWS CLI's names and meanings. */
export interface AwsFlags {
  endpointUrl?: string;
  profile?: string;
  region?: string;
  concurrency: number;
  verbose?: boolean;
}

export const DEFAULT_CONCURRENCY = 16;

export function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    return n;
  };
}

/** `30s`, `10m`, `1h`, `250ms` or a bare number of seconds, to milliseconds. */
export function duration(name: string) {
  return (value: string): number => {
    const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
    if (!match) throw new InvalidArgumentError(`${name} must be a duration such as 30s, 10m or 1h.`);
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
    return Number(match[1]) * unit;
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors commander's own generic bound
export function addAwsOptions<Args extends any[], Opts extends OptionValues, Globals extends OptionValues>(
  command: Command<Args, Opts, Globals>,
) {
  return command
    .option('--endpoint-url <url>', 'send IAM and STS calls to this URL (default: AWS_ENDPOINT_URL_IAM, then AWS)')
    .option('--profile <name>', 'use this profile from the AWS config files (default: AWS_PROFILE)')
    .option('--region <region>', 'AWS region; picks the partition (default: AWS_REGION, then us-east-1)')
    .option('--concurrency <n>', 'IAM calls in flight at most', positiveInt('--concurrency', 64), DEFAULT_CONCURRENCY)
    .option('--verbose', 'trace every IAM call (operation, user, outcome, time) and the SDK log to stderr; never a password');
}

/** IAM is global: the region only picks the partition, so us-east-1 is a safe default. */
export function resolveRegion(flags: AwsFlags, environment: Environment): string {
  return flags.region ?? environment.env.AWS_REGION ?? environment.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/** The flags and the environment, resolved once into how to reach AWS. */
export function connectionSettings(flags: AwsFlags, environment: Environment): ConnectionSettings {
  return {
    region: resolveRegion(flags, environment),
    concurrency: flags.concurrency,
    ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
    endpoints: endpointsOf(flags, environment),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...maxAttempts(environment),
    ...(flags.verbose ? { trace: (line: string) => void environment.stderr.write(`${line}\n`) } : {}),
  };
}

/** `AWS_MAX_ATTEMPTS`, as every AWS SDK and the CLI read it: attempts per call, retries included. */
function maxAttempts(environment: Environment): { maxAttempts?: number } {
  const raw = environment.env.AWS_MAX_ATTEMPTS;
  if (raw === undefined || raw === '') return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new UserError(`error: AWS_MAX_ATTEMPTS must be a whole number from 1 to 20, not "${raw}"\n  fix: unset it, or set it to e.g. 5`);
  return { maxAttempts: n };
}

/** Checked before any client is built, so a bad URL is named with the flag or variable it came from. */
function endpointsOf(flags: AwsFlags, environment: Environment): EndpointChoices {
  try {
    return resolveEndpoints(flags.endpointUrl, environment.env);
  } catch (error) {
    if (error instanceof EndpointError) throw new UserError(`error: ${error.message}\n  fix: ${error.fix}`);
    throw error;
  }
}
