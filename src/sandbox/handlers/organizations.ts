/**
 * AWS Organizations, read side: the operations a tool needs to find the accounts of an organization. Any member
 * may describe the organization; only the management account (or a delegated administrator) may list it, as in
 * AWS. Outside an organization every call answers AWSOrganizationsNotInUseException.
 */
import { epochSeconds, JsonError, pageFrom, decodeCursor, type JsonContext, type JsonOperation, type JsonService } from '../protocol/json.js';
import type { AccountData, OrganizationData, OuData, SandboxState, TagData } from '../state.js';

export const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128';

/** The organization's shape, computed once per state (the sandbox serves no Organizations writes). */
interface Tree {
  org: OrganizationData;
  ous: Map<string, OuData>;
  accounts: Map<string, AccountData>;
  childOus: Map<string, OuData[]>;
  childAccounts: Map<string, AccountData[]>;
}

const trees = new WeakMap<SandboxState, Tree>();

function treeOf(state: SandboxState, org: OrganizationData): Tree {
  let tree = trees.get(state);
  if (tree) return tree;
  tree = { org, ous: new Map(), accounts: new Map(), childOus: new Map(), childAccounts: new Map() };
  for (const ou of org.ous) {
    tree.ous.set(ou.id, ou);
    push(tree.childOus, ou.parentId, ou);
  }
  for (const account of state.data.accounts) {
    tree.accounts.set(account.id, account);
    if (account.parentId !== null) push(tree.childAccounts, account.parentId, account);
  }
  trees.set(state, tree);
  return tree;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The organization, after checking the caller may read it (`listing`: only the management account or a delegate). */
function organizationFor(context: JsonContext, listing: boolean): Tree {
  const org = context.state.organization;
  if (!org) throw new JsonError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  const caller = context.caller.account.id;
  if (listing && caller !== org.managementAccount && !org.delegatedAdministrators.includes(caller)) {
    throw new JsonError('AccessDeniedException', "You don't have permissions to access this resource.");
  }
  return treeOf(context.state, org);
}

function invalidInput(reason: string, message: string): JsonError {
  return new JsonError('InvalidInputException', message, 400, { Reason: reason });
}

/** A required string member matching `pattern`. */
function requiredId(context: JsonContext, member: string, pattern: RegExp): string {
  const value = context.input[member];
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  if (value === undefined || value === null) throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${field}.`);
  if (typeof value !== 'string' || !pattern.test(value)) throw invalidInput('INVALID_PATTERN', `You specified a value for ${field} that is not valid: ${String(value)}`);
  return value;
}

/** MaxResults (1-20, default 20) and NextToken, checked the way Organizations checks them. */
function paging(context: JsonContext, scope: string, withMax = true) {
  const raw = withMax ? context.input.MaxResults : undefined;
  if (raw !== undefined && (typeof raw !== 'number' || !Number.isInteger(raw))) throw invalidInput('INVALID_INPUT', 'MaxResults must be a whole number.');
  if (typeof raw === 'number' && raw > 20) throw invalidInput('MAX_VALUE_EXCEEDED', `1 validation error detected: Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20`);
  if (typeof raw === 'number' && raw < 1) throw invalidInput('MIN_VALUE_EXCEEDED', `1 validation error detected: Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  const token = context.input.NextToken;
  let cursor = { offset: 0, afterEmpty: false };
  if (token !== undefined && token !== null) {
    const decoded = typeof token === 'string' ? decodeCursor(token, scope) : undefined;
    if (!decoded) throw invalidInput('INVALID_NEXT_TOKEN', 'You specified an invalid value for nextToken.');
    cursor = decoded;
  }
  return { cursor, maxResults: typeof raw === 'number' ? raw : 20 };
}

function listed<T>(context: JsonContext, items: readonly T[], scope: string, key: string, render: (item: T) => unknown, withMax = true): Record<string, unknown> {
  const { cursor, maxResults } = paging(context, scope, withMax);
  const page = pageFrom(items, cursor, maxResults, scope, context.emptyPage);
  return { [key]: page.items.map(render), ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) };
}

const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const CHILD_ID = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const RESOURCE_ID = /^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

function requireParent(tree: Tree, id: string): void {
  if (id !== tree.org.root.id && !tree.ous.has(id)) throw new JsonError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
}

function accountJson(tree: Tree, account: AccountData): Record<string, unknown> {
  return {
    Id: account.id,
    Arn: `arn:aws:organizations::${tree.org.managementAccount}:account/${tree.org.id}/${account.id}`,
    Email: account.email,
    Name: account.name,
    Status: account.status,
    State: account.status,
    JoinedMethod: account.joinedMethod,
    JoinedTimestamp: epochSeconds(account.joinedTimestamp),
  };
}

function ouJson(tree: Tree, ou: OuData): Record<string, unknown> {
  return { Id: ou.id, Arn: `arn:aws:organizations::${tree.org.managementAccount}:ou/${tree.org.id}/${ou.id}`, Name: ou.name };
}

const tagJson = (tag: TagData) => ({ Key: tag.key, Value: tag.value });

export const DescribeOrganization: JsonOperation = {
  run(context) {
    const { org, accounts } = organizationFor(context, false);
    return {
      Organization: {
        Id: org.id,
        Arn: `arn:aws:organizations::${org.managementAccount}:organization/${org.id}`,
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${org.managementAccount}:account/${org.id}/${org.managementAccount}`,
        MasterAccountId: org.managementAccount,
        MasterAccountEmail: accounts.get(org.managementAccount)?.email,
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    };
  },
};

/** Every account, SUSPENDED ones included (with their status), in seed order. */
export const ListAccounts: JsonOperation = {
  run(context) {
    const tree = organizationFor(context, true);
    return listed(context, [...tree.accounts.values()], 'ListAccounts', 'Accounts', (account) => accountJson(tree, account));
  },
};

export const ListRoots: JsonOperation = {
  run(context) {
    const tree = organizationFor(context, true);
    const { org } = tree;
    const root = { Id: org.root.id, Arn: `arn:aws:organizations::${org.managementAccount}:root/${org.id}/${org.root.id}`, Name: org.root.name, PolicyTypes: [] };
    return listed(context, [root], 'ListRoots', 'Roots', (item) => item);
  },
};

export const ListChildren: JsonOperation = {
  run(context) {
    const tree = organizationFor(context, true);
    const parentId = requiredId(context, 'ParentId', PARENT_ID);
    const childType = context.input.ChildType;
    if (childType === undefined || childType === null) throw invalidInput('INPUT_REQUIRED', 'You must specify a value for childType.');
    if (childType !== 'ACCOUNT' && childType !== 'ORGANIZATIONAL_UNIT') throw invalidInput('INVALID_ENUM', `You specified an invalid value for childType: ${String(childType)}`);
    requireParent(tree, parentId);
    const children = childType === 'ACCOUNT'
      ? (tree.childAccounts.get(parentId) ?? []).map((account) => account.id)
      : (tree.childOus.get(parentId) ?? []).map((ou) => ou.id);
    return listed(context, children, `ListChildren:${parentId}:${childType}`, 'Children', (id) => ({ Id: id, Type: childType }));
  },
};

export const ListOrganizationalUnitsForParent: JsonOperation = {
  run(context) {
    const tree = organizationFor(context, true);
    const parentId = requiredId(context, 'ParentId', PARENT_ID);
    requireParent(tree, parentId);
    return listed(context, tree.childOus.get(parentId) ?? [], `ListOrganizationalUnitsForParent:${parentId}`, 'OrganizationalUnits', (ou) => ouJson(tree, ou));
  },
};

export const ListParents: JsonOperation = {
  run(context) {
    const tree = organizationFor(context, true);
    const childId = requiredId(context, 'ChildId', CHILD_ID);
    const parentId = tree.accounts.get(childId)?.parentId ?? tree.ous.get(childId)?.parentId;
    if (parentId === undefined || parentId === null) {
      throw new JsonError('ChildNotFoundException', "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");
    }
    const type = parentId === tree.org.root.id ? 'ROOT' : 'ORGANIZATIONAL_UNIT';
    return listed(context, [{ Id: parentId, Type: type }], `ListParents:${childId}`, 'Parents', (item) => item);
  },
};

export const ListTagsForResource: JsonOperation = {
  run(context) {
    const tree = organizationFor(context, true);
    const id = requiredId(context, 'ResourceId', RESOURCE_ID);
    const tags = id === tree.org.root.id ? tree.org.root.tags : (tree.accounts.get(id)?.tags ?? tree.ous.get(id)?.tags);
    if (!tags) throw new JsonError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.");
    return listed(context, tags, `ListTagsForResource:${id}`, 'Tags', tagJson, false);
  },
};

export const ORGANIZATIONS: JsonService = {
  name: 'organizations',
  targetPrefixes: [ORGANIZATIONS_TARGET],
  messageKey: 'Message',
  operations: new Map(Object.entries({ DescribeOrganization, ListAccounts, ListRoots, ListChildren, ListOrganizationalUnitsForParent, ListParents, ListTagsForResource })),
  throttled: () => new JsonError('TooManyRequestsException', 'Rate exceeded', 400, { Type: 'RATE_LIMIT' }),
  failed: () => new JsonError('ServiceException', 'AWS Organizations can\'t complete your request because of an internal service error. Try again later.', 500),
};
