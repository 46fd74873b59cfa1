/**
 * The permission part of a seed: the account's customer-managed policies and groups, and each user's attached
 * and inline policies, groups and permissions boundary. A policy is named by its full ARN, by the name of one of
 * the account's `managedPolicies`, or by the name of an AWS-managed policy the sandbox knows. Documents are
 * written as YAML mappings (or JSON text) and must be within what the sandbox evaluates (`policy-documents.ts`).
 */
import { awsId, USER_ID_LENGTH } from './identifiers.js';
import { PATH, satisfies } from './names.js';
import { changeOwnPasswordUnder } from './permissions.js';
import { AWS_MANAGED_POLICIES, AWS_POLICY_ARN_PREFIX, documentProblems } from './policy-documents.js';
import type { SeedChecker, SeedPath } from './seed-checker.js';
import { compareNames, isoSeconds, QUOTAS, type AccountData, type GroupData, type InlinePolicyData, type ManagedPolicyData, type UserData } from './state.js';

const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

/** The account's `managedPolicies: [{name, path?, description?, document}]`. */
export function seedManagedPolicies(check: SeedChecker, account: AccountData, value: unknown, where: SeedPath, now: Date): ManagedPolicyData[] {
  const seen = new Set<string>();
  return check.list(value, where).flatMap((raw, index) => {
    const at = [...where, index];
    const fields = check.object(raw, at, ['name', 'path', 'description', 'document']);
    if (!fields) return [];
    const name = check.string(fields.name, [...at, 'name']);
    if (name !== undefined && !POLICY_NAME.test(name)) check.problem([...at, 'name'], `"${name}" must be 1-128 characters of [\\w+=,.@-]`);
    if (name !== undefined && seen.has(name.toLowerCase())) check.problem([...at, 'name'], `"${name}" is already a policy of this account`);
    if (name !== undefined) seen.add(name.toLowerCase());
    const path = fields.path === undefined ? '/' : check.string(fields.path, [...at, 'path']);
    if (path !== undefined && !satisfies(path, PATH)) check.problem([...at, 'path'], `"${path}" must be "/" or start and end with "/"`);
    const document = policyDocument(check, fields.document, [...at, 'document']);
    if (name === undefined || path === undefined || document === undefined) return [];
    const description = check.optionalString(fields.description, [...at, 'description']) ?? null;
    return [{ name, path, id: awsId('ANPA', USER_ID_LENGTH, `${account.id}:policy:${name}`), createDate: isoSeconds(now), description, document, tags: [] }];
  }).sort((a, b) => compareNames(a.name, b.name));
}

/** The account's `groups: [{name, path?, policies?, inlinePolicies?}]`; members come from each user's `groups`. */
export function seedGroups(check: SeedChecker, account: AccountData, value: unknown, where: SeedPath, now: Date): GroupData[] {
  const seen = new Set<string>();
  return check.list(value, where).flatMap((raw, index) => {
    const at = [...where, index];
    const fields = check.object(raw, at, ['name', 'path', 'policies', 'inlinePolicies']);
    if (!fields) return [];
    const name = check.string(fields.name, [...at, 'name']);
    if (name !== undefined && !POLICY_NAME.test(name)) check.problem([...at, 'name'], `"${name}" must be 1-128 characters of [\\w+=,.@-]`);
    if (name !== undefined && seen.has(name.toLowerCase())) check.problem([...at, 'name'], `"${name}" is already a group of this account`);
    if (name !== undefined) seen.add(name.toLowerCase());
    const path = fields.path === undefined ? '/' : check.string(fields.path, [...at, 'path']);
    const attachedPolicies = policyRefs(check, account, fields.policies, [...at, 'policies']);
    const inlinePolicies = inline(check, fields.inlinePolicies, [...at, 'inlinePolicies']);
    if (name === undefined || path === undefined) return [];
    return [{ name, path, id: awsId('AGPA', USER_ID_LENGTH, `${account.id}:group:${name}`), createDate: isoSeconds(now), members: [], attachedPolicies, inlinePolicies }];
  }).sort((a, b) => compareNames(a.name, b.name));
}

/** A user's permission fields; `canChangePassword: true` attaches IAMUserChangePassword (see `permissions.ts`). */
export function seedUserPermissions(
  check: SeedChecker,
  account: AccountData,
  fields: Record<string, unknown>,
  where: SeedPath,
  path: string,
): Pick<UserData, 'attachedPolicies' | 'inlinePolicies' | 'permissionsBoundary'> {
  const attachedPolicies = policyRefs(check, account, fields.policies, [...where, 'policies']);
  const inlinePolicies = inline(check, fields.inlinePolicies, [...where, 'inlinePolicies']);
  if (check.boolean(fields.canChangePassword, [...where, 'canChangePassword'])) {
    const arn = `${AWS_POLICY_ARN_PREFIX}IAMUserChangePassword`;
    if (!attachedPolicies.includes(arn)) attachedPolicies.push(arn);
    attachedPolicies.sort(compareNames);
    // IAMUserChangePassword's resource, user/${aws:username}, matches users at path "/" only.
    const own = changeOwnPasswordUnder(path);
    if (path !== '/' && !inlinePolicies.some((p) => p.name === own.name)) inlinePolicies.push(own);
    inlinePolicies.sort((a, b) => compareNames(a.name, b.name));
  }
  const boundary = fields.permissionsBoundary === undefined ? [] : policyRefs(check, account, [fields.permissionsBoundary], [...where, 'permissionsBoundary']);
  return { attachedPolicies, inlinePolicies, permissionsBoundary: boundary[0] ?? null };
}

/** Adds each user to the groups its `groups` field names (at most 10, as IAM allows). */
export function joinGroups(check: SeedChecker, account: AccountData, user: UserData, value: unknown, where: SeedPath): void {
  const names = check.list(value, where);
  if (names.length > QUOTAS.groupsPerUser) check.problem(where, `at most ${QUOTAS.groupsPerUser} groups per user`);
  names.forEach((raw, index) => {
    const name = check.string(raw, [...where, index]);
    if (name === undefined) return;
    const group = account.groups.find((g) => g.name.toLowerCase() === name.toLowerCase());
    if (!group) {
      check.problem([...where, index], `"${name}" is not one of the account's groups (declare it under groups)`);
      return;
    }
    if (!group.members.some((m) => m.toLowerCase() === user.name.toLowerCase())) group.members.push(user.name);
    group.members.sort(compareNames);
  });
}

function policyRefs(check: SeedChecker, account: AccountData, value: unknown, where: SeedPath): string[] {
  const arns = check.list(value, where).flatMap((raw, index) => {
    const text = check.string(raw, [...where, index]);
    if (text === undefined) return [];
    const own = account.policies.find((p) => p.name === text || `arn:aws:iam::${account.id}:policy${p.path}${p.name}` === text);
    if (own) return [`arn:aws:iam::${account.id}:policy${own.path}${own.name}`];
    const awsName = text.startsWith(AWS_POLICY_ARN_PREFIX) ? text.slice(AWS_POLICY_ARN_PREFIX.length) : text;
    if (AWS_MANAGED_POLICIES.has(awsName)) return [`${AWS_POLICY_ARN_PREFIX}${awsName}`];
    check.problem(
      [...where, index],
      `"${text}" is neither one of the account's managedPolicies nor an AWS-managed policy the sandbox knows (${[...AWS_MANAGED_POLICIES.keys()].join(', ')})`,
    );
    return [];
  });
  return [...new Set(arns)].sort(compareNames);
}

function inline(check: SeedChecker, value: unknown, where: SeedPath): InlinePolicyData[] {
  if (value === undefined) return [];
  const fields = check.object(value, where);
  if (!fields) return [];
  return Object.entries(fields)
    .flatMap(([name, raw]) => {
      if (!POLICY_NAME.test(name)) check.problem([...where, name], `"${name}" must be 1-128 characters of [\\w+=,.@-]`, { path: [...where, name], part: 'key' });
      const document = policyDocument(check, raw, [...where, name]);
      return document === undefined ? [] : [{ name, document }];
    })
    .sort((a, b) => compareNames(a.name, b.name));
}

function policyDocument(check: SeedChecker, value: unknown, where: SeedPath): string | undefined {
  if (value === undefined) {
    check.problem(where, 'is required: a policy document (a mapping with Version and Statement, or its JSON text)');
    return undefined;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const problems = documentProblems(text);
  for (const problem of problems) check.problem(where, problem);
  return problems.length === 0 ? text : undefined;
}
