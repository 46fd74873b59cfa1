/**
 * The sandbox's permission model, through the real SDK: what GetAccountAuthorizationDetails, GetPolicy and
 * GetPolicyVersion report, and SimulatePrincipalPolicy answering from the same policies.
 */
import {
  AttachUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  PutUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
  type SimulatePrincipalPolicyCommandOutput,
} from '@aws-sdk/client-iam';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeedFile, stateFromSeed } from '../../src/sandbox/seed.js';
import type { SandboxSeed } from '../../src/sandbox/server.js';
import { failure, sandboxWith, tempDir } from './helpers.js';

const ACCOUNT = '123456789012';
const arn = (path: string, name: string) => `arn:aws:iam::${ACCOUNT}:user${path}${name}`;
const allow = (action: string, resource: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

const SEED: SandboxSeed = {
  account: ACCOUNT,
  caller: 'admin',
  managedPolicies: [
    { name: 'ChangeOwn', path: '/team/', description: 'change your own password', document: allow('iam:ChangePassword', 'arn:aws:iam::*:user/*/${aws:username}') },
    { name: 'NoIam', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] } },
    { name: 'DenyWithoutMfa', document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }] } },
  ],
  groups: [{ name: 'staff', path: '/', policies: ['ChangeOwn'], inlinePolicies: { ReadIam: allow('iam:Get*', '*') } }],
  users: [
    { name: 'admin', policies: ['AdministratorAccess'] },
    { name: 'root-path', canChangePassword: true },
    { name: 'under-path', path: '/staff/', policies: ['IAMUserChangePassword'] },
    { name: 'via-group', path: '/staff/', groups: ['staff'] },
    { name: 'bounded', path: '/staff/', groups: ['staff'], permissionsBoundary: 'NoIam' },
    { name: 'mfa-needed', path: '/staff/', groups: ['staff'], policies: ['DenyWithoutMfa'] },
    { name: 'tagged', path: '/staff/', tags: { team: 'blue' }, inlinePolicies: { Team: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }] } } },
    { name: 'nobody', path: '/staff/' },
  ],
};

const decision = (out: SimulatePrincipalPolicyCommandOutput) => out.EvaluationResults?.[0]?.EvalDecision;

describe('SimulatePrincipalPolicy answers from the policies IAM would evaluate', () => {
  it.each([
    ['admin', '/', 'allowed', 'AdministratorAccess allows everything'],
    ['root-path', '/', 'allowed', "IAMUserChangePassword's user/${aws:username} matches a user at /"],
    ['under-path', '/staff/', 'implicitDeny', "IAMUserChangePassword's user/${aws:username} does not match user/staff/NAME"],
    ['via-group', '/staff/', 'allowed', "the group's managed policy"],
    ['bounded', '/staff/', 'implicitDeny', 'the boundary allows no iam: action'],
    ['mfa-needed', '/staff/', 'explicitDeny', 'a Deny with BoolIfExists on a key a simulation lacks applies'],
    ['tagged', '/staff/', 'allowed', 'a condition on the principal tag, which the user has'],
    ['nobody', '/staff/', 'implicitDeny', 'no policy'],
  ])('%s (%s): %s, as %s', async (name, path, expected) => {
    const { iam } = await sandboxWith({ seed: SEED });
    const own = arn(path, name);
    const out = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: own, ActionNames: ['iam:ChangePassword'], ResourceArns: [own] }));
    expect(decision(out)).toBe(expected);
  });

  it('names the missing context keys and the matched statements', async () => {
    const { iam } = await sandboxWith({ seed: SEED });
    const own = arn('/staff/', 'mfa-needed');
    const denied = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: own, ActionNames: ['iam:ChangePassword'], ResourceArns: [own] }));
    expect(denied.EvaluationResults?.[0]).toMatchObject({
      MatchedStatements: [{ SourcePolicyId: 'DenyWithoutMfa', SourcePolicyType: 'user-managed' }],
      MissingContextValues: ['aws:MultiFactorAuthPresent'],
    });
  });

  it('follows policies attached and put through the API', async () => {
    const { iam } = await sandboxWith({ seed: SEED });
    const own = arn('/staff/', 'nobody');
    const ask = async () => decision(await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: own, ActionNames: ['iam:ChangePassword'], ResourceArns: [own] })));
    expect(await ask()).toBe('implicitDeny');
    await iam.send(new PutUserPolicyCommand({ UserName: 'nobody', PolicyName: 'Own', PolicyDocument: JSON.stringify(allow('iam:ChangePassword', 'arn:aws:iam::*:user/staff/${aws:username}')) }));
    expect(await ask()).toBe('allowed');
    await iam.send(new AttachUserPolicyCommand({ UserName: 'nobody', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/DenyWithoutMfa` }));
    expect(await ask()).toBe('explicitDeny');
    const refused = await failure(iam.send(new PutUserPolicyCommand({ UserName: 'nobody', PolicyName: 'Odd', PolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}' })));
    expect(refused.name).toBe('MalformedPolicyDocumentException');
    expect(refused.message).toContain('IpAddress is not one the sandbox evaluates');
  });
});

describe('GetAccountAuthorizationDetails', () => {
  it('describes each user, group and customer-managed policy, documents URL-encoded as IAM sends them', async () => {
    const { iam } = await sandboxWith({ seed: SEED });
    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User', 'Group', 'LocalManagedPolicy'], MaxItems: 1000 }));
    expect(out.IsTruncated).toBe(false);
    const bounded = out.UserDetailList?.find((u) => u.UserName === 'bounded');
    expect(bounded).toMatchObject({
      Path: '/staff/',
      Arn: arn('/staff/', 'bounded'),
      GroupList: ['staff'],
      AttachedManagedPolicies: [],
      UserPolicyList: [],
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/NoIam` },
    });
    const rootPath = out.UserDetailList?.find((u) => u.UserName === 'root-path');
    expect(rootPath?.AttachedManagedPolicies).toEqual([{ PolicyName: 'IAMUserChangePassword', PolicyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword' }]);
    const tagged = out.UserDetailList?.find((u) => u.UserName === 'tagged');
    expect(tagged?.UserPolicyList?.[0]?.PolicyName).toBe('Team');
    expect(tagged?.UserPolicyList?.[0]?.PolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(JSON.parse(decodeURIComponent(tagged!.UserPolicyList![0]!.PolicyDocument!)).Statement[0].Condition).toEqual({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } });

    expect(out.GroupDetailList).toHaveLength(1);
    expect(out.GroupDetailList?.[0]).toMatchObject({
      GroupName: 'staff',
      AttachedManagedPolicies: [{ PolicyName: 'ChangeOwn', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/team/ChangeOwn` }],
      GroupPolicyList: [{ PolicyName: 'ReadIam' }],
    });
    expect(out.RoleDetailList).toEqual([]);
    const changeOwn = out.Policies?.find((p) => p.PolicyName === 'ChangeOwn');
    expect(changeOwn).toMatchObject({ Path: '/team/', DefaultVersionId: 'v1', AttachmentCount: 1, PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true }] });
    expect(JSON.parse(decodeURIComponent(changeOwn!.PolicyVersionList![0]!.Document!))).toEqual(allow('iam:ChangePassword', 'arn:aws:iam::*:user/*/${aws:username}'));
    // AWS-managed policies are not in LocalManagedPolicy
    expect(out.Policies?.map((p) => p.PolicyName).sort()).toEqual(['ChangeOwn', 'DenyWithoutMfa', 'NoIam']);
  });

  it('pages across users, groups and policies with MaxItems and Marker, never repeating or skipping one', async () => {
    const { iam } = await sandboxWith({ seed: SEED });
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User', 'Group', 'LocalManagedPolicy'], MaxItems: 3, ...(marker ? { Marker: marker } : {}) }));
      const items = [...(page.UserDetailList ?? []).map((u) => `user ${u.UserName}`), ...(page.GroupDetailList ?? []).map((g) => `group ${g.GroupName}`), ...(page.Policies ?? []).map((p) => `policy ${p.PolicyName}`)];
      expect(items.length).toBeLessThanOrEqual(3);
      seen.push(...items);
      marker = page.IsTruncated ? page.Marker : undefined;
      pages += 1;
    } while (marker);
    expect(pages).toBe(4);
    expect(seen).toEqual([
      'user admin', 'user bounded', 'user mfa-needed', 'user nobody', 'user root-path', 'user tagged', 'user under-path', 'user via-group',
      'group staff', 'policy ChangeOwn', 'policy DenyWithoutMfa', 'policy NoIam',
    ]);
  });

  it('lists attached AWS-managed policies under AWSManagedPolicy only', async () => {
    const { iam } = await sandboxWith({ seed: SEED });
    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['AWSManagedPolicy'] }));
    expect(out.UserDetailList).toEqual([]);
    expect(out.Policies?.map((p) => `${p.Arn} ${p.AttachmentCount}`)).toEqual([
      'arn:aws:iam::aws:policy/AdministratorAccess 1',
      'arn:aws:iam::aws:policy/IAMUserChangePassword 2',
    ]);
  });
});

describe('GetPolicy and GetPolicyVersion', () => {
  it('give the default version of an AWS-managed policy, as AWS publishes it', async () => {
    const { iam } = await sandboxWith({ seed: SEED });
    const policyArn = 'arn:aws:iam::aws:policy/IAMUserChangePassword';
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    expect(Policy).toMatchObject({ PolicyName: 'IAMUserChangePassword', DefaultVersionId: 'v2', AttachmentCount: 2 });
    const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v2' }));
    expect(PolicyVersion?.IsDefaultVersion).toBe(true);
    expect(JSON.parse(decodeURIComponent(PolicyVersion!.Document!)).Statement[0]).toEqual({
      Effect: 'Allow',
      Action: ['iam:ChangePassword'],
      Resource: ['arn:aws:iam::*:user/${aws:username}'],
    });
    const missing = await failure(iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v1' })));
    expect(missing.name).toBe('NoSuchEntityException');
  });

  it("give a customer-managed policy's only version", async () => {
    const { iam } = await sandboxWith({ seed: SEED });
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/NoIam`;
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
    expect(Policy).toMatchObject({ DefaultVersionId: 'v1', AttachmentCount: 0, PermissionsBoundaryUsageCount: 1 });
    const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v1' }));
    expect(JSON.parse(decodeURIComponent(PolicyVersion!.Document!)).Statement[0].NotAction).toBe('iam:*');
  });
});

describe('permission seeds', () => {
  it('reports every unknown policy, group and unevaluable document with file:line:col', () => {
    const path = join(tempDir(), 'seed.yaml');
    writeFileSync(
      path,
      `account: "${ACCOUNT}"
caller: admin
managedPolicies:
  - name: Odd
    document: { Statement: [{ Effect: Allow, Action: "*", Resource: "*", Condition: { IpAddress: { aws:SourceIp: 10.0.0.0/8 } } }] }
groups:
  - name: staff
    policies: [Nope]
users:
  - name: admin
    policies: [ReadOnlyAccess]
    groups: [staf]
    inlinePolicies:
      Broken: { Statement: [{ Effect: Maybe, Action: "*" }] }
`,
    );
    let message = '';
    try {
      stateFromSeed(readSeedFile(path));
    } catch (error) {
      message = (error as Error).message.replaceAll(path, 'seed.yaml');
    }
    expect(message.split('\n')).toEqual([
      'invalid sandbox seed seed.yaml: 6 problems, nothing was started:',
      '  - seed.yaml:5:15: managedPolicies[0].document: Statement 1: the condition operator IpAddress is not one the sandbox evaluates',
      '  - seed.yaml:8:16: groups[0].policies[0]: "Nope" is neither one of the account\'s managedPolicies nor an AWS-managed policy the sandbox knows (IAMUserChangePassword, AdministratorAccess)',
      '  - seed.yaml:11:16: users[0].policies[0]: "ReadOnlyAccess" is neither one of the account\'s managedPolicies nor an AWS-managed policy the sandbox knows (IAMUserChangePassword, AdministratorAccess)',
      '  - seed.yaml:12:14: users[0].groups[0]: "staf" is not one of the account\'s groups (declare it under groups)',
      '  - seed.yaml:14:15: users[0].inlinePolicies.Broken: Statement 1: Effect must be Allow or Deny',
      '  - seed.yaml:14:15: users[0].inlinePolicies.Broken: Statement 1: needs exactly one of Resource and NotResource',
    ]);
  });
});
