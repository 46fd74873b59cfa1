/**
 * Which accounts of an organization a run acts on. Pure: from the tree read from AWS Organizations and the file's
 * selector, to the sorted targets, what was skipped and why, and every problem (an account or OU the file names
 * that the organization does not have). Then `--account` narrows and `--shard` splits, both deterministically.
 */
import type { OrganizationTree, Shard, SkippedAccount, TargetAccount, TargetRecord, TreeAccount } from '../model/organization-tree.js';
import type { TargetSelector } from '../model/organization.js';
import { byCodePoint } from '../util/compare.js';

export interface TargetResolution {
  /** ACTIVE accounts the selector picks, sorted by id. */
  targets: TargetAccount[];
  skipped: SkippedAccount[];
  /** Each a sentence naming what is wrong; any problem means the run must not start. */
  problems: string[];
}

const ACCOUNT_ID = /^\d{12}$/;

/** Whether the selector needs the OU tree (OUs to include or exclude). */
export function needsOuTree(selector: TargetSelector): boolean {
  return selector.ous.length > 0 || selector.exclude.some((id) => !ACCOUNT_ID.test(id));
}

/** Whether the selector needs every account's tags. */
export function needsTags(selector: TargetSelector): boolean {
  return Object.keys(selector.tags).length > 0;
}

/**
 * The selector's targets: the union of `all`, `ous` (recursive), `accounts` and `tags` (every tag must match),
 * less `exclude` (accounts, or OUs and all below them), less the management account unless `includeManagement`,
 * less any account that is not ACTIVE (skipped, with its status). `otherAccounts` are further ids the file names
 * (per-account sections): each must be in the organization too.
 */
export function resolveTargets(tree: OrganizationTree, selector: TargetSelector, otherAccounts: readonly string[] = []): TargetResolution {
  const byId = new Map(tree.accounts.map((a) => [a.id, a]));
  const ouIds = new Set([tree.rootId, ...tree.ous.map((ou) => ou.id)]);
  const problems: string[] = [];
  for (const id of selector.accounts) if (!byId.has(id)) problems.push(`organization.targets.accounts names ${id}, which is not an account of organization ${tree.id}`);
  for (const id of selector.ous) if (!ouIds.has(id)) problems.push(`organization.targets.ous names ${id}, which is not an OU (or the root) of organization ${tree.id}`);
  for (const id of selector.exclude) {
    if (ACCOUNT_ID.test(id) ? !byId.has(id) : !ouIds.has(id)) {
      problems.push(`organization.targets.exclude names ${id}, which is not ${ACCOUNT_ID.test(id) ? 'an account' : 'an OU'} of organization ${tree.id}`);
    }
  }
  for (const id of otherAccounts) if (!byId.has(id)) problems.push(`accounts."${id}" is a section for an account that is not in organization ${tree.id}`);

  const ancestors = ancestry(tree);
  const under = (account: TreeAccount, ids: ReadonlySet<string>) => (ancestors.get(account.id) ?? []).some((id) => ids.has(id));
  const includeOus = new Set(selector.ous);
  const excludeIds = new Set(selector.exclude);
  const listed = new Set(selector.accounts);
  const tagEntries = Object.entries(selector.tags);

  const targets: TargetAccount[] = [];
  const skipped: SkippedAccount[] = [];
  for (const account of tree.accounts) {
    const picked =
      selector.all ||
      listed.has(account.id) ||
      (includeOus.size > 0 && under(account, includeOus)) ||
      (tagEntries.length > 0 && account.tags !== null && tagEntries.every(([k, v]) => account.tags?.[k] === v));
    if (!picked || excludeIds.has(account.id) || under(account, excludeIds)) continue;
    if (account.id === tree.managementAccount && !selector.includeManagement) {
      skipped.push({ id: account.id, name: account.name, reason: 'the management account (set organization.targets.includeManagement: true to govern it)' });
    } else if (account.status !== 'ACTIVE') {
      skipped.push({ id: account.id, name: account.name, reason: `${account.status}: only ACTIVE accounts are governed` });
    } else {
      targets.push({ id: account.id, name: account.name });
    }
  }
  return { targets, skipped, problems };
}

/** Each account's chain of parents up to the root, nearest first; empty when the OU tree was not read. */
function ancestry(tree: OrganizationTree): Map<string, string[]> {
  const parentOf = new Map(tree.ous.map((ou) => [ou.id, ou.parentId]));
  const out = new Map<string, string[]>();
  for (const account of tree.accounts) {
    const chain: string[] = [];
    // Bounded by the number of OUs, so a malformed tree with a cycle cannot loop.
    for (let id: string | undefined = account.parentId ?? undefined; id !== undefined && chain.length <= tree.ous.length; id = parentOf.get(id)) chain.push(id);
    out.set(account.id, chain);
  }
  return out;
}

/** `--account ID` (repeatable): only these targets. An id that is not a target is a problem that names why. */
export function narrowTargets(resolution: TargetResolution, tree: OrganizationTree, accounts: readonly string[]): TargetResolution {
  if (accounts.length === 0) return resolution;
  const wanted = new Set(accounts);
  const problems = [...resolution.problems];
  const targetIds = new Set(resolution.targets.map((t) => t.id));
  const skipped = new Map(resolution.skipped.map((s) => [s.id, s]));
  for (const id of [...wanted].sort(byCodePoint)) {
    if (targetIds.has(id)) continue;
    const skip = skipped.get(id);
    if (skip) problems.push(`--account ${id}: the account is skipped: ${skip.reason}`);
    else if (tree.accounts.some((a) => a.id === id)) problems.push(`--account ${id}: the account is not a target of the file's organization.targets`);
    else problems.push(`--account ${id}: no such account in organization ${tree.id}`);
  }
  return { targets: resolution.targets.filter((t) => wanted.has(t.id)), skipped: resolution.skipped.filter((s) => wanted.has(s.id)), problems };
}

/**
 * `--shard i/N`: of the targets sorted by account id, the k-th (0-based) goes to shard (k mod N) + 1. Round-robin
 * keeps the shards within one account of each other in size, and every account in exactly one shard.
 */
export function shardTargets<T extends { id: string }>(targets: readonly T[], shard: Shard | null): T[] {
  const sorted = [...targets].sort((a, b) => byCodePoint(a.id, b.id));
  if (shard === null) return sorted;
  return sorted.filter((_, k) => k % shard.count === shard.index - 1);
}

/** `i/N` with 1 <= i <= N <= 1000, or a sentence saying what is wrong. */
export function parseShard(text: string): Shard | string {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return `--shard must look like i/N (e.g. 1/4), not "${text}"`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > 1000) return `--shard ${text}: N must be from 1 to 1000`;
  if (index < 1 || index > count) return `--shard ${text}: i must be from 1 to N (shards are numbered from 1; a Kubernetes JOB_COMPLETION_INDEX is 0-based, so pass $((JOB_COMPLETION_INDEX + 1))/N)`;
  return { index, count };
}

/** The whole resolution, narrowed and sharded, as reports record it. */
export function targetRecord(narrowed: TargetResolution, narrowedTo: readonly string[], shard: Shard | null): TargetRecord {
  return {
    targets: shardTargets(narrowed.targets, shard),
    resolved: narrowed.targets.map((t) => t.id).sort(byCodePoint),
    skipped: narrowed.skipped,
    narrowedTo: [...narrowedTo].sort(byCodePoint),
    shard,
  };
}
