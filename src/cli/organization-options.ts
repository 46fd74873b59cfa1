/**
 * The organization flags (`--account`, `--shard`, `--max-concurrent-accounts`, `--failure-tolerance`), loaded by the
 * entry for every command that reads accounts; kept apart from the organization run so `--help` stays light.
 */
import type { Command, OptionValues } from '@commander-js/extra-typings';
import { InvalidArgumentError, Option } from './commander.js';
import type { Shard } from '../model/organization-tree.js';
import { parseShard } from '../plan/targets.js';
import { UserError } from '../util/user-error.js';
import { positiveInt } from './aws-options.js';

/** The default of `--max-concurrent-accounts`: enough to overlap accounts' latency, few enough to stay gentle. */
export const DEFAULT_MAX_CONCURRENT_ACCOUNTS = 4;

/** The organization flags, on every command that reads accounts. Meaningless (and refused where harmful) for one account. */
export interface OrganizationFlags {
  /** `--account ID`, repeatable: only these target accounts. */
  account?: string[];
  shard?: Shard;
  maxConcurrentAccounts?: number;
  failureTolerance?: number;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function accountId(value: string, previous: string[] | undefined): string[] {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError(`--account takes a 12-digit account id, not "${value}".`);
  return collect(value, previous);
}

function shard(value: string): Shard {
  const parsed = parseShard(value);
  if (typeof parsed === 'string') throw new InvalidArgumentError(parsed);
  return parsed;
}

function tolerance(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new InvalidArgumentError('--failure-tolerance must be a whole number from 0.');
  return n;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors commander's own generic bound
export function addOrganizationOptions<Args extends any[], Opts extends OptionValues, Globals extends OptionValues>(command: Command<Args, Opts, Globals>) {
  return command
    .addOption(new Option('--account <id>', 'organization file: only this target account (repeatable)').argParser(accountId))
    .addOption(new Option('--shard <i/N>', 'organization file: only the i-th of N shards of the target accounts (round-robin by account id; 1-based)').argParser(shard))
    .addOption(
      new Option('--max-concurrent-accounts <n>', `organization file: accounts worked on at once (default ${DEFAULT_MAX_CONCURRENT_ACCOUNTS})`).argParser(
        positiveInt('--max-concurrent-accounts', 64),
      ),
    )
    .addOption(new Option('--failure-tolerance <n>', 'organization file: exit 1 only when more accounts than this fail or are unreachable (default 0)').argParser(tolerance));
}

/** `--account` and `--shard` name accounts of an organization: on a one-account file they are a mistake, said as one. */
export function refuseOrganizationFlags(flags: OrganizationFlags, file: string): void {
  const given = [flags.account?.length ? '--account' : null, flags.shard ? '--shard' : null].filter((f) => f !== null);
  if (given.length === 0) return;
  throw new UserError(
    `error: ${given.join(' and ')} select${given.length === 1 ? 's' : ''} accounts of an organization, but ${file} governs one account (it has no \`organization\` section)\n` +
      `  fix: leave ${given.join(' and ')} out, or use an organization file`,
  );
}

