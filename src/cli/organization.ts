/**
 * What every command does the same way on an organization file: connecting as the caller and reading the organization's
 * targets (said on stderr before any account is read), running one account's operation per target with a line per
 * account as it finishes.
 */
import type { OrganizationDesired } from '../model/organization.js';
import type { TargetAccount, TargetRecord } from '../model/organization-tree.js';
import { connectOrganization, type ConnectedAccount, type OrganizationAccess } from '../operations/org-access.js';
import { forEachAccount, type AccountOutcome, type AccountWork } from '../operations/org-loop.js';
import { readOrganizationTree, resolveRunTargets } from '../operations/org-targets.js';
import type { ConfigFingerprint } from '../plan/document.js';
import { storedEntry, type OrganizationAccountEntry, type OrganizationHeader, type StoredReport } from '../plan/organization-report.js';
import { connectionSettings, type AwsFlags } from './aws-options.js';
import type { Environment } from './environment.js';
import { DEFAULT_MAX_CONCURRENT_ACCOUNTS, type OrganizationFlags } from './organization-options.js';
import type { StopSignal } from './stop.js';

/** An organization run under way: the caller's access, and its targets. */
export interface OrganizationRun {
  access: OrganizationAccess;
  header: OrganizationHeader;
  targets: TargetRecord;
}

/** Connects as the caller, reads the organization, resolves and says the targets. Throws before any account is read. */
export async function startOrganizationRun(
  org: OrganizationDesired,
  config: ConfigFingerprint,
  flags: AwsFlags & OrganizationFlags,
  environment: Environment,
): Promise<OrganizationRun> {
  const checkedAt = new Date().toISOString();
  const access = await connectOrganization(connectionSettings(flags, environment));
  try {
    environment.stderr.write(`Reading organization targets as ${access.caller.arn}...\n`);
    const tree = await readOrganizationTree(access.organizations, org.organization.targets, access.caller.arn);
    const targets = resolveRunTargets(tree, org, { accounts: flags.account ?? [], shard: flags.shard ?? null, file: config.file });
    const shardText = targets.shard ? `, shard ${targets.shard.index}/${targets.shard.count}: ${targets.targets.length}` : '';
    environment.stderr.write(`Organization ${tree.id}: ${targets.resolved.length} target account${targets.resolved.length === 1 ? '' : 's'}${shardText}.\n`);
    for (const s of targets.skipped) environment.stderr.write(`  skipped ${s.id} ${s.name}: ${s.reason}\n`);
    const header: OrganizationHeader = {
      organization: { id: tree.id, managementAccount: tree.managementAccount },
      callerArn: access.caller.arn,
      checkedAt,
      config,
      files: org.files.length > 0 ? org.files : [{ file: config.file, sha256: config.sha256 }],
      targets,
      failureTolerance: flags.failureTolerance ?? 0,
    };
    return { access, header, targets };
  } catch (error) {
    access.close();
    throw error;
  }
}

/** Runs `work` in every target account (or `targets`, when given), saying each account's end on stderr. */
export async function runAccounts<K>(
  run: OrganizationRun,
  org: OrganizationDesired,
  flags: OrganizationFlags,
  environment: Environment,
  stop: StopSignal,
  work: (target: TargetAccount, connected: ConnectedAccount) => Promise<AccountWork<K>>,
  describe: (outcome: AccountOutcome<K>) => string,
  targets: readonly TargetAccount[] = run.targets.targets,
): Promise<AccountOutcome<K>[]> {
  const { accessFor } = await import('../model/organization.js');
  const width = String(targets.length).length;
  let done = 0;
  const started = new Map<string, number>();
  const max = flags.maxConcurrentAccounts ?? DEFAULT_MAX_CONCURRENT_ACCOUNTS;
  environment.stderr.write(`Working on ${targets.length} account${targets.length === 1 ? '' : 's'}, ${Math.min(max, targets.length)} at a time...\n`);
  const unsubscribe = stop.onRequest(() => environment.stderr.write('\nInterrupt received: finishing the accounts under way, starting no others...\n'));
  try {
    return await forEachAccount(targets, (target) => run.access.connect(target, accessFor(org, target.id)), work, {
      maxConcurrent: max,
      aborted: () => stop.requested(),
      onStart: (target) => started.set(target.id, Date.now()),
      onDone: (outcome) => {
        done += 1;
        const seconds = ((Date.now() - (started.get(outcome.account) ?? Date.now())) / 1000).toFixed(1);
        environment.stderr.write(`  [${String(done).padStart(width)}/${targets.length}] ${outcome.account} ${outcome.name}: ${describe(outcome)} (${seconds}s)\n`);
      },
    });
  } finally {
    unsubscribe();
    environment.stderr.write('\n');
  }
}

/** The document's entry for an outcome whose result is a stored report: read back on each access. */
export function entryOf<R>(outcome: AccountOutcome<StoredReport<R>>): OrganizationAccountEntry<R> {
  return storedEntry({ account: outcome.account, name: outcome.name, status: outcome.status, roleArn: outcome.roleArn, problem: outcome.problem }, outcome.result);
}

/** What a finished account's line says when it failed: the status and the first line of the problem. */
export function failureText(outcome: AccountOutcome<unknown>): string {
  return `${outcome.status}: ${(outcome.problem?.message ?? '').split('\n')[0]}`;
}
