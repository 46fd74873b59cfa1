/**
 * The targets of an organization run, read from AWS Organizations at plan time: the organization, its accounts
 * (with their status), and only what the selector needs beyond that (the OU tree for `ous` and OU exclusions, tags
 * for `tags`), then resolved, narrowed by `--account` and split by `--shard` (plan/targets.ts). Problems with what
 * the file names stop the run before any account is touched.
 */
import { IamError } from '../iam/errors.js';
import type { OrganizationsGateway } from '../iam/organizations.js';
import type { OrganizationTree, Shard, TargetRecord, TreeOu } from '../model/organization-tree.js';
import type { OrganizationDesired, TargetSelector } from '../model/organization.js';
import { narrowTargets, needsOuTree, needsTags, resolveTargets, targetRecord } from '../plan/targets.js';
import { byCodePoint } from '../util/compare.js';
import { mapLimit } from '../util/pool.js';
import { PaginationError } from '../util/paginate.js';
import { UserError } from '../util/user-error.js';
import { targetProblemsError } from './org-access.js';

/** Organizations' request rate is low (a few per second sustained); the tree is read a few calls at a time. */
const ORGANIZATIONS_CONCURRENCY = 4;

export async function readOrganizationTree(gateway: OrganizationsGateway, selector: TargetSelector, callerArn: string): Promise<OrganizationTree> {
  try {
    const org = await gateway.describeOrganization();
    const [accounts, roots] = await Promise.all([gateway.listAccounts(), gateway.listRoots()]);
    const rootId = roots[0]?.id;
    if (rootId === undefined) throw new IamError('InvalidResponse', 'Organizations answered ListRoots with no root', 200, undefined);
    const tree: OrganizationTree = {
      id: org.id,
      managementAccount: org.managementAccount,
      rootId,
      ous: [],
      ousRead: false,
      accounts: accounts
        .map((a) => ({ id: a.id, name: a.name, status: a.status, parentId: null as string | null, tags: null as Record<string, string> | null }))
        .sort((a, b) => byCodePoint(a.id, b.id)),
    };
    if (needsOuTree(selector)) await readOuTree(gateway, tree);
    if (needsTags(selector)) {
      const active = tree.accounts.filter((a) => a.status === 'ACTIVE');
      const tags = await mapLimit(active, ORGANIZATIONS_CONCURRENCY, (a) => gateway.listTagsForResource(a.id));
      active.forEach((a, k) => (a.tags = tags[k] ?? {}));
    }
    return tree;
  } catch (error) {
    throw organizationReadError(error, callerArn);
  }
}

/** Breadth-first from the root: each parent's OUs and its accounts, a level at a time. */
async function readOuTree(gateway: OrganizationsGateway, tree: OrganizationTree): Promise<void> {
  const parentOf = new Map<string, string>();
  const ous: TreeOu[] = [];
  let level = [tree.rootId];
  // An OU tree is at most 5 levels deep below the root in AWS; the bound only guards against a looping endpoint.
  for (let depth = 0; level.length > 0 && depth < 10; depth++) {
    const children = await mapLimit(level, ORGANIZATIONS_CONCURRENCY, async (parentId) => {
      const [units, accounts] = await Promise.all([gateway.listOrganizationalUnitsForParent(parentId), gateway.listChildren(parentId, 'ACCOUNT')]);
      return { parentId, units, accounts };
    });
    level = [];
    for (const { parentId, units, accounts } of children) {
      for (const id of accounts) parentOf.set(id, parentId);
      for (const unit of units) {
        ous.push({ id: unit.id, name: unit.name, parentId });
        level.push(unit.id);
      }
    }
  }
  for (const account of tree.accounts) account.parentId = parentOf.get(account.id) ?? null;
  tree.ous = ous.sort((a, b) => byCodePoint(a.id, b.id));
  tree.ousRead = true;
}

function organizationReadError(error: unknown, callerArn: string): unknown {
  if (error instanceof PaginationError) return new UserError(`Reading the organization failed: ${error.message}`);
  if (!(error instanceof IamError)) return error;
  if (error.code === 'AWSOrganizationsNotInUseException') {
    return new UserError(
      `error: the file has an \`organization\` section, but the caller's account is not in an AWS Organization (${callerArn})\n` +
        '  fix: run with credentials of the organization\'s management account (or a delegated administrator), or remove `organization` to govern one account',
    );
  }
  if (error.code === 'AccessDeniedException' || error.code === 'AccessDenied') {
    return new UserError(
      `error: ${callerArn} may not read the organization: ${error.code}: ${error.message}\n` +
        '  fix: run from the management account or a delegated administrator, with organizations:DescribeOrganization, organizations:ListAccounts, ' +
        'organizations:ListRoots, organizations:ListChildren, organizations:ListOrganizationalUnitsForParent and organizations:ListTagsForResource',
    );
  }
  return new UserError(`Reading the organization failed: ${error.code}: ${error.message}`);
}

export interface TargetOptions {
  /** `--account`, repeatable. */
  accounts: readonly string[];
  shard: Shard | null;
  /** The configuration file, for messages. */
  file: string;
}

/** The run's targets, or a `UserError` listing every problem with what the file or the flags name. */
export function resolveRunTargets(tree: OrganizationTree, org: OrganizationDesired, options: TargetOptions): TargetRecord {
  const resolution = resolveTargets(tree, org.organization.targets, [...org.sections.keys()]);
  const narrowed = narrowTargets(resolution, tree, options.accounts);
  if (narrowed.problems.length > 0) throw targetProblemsError(narrowed.problems, options.file);
  return targetRecord(narrowed, options.accounts, options.shard);
}
