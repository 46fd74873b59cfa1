/**
 * Who may do what, as IAM describes it: GetAccountAuthorizationDetails (paged across users, groups, roles and
 * policies, documents URL-encoded as IAM sends them), GetPolicyVersion, and the calls that attach and put user
 * policies. The documents are evaluated only by SimulatePrincipalPolicy.
 */
import { IamError } from '../errors.js';
import { USER_NAME } from '../names.js';
import { attachmentCount, boundaryUsageCount, managedPolicy } from '../permissions.js';
import { AWS_MANAGED_POLICIES, AWS_POLICY_ARN_PREFIX, documentProblems } from '../policy-documents.js';
import { Validation } from '../protocol/query.js';
import { memberList, type XmlElement } from '../protocol/xml.js';
import { compareNames, type Account, type GroupData, type InlinePolicyData, type UserData } from '../state.js';
import { EXISTING_USER_NAME, readPaging, tagElements, type Operation } from './common.js';

const POLICY_ARN = { min: 20, max: 2048 };
const POLICY_NAME = { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' };
const VERSION_ID = { pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/, patternText: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?' };
const DOCUMENT = { min: 1, max: 131072 };
const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

/** IAM sends policy documents URL-encoded (RFC 3986). */
const encoded = (document: string) => encodeURIComponent(document);

export const GetAccountAuthorizationDetails: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const filter = (v.list('Filter') ?? []).map((f, i) => v.member(`Filter.${i + 1}.member`, f, { oneOf: ENTITY_TYPES }) as EntityType);
    const paging = readPaging(v, params);
    v.done();
    const wanted = (type: EntityType) => filter.length === 0 || filter.includes(type);
    // One list in a fixed order (users, groups, roles, customer-managed then AWS-managed policies): MaxItems counts
    // across all of them, and the marker names the last item returned.
    const items: Array<{ key: string; list: string; element: readonly XmlElement[] }> = [];
    if (wanted('User')) for (const user of account.users) items.push({ key: `1:${user.name}`, list: 'UserDetailList', element: userDetail(account, user) });
    if (wanted('Group')) for (const group of account.data.groups) items.push({ key: `2:${group.name}`, list: 'GroupDetailList', element: groupDetail(account, group) });
    if (wanted('Role')) for (const role of account.data.roles) items.push({ key: `3:${role.name}`, list: 'RoleDetailList', element: roleDetail(account, role) });
    if (wanted('LocalManagedPolicy')) for (const policy of account.data.policies) items.push({ key: `4:${policy.name}`, list: 'Policies', element: policyDetail(account, account.policyArn(policy)) });
    if (wanted('AWSManagedPolicy')) {
      for (const name of [...AWS_MANAGED_POLICIES.keys()].sort(compareNames)) {
        const arn = `${AWS_POLICY_ARN_PREFIX}${name}`;
        if (attachmentCount(account, arn) > 0) items.push({ key: `5:${name}`, list: 'Policies', element: policyDetail(account, arn) });
      }
    }
    const start = paging.after === undefined ? 0 : items.findIndex((item) => compareKeys(item.key, paging.after!) > 0);
    const rest = start < 0 ? [] : items.slice(start);
    const returned = rest.slice(0, paging.maxItems);
    const truncated = rest.length > returned.length;
    const lists = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'].map((list) =>
      memberList(list, returned.filter((item) => item.list === list).map((item) => item.element)),
    );
    const marker = truncated ? Buffer.from(returned.at(-1)!.key, 'utf8').toString('base64url') : undefined;
    return [...lists, ['IsTruncated', truncated], ['Marker', marker]];
  },
};

/** `1:alice` before `1:bob` before `2:admins`: by entity kind, then by name as listings order it. */
function compareKeys(a: string, b: string): number {
  const [ka, na] = [a.slice(0, 1), a.slice(2)];
  const [kb, nb] = [b.slice(0, 1), b.slice(2)];
  return ka !== kb ? (ka < kb ? -1 : 1) : compareNames(na, nb);
}

export const GetPolicyVersion: Operation = {
  mutates: false,
  run({ account, params }) {
    const v = new Validation(params);
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    const versionId = v.string('VersionId', { ...VERSION_ID, required: true });
    v.done();
    const policy = managedPolicy(account, arn);
    if (!policy) throw new IamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
    if (versionId !== policy.versionId) throw new IamError('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`);
    return [['PolicyVersion', [['Document', encoded(policy.document)], ['VersionId', policy.versionId], ['IsDefaultVersion', true], ['CreateDate', createDateOf(account, arn)]]]];
  },
};

export const AttachUserPolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...USER_NAME, required: true });
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    v.done();
    const user = account.requireUser(name);
    if (!managedPolicy(account, arn)) throw new IamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
    if (!user.attachedPolicies.includes(arn)) user.attachedPolicies = [...user.attachedPolicies, arn].sort(compareNames);
    return undefined;
  },
};

export const DetachUserPolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const arn = v.string('PolicyArn', { ...POLICY_ARN, required: true });
    v.done();
    const user = account.requireUser(name);
    if (!user.attachedPolicies.includes(arn)) throw new IamError('NoSuchEntity', `Policy ${arn} was not found.`);
    user.attachedPolicies = user.attachedPolicies.filter((other) => other !== arn);
    return undefined;
  },
};

export const PutUserPolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const policyName = v.string('PolicyName', { ...POLICY_NAME, required: true });
    const document = v.string('PolicyDocument', { ...DOCUMENT, required: true });
    v.done();
    const problems = documentProblems(document);
    if (problems.length > 0) throw new IamError('MalformedPolicyDocument', `The sandbox cannot evaluate this policy: ${problems.join('; ')}`);
    const user = account.requireUser(name);
    const rest = user.inlinePolicies.filter((p) => p.name !== policyName);
    user.inlinePolicies = [...rest, { name: policyName, document }].sort((a, b) => compareNames(a.name, b.name));
    return undefined;
  },
};

export const DeleteUserPolicy: Operation = {
  mutates: true,
  run({ account, params }) {
    const v = new Validation(params);
    const name = v.string('UserName', { ...EXISTING_USER_NAME, required: true });
    const policyName = v.string('PolicyName', { ...POLICY_NAME, required: true });
    v.done();
    const user = account.requireUser(name);
    if (!user.inlinePolicies.some((p) => p.name === policyName)) throw new IamError('NoSuchEntity', `The user policy with name ${policyName} cannot be found.`);
    user.inlinePolicies = user.inlinePolicies.filter((p) => p.name !== policyName);
    return undefined;
  },
};

function createDateOf(account: Account, arn: string): string {
  if (arn.startsWith(AWS_POLICY_ARN_PREFIX)) return AWS_MANAGED_POLICIES.get(arn.slice(AWS_POLICY_ARN_PREFIX.length))!.createDate;
  return account.findPolicy(arn)!.createDate;
}

function inlineList(name: string, policies: readonly InlinePolicyData[]): XmlElement {
  return memberList(name, policies.map((p) => [['PolicyName', p.name], ['PolicyDocument', encoded(p.document)]]));
}

function attachedList(account: Account, arns: readonly string[]): XmlElement {
  return memberList('AttachedManagedPolicies', arns.map((arn) => [['PolicyName', managedPolicy(account, arn)?.name ?? arn.slice(arn.lastIndexOf('/') + 1)], ['PolicyArn', arn]]));
}

function userDetail(account: Account, user: UserData): XmlElement[] {
  return [
    ['Path', user.path],
    ['UserName', user.name],
    ['UserId', user.id],
    ['Arn', account.userArn(user)],
    ['CreateDate', user.createDate],
    inlineList('UserPolicyList', user.inlinePolicies),
    ['GroupList', account.groupsOf(user).map((group): XmlElement => ['member', group.name])],
    attachedList(account, user.attachedPolicies),
    [
      'PermissionsBoundary',
      user.permissionsBoundary === null ? undefined : [['PermissionsBoundaryType', 'PermissionsBoundaryPolicy'], ['PermissionsBoundaryArn', user.permissionsBoundary]],
    ],
    ['Tags', user.tags.length > 0 ? tagElements(user.tags) : undefined],
  ];
}

function groupDetail(account: Account, group: GroupData): XmlElement[] {
  return [
    ['Path', group.path],
    ['GroupName', group.name],
    ['GroupId', group.id],
    ['Arn', `arn:aws:iam::${account.id}:group${group.path}${group.name}`],
    ['CreateDate', group.createDate],
    inlineList('GroupPolicyList', group.inlinePolicies),
    attachedList(account, group.attachedPolicies),
  ];
}

function roleDetail(account: Account, role: Account['data']['roles'][number]): XmlElement[] {
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: role.trustedPrincipals }, Action: 'sts:AssumeRole' }],
  };
  return [
    ['Path', role.path],
    ['RoleName', role.name],
    ['RoleId', role.id],
    ['Arn', account.roleArn(role)],
    ['CreateDate', role.createDate],
    ['AssumeRolePolicyDocument', encoded(JSON.stringify(trust))],
    memberList('InstanceProfileList', []),
    memberList('RolePolicyList', []),
    memberList('AttachedManagedPolicies', []),
    memberList('Tags', []),
  ];
}

function policyDetail(account: Account, arn: string): XmlElement[] {
  const policy = managedPolicy(account, arn)!;
  const own = arn.startsWith(AWS_POLICY_ARN_PREFIX) ? undefined : account.findPolicy(arn);
  const created = createDateOf(account, arn);
  return [
    ['PolicyName', policy.name],
    ['PolicyId', own?.id ?? `ANPA${policy.name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(17, 'X').slice(0, 17)}`],
    ['Arn', arn],
    ['Path', own?.path ?? '/'],
    ['DefaultVersionId', policy.versionId],
    ['AttachmentCount', attachmentCount(account, arn)],
    ['PermissionsBoundaryUsageCount', boundaryUsageCount(account, arn)],
    ['IsAttachable', true],
    ['Description', own ? (own.description ?? undefined) : AWS_MANAGED_POLICIES.get(policy.name)!.description],
    ['CreateDate', created],
    ['UpdateDate', created],
    memberList('PolicyVersionList', [[['Document', encoded(policy.document)], ['VersionId', policy.versionId], ['IsDefaultVersion', true], ['CreateDate', created]]]),
  ];
}
