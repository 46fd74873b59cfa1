/**
 * Groups and managed policies: what iampass keeps its own bookkeeping in (the journal of unconfirmed passwords is a
 * group; the apply lock is a policy). Requests are never checked against permissions: a policy's document is
 * evaluated by SimulatePrincipalPolicy only.
 */
import { IamError } from '../errors.js';
import { awsId, USER_ID_LENGTH } from '../identifiers.js';
import { PATH, PATH_PREFIX, TAG_KEY, USER_NAME } from '../names.js';
import { Validation } from '../protocol/query.js';
import { memberList, type XmlElement } from '../protocol/xml.js';
import { attachmentCount, boundaryUsageCount } from '../permissions.js';
import { AWS_MANAGED_POLICIES, AWS_POLICY_ARN_PREFIX } from '../policy-documents.js';
import { compareNames, isoSeconds, QUOTAS, type Account, type GroupData, type ManagedPolicyData } from '../state.js';
import { EXISTING_USER_NAME, page, readPaging, readTags, tagElements, userElements, type Operation } from './common.js';

const GROUP_NAME = { ...USER_NAME, max: 128 };
const POLICY_NAME = { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };
const POLICY_ARN = { min: 20, max: 2048 };
const DESCRIPTION = { min: 0, max: 1000 };
const DOCUMENT = { min: 1, max: 131072 };

export const CreateGroup: Operation = {
  mutates: true,
  run({ account, params, now }) {
    const v = new Validation(params);
    const name = v.string('GroupName', { ...GROUP_NAME, required: true });
    const path = v.string('Path', PATH) ?? '/';
    v.done();
    const existing = account.findGroup(name);
    if (existing) throw new IamError('EntityAlreadyExists', `Group with name ${existing.name} already exists.`);
    const group: GroupData = { name, path, id: awsId('AGPA', USER_ID_LENGTH), createDate: isoSeconds(now), members: [], attachedPolicies: [], inlinePolicies: [] };
    account.data.groups.push(group);
    account.data.groups.sort((a, b) => compareNames(a.name, b.name));
    return [['Group', groupElements(account, group)]];
  },
};

export const GetGroup: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('GroupName', { ...GROUP_NAME, required: true });
    const paging = readPaging(v, params);
    v.done();
    const group = requireGroup(account, name);
    const members = group.members.flatMap((member) => account.findUser(member) ?? []);
    const result = page(members, paging, (user) => user.name);
    return [['Group', groupElements(account, group)], memberList('Users', result.items.map((user) => userElements(account, user, false))), ...result.tail];
  },
};

export const AddUserToGroup: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('GroupName', { ...GROUP_NAME, required: true });
    const userName = v.string('UserName', { ...USER_NAME, required: true });
    v.done();
    const group = requireGroup(account, name);
    const user = account.requireUser(userName);
    if (group.members.some((member) => member.toLowerCase() === user.name.toLowerCase())) return undefined;
    if (account.groupsOf(user).length >= QUOTAS.groupsPerUser) {
      throw new IamError('LimitExceeded', `Cannot exceed quota for GroupsPerUser: ${QUOTAS.groupsPerUser}`);
    }
    group.members.push(user.name);
    group.members.sort(compareNames);
    return undefined;
  },
};

export const RemoveUserFromGroup: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('GroupName', { ...GROUP_NAME, required: true });
    const userName = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    v.done();
    const group = requireGroup(account, name);
    const user = account.requireUser(userName);
    const index = group.members.findIndex((member) => member.toLowerCase() === user.name.toLowerCase());
    if (index < 0) throw new IamError('NoSuchEntity', `The user with name ${user.name} cannot be found in group ${group.name}.`);
    group.members.splice(index, 1);
    return undefined;
  },
};

export const ListGroupsForUser: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const userName = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const paging = readPaging(v, params);
    v.done();
    const result = page(account.groupsOf(account.requireUser(userName)), paging, (group) => group.name);
    return [memberList('Groups', result.items.map((group) => groupElements(account, group))), ...result.tail];
  },
};

export const DeleteGroup: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('GroupName', { ...GROUP_NAME, required: true });
    v.done();
    const group = requireGroup(account, name);
    if (group.members.length > 0) throw new IamError('DeleteConflict', 'Cannot delete entity, must remove users from group first.');
    account.data.groups.splice(account.data.groups.indexOf(group), 1);
    return undefined;
  },
};

export const CreatePolicy: Operation = {
  mutates: true,
  run({ account, params, now }) {
    const v = new Validation(params);
    const name = v.string('PolicyName', { ...POLICY_NAME, required: true });
    const path = v.string('Path', PATH) ?? '/';
    const document = v.string('PolicyDocument', { ...DOCUMENT, required: true });
    const description = v.string('Description', DESCRIPTION) ?? null;
    const tags = readTags(v, false) ?? [];
    v.done();
    try {
      JSON.parse(document);
    } catch {
      throw new IamError('MalformedPolicyDocument', 'Syntax errors in policy.');
    }
    if (account.data.policies.some((policy) => policy.name.toLowerCase() === name.toLowerCase())) {
      throw new IamError('EntityAlreadyExists', `A policy called ${name} already exists. Duplicate names are not allowed.`);
    }
    const policy: ManagedPolicyData = { name, path, id: awsId('ANPA', USER_ID_LENGTH), createDate: isoSeconds(now), description, document, tags };
    account.data.policies.push(policy);
    account.data.policies.sort((a, b) => compareNames(a.name, b.name));
    return [['Policy', policyElements(account, policy)]];
  },
};

export const GetPolicy: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    v.done();
    const aws = arn.startsWith(AWS_POLICY_ARN_PREFIX) ? AWS_MANAGED_POLICIES.get(arn.slice(AWS_POLICY_ARN_PREFIX.length)) : undefined;
    if (aws) return [['Policy', awsPolicyElements(account, arn, aws)]];
    return [['Policy', policyElements(account, requirePolicy(account, arn))]];
  },
};

export const ListPolicies: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    v.string('Scope', { oneOf: ['All', 'AWS', 'Local'] });
    const prefix = v.string('PathPrefix', PATH_PREFIX) ?? '/';
    v.bool('OnlyAttached');
    const paging = readPaging(v, params);
    v.done();
    const matching = account.data.policies.filter((policy) => policy.path.startsWith(prefix));
    const result = page(matching, paging, (policy) => policy.name);
    return [memberList('Policies', result.items.map((policy) => policyElements(account, policy))), ...result.tail];
  },
};

export const DeletePolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    v.done();
    const policy = requirePolicy(account, arn);
    if (attachmentCount(account, arn) > 0 || boundaryUsageCount(account, arn) > 0) throw new IamError('DeleteConflict', 'Cannot delete a policy attached to entities.');
    account.data.policies.splice(account.data.policies.indexOf(policy), 1);
    return undefined;
  },
};

export const ListPolicyTags: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    const paging = readPaging(v, params);
    v.done();
    const tags = [...requirePolicy(account, arn).tags].sort((a, b) => compareNames(a.key, b.key));
    const result = page(tags, paging, (tag) => tag.key);
    return [['Tags', tagElements(result.items)], ...result.tail];
  },
};

export const TagPolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    const tags = readTags(v, true) ?? [];
    v.done();
    const policy = requirePolicy(account, arn);
    const merged = [...policy.tags];
    for (const tag of tags) {
      const index = merged.findIndex((existing) => existing.key === tag.key);
      if (index >= 0) merged[index] = tag;
      else merged.push(tag);
    }
    if (merged.length > QUOTAS.tagsPerPolicy) throw new IamError('LimitExceeded', `The number of tags has reached the maximum limit of ${QUOTAS.tagsPerPolicy}.`);
    policy.tags = merged;
    return undefined;
  },
};

export const UntagPolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    const keys = v.list('TagKeys', true).map((key, index) => v.member(`TagKeys.${index + 1}.member`, key, TAG_KEY));
    v.done();
    const policy = requirePolicy(account, arn);
    policy.tags = policy.tags.filter((tag) => !keys.includes(tag.key));
    return undefined;
  },
};

function requireGroup(account: Account, name: string): GroupData {
  const group = account.findGroup(name);
  if (!group) throw new IamError('NoSuchEntity', `The group with name ${name} cannot be found.`);
  return group;
}

function requirePolicy(account: Account, arn: string): ManagedPolicyData {
  const policy = account.findPolicy(arn);
  if (!policy) throw new IamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

function groupElements(account: Account, group: GroupData): XmlElement[] {
  return [
    ['Path', group.path],
    ['GroupName', group.name],
    ['GroupId', group.id],
    ['Arn', `arn:aws:iam::${account.id}:group${group.path}${group.name}`],
    ['CreateDate', group.createDate],
  ];
}

function policyElements(account: Account, policy: ManagedPolicyData): XmlElement[] {
  return [
    ['PolicyName', policy.name],
    ['PolicyId', policy.id],
    ['Arn', account.policyArn(policy)],
    ['Path', policy.path],
    ['DefaultVersionId', 'v1'],
    ['AttachmentCount', attachmentCount(account, account.policyArn(policy))],
    ['PermissionsBoundaryUsageCount', boundaryUsageCount(account, account.policyArn(policy))],
    ['IsAttachable', true],
    ['Description', policy.description ?? undefined],
    ['CreateDate', policy.createDate],
    ['UpdateDate', policy.createDate],
    ['Tags', policy.tags.length > 0 ? tagElements(policy.tags) : undefined],
  ];
}

function awsPolicyElements(account: Account, arn: string, policy: { versionId: string; description: string; createDate: string }): XmlElement[] {
  const name = arn.slice(AWS_POLICY_ARN_PREFIX.length);
  return [
    ['PolicyName', name],
    ['PolicyId', `ANPA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`],
    ['Arn', arn],
    ['Path', '/'],
    ['DefaultVersionId', policy.versionId],
    ['AttachmentCount', attachmentCount(account, arn)],
    ['PermissionsBoundaryUsageCount', boundaryUsageCount(account, arn)],
    ['IsAttachable', true],
    ['Description', policy.description],
    ['CreateDate', policy.createDate],
    ['UpdateDate', policy.createDate],
  ];
}
