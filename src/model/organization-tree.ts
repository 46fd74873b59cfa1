/**
 * An organization as read from AWS Organizations, reduced to what target selection needs: every account with its
 * status, and (when the selector asks for them) its place in the OU tree and its tags.
 *
 * Invariant: `accounts` is sorted by id and holds each account once; every `parentId` is `rootId` or the id of an
 * OU in `ous`, or `null` when the OU tree was not read; `tags` is `null` when tags were not read.
 */
export interface OrganizationTree {
  id: string;
  managementAccount: string;
  rootId: string;
  accounts: TreeAccount[];
  /** Every OU with its parent; empty when the OU tree was not read (`ousRead`). */
  ous: TreeOu[];
  ousRead: boolean;
}

export interface TreeAccount {
  id: string;
  name: string;
  /** AWS's account state: `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, ... Only ACTIVE accounts are ever targets. */
  status: string;
  parentId: string | null;
  tags: Readonly<Record<string, string>> | null;
}

export interface TreeOu {
  id: string;
  name: string;
  parentId: string;
}

/** An account a run acts on. */
export interface TargetAccount {
  id: string;
  name: string;
}

/** An account the selector names (or would) that is not acted on, and why: said in every output, never silent. */
export interface SkippedAccount {
  id: string;
  name: string;
  reason: string;
}

/** `--shard i/N`: this run takes every N-th account of the resolved list, starting at the i-th (1-based). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * What a run's targets are, as recorded in reports and saved plans: the accounts acted on (after `--account` and
 * `--shard`), every account the selector and `--account` resolved to before sharding (so shards can be checked to cover it exactly
 * once), and what was skipped.
 */
export interface TargetRecord {
  /** Sorted by id. */
  targets: TargetAccount[];
  /** Every account the file's selector (and `--account`) resolved to, sorted by id, before `--shard`: what shards together cover. */
  resolved: string[];
  skipped: SkippedAccount[];
  /** `--account` values, sorted; empty when not narrowed. */
  narrowedTo: string[];
  shard: Shard | null;
}

/** How one account ended: read (and, for apply, applied) with nothing to do, with changes, failed, or never reached. */
export type AccountStatus = 'in-sync' | 'changes' | 'error' | 'unreachable';

/** What went wrong in one account. Invariant: `message` says what and where; `fix` (when known) what to do. */
export interface AccountProblem {
  message: string;
  fix: string | null;
  /** The AWS error code, when AWS answered one. */
  code: string | null;
}
