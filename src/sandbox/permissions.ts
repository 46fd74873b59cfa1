/**
 * A user's permissions as the sandbox models them, and SimulatePrincipalPolicy's answer from them: the user's
 * inline and attached policies, its groups' inline and attached policies, and the permissions boundary, evaluated
 * by `policy-documents.ts`. A seed's `canChangePassword: true` is nothing special here: it becomes the
 * AWS-managed IAMUserChangePassword policy (plus, under a path, the inline policy that policy's resource needs).
 */
import { AWS_MANAGED_POLICIES, AWS_POLICY_ARN_PREFIX, evaluateDocument, type RequestContext } from './policy-documents.js';
import type { Account, UserData } from './state.js';

/** A managed policy's default-version document, by ARN: from the catalogue of AWS-managed ones, or the account's own. */
export interface ManagedDocument {
  name: string;
  type: 'aws-managed' | 'user-managed';
  versionId: string;
  document: string;
}

export function managedPolicy(account: Account, arn: string): ManagedDocument | undefined {
  if (arn.startsWith(AWS_POLICY_ARN_PREFIX)) {
    const name = arn.slice(AWS_POLICY_ARN_PREFIX.length);
    const known = AWS_MANAGED_POLICIES.get(name);
    return known && { name, type: 'aws-managed', versionId: known.versionId, document: known.document };
  }
  const own = account.findPolicy(arn);
  return own && { name: own.name, type: 'user-managed', versionId: 'v1', document: own.document };
}

/** The inline policy a user under a path needs beside IAMUserChangePassword, whose resource only matches path `/`. */
export function changeOwnPasswordUnder(path: string): { name: string; document: string } {
  return {
    name: 'ChangeOwnPassword',
    document: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: `arn:aws:iam::*:user${path}\${aws:username}` }],
    }),
  };
}

export interface Simulation {
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
  matched: Array<{ id: string; type: string }>;
  missing: string[];
}

/** What IAM's policy logic answers for `user` calling `action` on `resource`, with the context a simulation has. */
export function simulate(account: Account, user: UserData, action: string, resource: string): Simulation {
  const context: RequestContext = { action, resource, keys: principalKeys(account, user) };
  const identity: Array<{ id: string; type: string; document: string }> = [
    ...user.inlinePolicies.map((p) => ({ id: p.name, type: 'user', document: p.document })),
    ...attached(account, user.attachedPolicies),
    ...account.groupsOf(user).flatMap((group) => [...group.inlinePolicies.map((p) => ({ id: p.name, type: 'group', document: p.document })), ...attached(account, group.attachedPolicies)]),
  ];
  const missing = new Set<string>();
  const matched: Simulation['matched'] = [];
  let allowed = false;
  for (const policy of identity) {
    const verdict = evaluateDocument(policy.document, context);
    for (const key of verdict.missing) missing.add(key);
    if (verdict.effect === 'deny') return { decision: 'explicitDeny', matched: [{ id: policy.id, type: policy.type }], missing: [...missing] };
    if (verdict.effect === 'allow') {
      allowed = true;
      matched.push({ id: policy.id, type: policy.type });
    }
  }
  if (user.permissionsBoundary !== null) {
    const boundary = managedPolicy(account, user.permissionsBoundary);
    const verdict = boundary ? evaluateDocument(boundary.document, context) : { effect: null, missing: new Set<string>() };
    for (const key of verdict.missing) missing.add(key);
    if (verdict.effect === 'deny') return { decision: 'explicitDeny', matched: [{ id: boundary!.name, type: 'permissions-boundary' }], missing: [...missing] };
    if (verdict.effect !== 'allow') allowed = false;
  }
  return { decision: allowed ? 'allowed' : 'implicitDeny', matched: allowed ? matched : [], missing: [...missing] };
}

function attached(account: Account, arns: readonly string[]): Array<{ id: string; type: string; document: string }> {
  return arns.flatMap((arn) => {
    const policy = managedPolicy(account, arn);
    return policy ? [{ id: policy.name, type: policy.type, document: policy.document }] : [];
  });
}

/** The keys a simulation of an IAM user has: who the user is, and the user's tags (`aws:PrincipalTag/KEY`). */
function principalKeys(account: Account, user: UserData): Map<string, string[]> {
  const keys = new Map<string, string[]>([
    ['aws:username', [user.name]],
    ['aws:userid', [user.id]],
    ['aws:principalarn', [account.userArn(user)]],
    ['aws:principalaccount', [account.id]],
    ['aws:principaltype', ['User']],
  ]);
  for (const tag of user.tags) keys.set(`aws:principaltag/${tag.key.toLowerCase()}`, [tag.value]);
  return keys;
}

/** How many users and groups of the account have the policy attached. */
export function attachmentCount(account: Account, arn: string): number {
  return account.users.filter((u) => u.attachedPolicies.includes(arn)).length + account.data.groups.filter((g) => g.attachedPolicies.includes(arn)).length;
}

/** How many users have the policy as their permissions boundary. */
export function boundaryUsageCount(account: Account, arn: string): number {
  return account.users.filter((u) => u.permissionsBoundary === arn).length;
}
