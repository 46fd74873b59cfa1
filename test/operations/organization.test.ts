/**
 * The organization run's parts against the sandbox's organization (examples/sandbox/organization.yaml), through the
 * real SDK: the tree reader (with empty pages), the role access (assumed, refused with a fix), and the loop
 * (bounded concurrency, one account's failure leaving the others to run, every account ending with a status).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { accessFor } from '../../src/model/organization.js';
import { connectOrganization, Unreachable, type OrganizationAccess } from '../../src/operations/org-access.js';
import { countStatuses, failedCount, forEachAccount } from '../../src/operations/org-loop.js';
import { readOrganizationTree, resolveRunTargets } from '../../src/operations/org-targets.js';
import { refreshAccount } from '../../src/operations/refresh.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { UserError } from '../../src/util/user-error.js';
import { desiredState } from '../support/builders.js';
import { organizationDesired, selector } from '../support/organization.js';

const SEED = fileURLToPath(new URL('../../examples/sandbox/organization.yaml', import.meta.url));
const ADMIN = async () => ({ accessKeyId: 'AKIAADMIN00000000001', secretAccessKey: 'sandbox-admin-secret' });

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

const log: string[] = [];

async function organization(faults: Record<string, number> = {}): Promise<{ sandbox: SandboxHandle; access: OrganizationAccess }> {
  log.length = 0;
  const sandbox = await startSandbox({ seed: SEED, log: (line) => log.push(line), faults: { latencyMs: 0, rate: 0, burst: 0, failureRate: 0, dropRate: 0, emptyPageRate: 0, ...faults } });
  open.push(sandbox);
  const access = await connectOrganization({ region: 'us-east-1', endpointUrl: sandbox.url, concurrency: 4, credentials: ADMIN });
  open.push(access);
  return { sandbox, access };
}

describe('reading the organization', () => {
  it('reads accounts, the OU tree and tags through empty pages, as the selector needs them', async () => {
    const { access } = await organization({ emptyPageRate: 0.5, faultSeed: 7 });
    const tree = await readOrganizationTree(access.organizations, selector({ ous: ['r-placeholder'], tags: { env: 'prod' } }), access.caller.arn);
    expect(tree.managementAccount).toBe('111111111111');
    expect(tree.accounts.map((a) => [a.id, a.name, a.status])).toEqual([
      ['111111111111', 'management', 'ACTIVE'],
      ['222222222222', 'prod-web', 'ACTIVE'],
      ['333333333333', 'staging', 'ACTIVE'],
      ['444444444444', 'legacy', 'SUSPENDED'],
      ['555555555555', 'acquired', 'ACTIVE'],
    ]);
    const names = new Map(tree.ous.map((ou) => [ou.id, ou.name]));
    const parentName = (id: string) => names.get(tree.accounts.find((a) => a.id === id)?.parentId ?? '') ?? 'Root';
    expect(['222222222222', '333333333333', '444444444444', '111111111111'].map(parentName)).toEqual(['Production', 'Staging', 'Sandbox', 'Root']);
    expect(tree.accounts.find((a) => a.id === '222222222222')?.tags).toEqual({ env: 'prod', team: 'web' });
    expect(tree.accounts.find((a) => a.id === '444444444444')?.tags).toBeNull(); // not ACTIVE: never a target, tags not asked
  });

  it('reads only the accounts when the selector needs neither OUs nor tags', async () => {
    const { access, sandbox } = await organization();
    const before = sandbox.requestCount();
    const tree = await readOrganizationTree(access.organizations, selector({ all: true }), access.caller.arn);
    expect(tree.ousRead).toBe(false);
    expect(sandbox.requestCount() - before).toBe(3); // DescribeOrganization, ListAccounts, ListRoots
  });

  it('names an account the file lists that the organization does not have, before touching any account', async () => {
    const { access } = await organization();
    const tree = await readOrganizationTree(access.organizations, selector({ all: true }), access.caller.arn);
    const org = organizationDesired(desiredState(), { targets: { accounts: ['222222222222', '999999999999'] } });
    expect(() => resolveRunTargets(tree, org, { accounts: [], shard: null, file: 'org.yaml' })).toThrow(
      /org\.yaml: error: organization\.targets\.accounts names 999999999999, which is not an account of organization o-/,
    );
  });

  it('refuses a caller that may not list the organization, saying what it needs', async () => {
    const { sandbox } = await organization();
    const member = await connectOrganization({ region: 'us-east-1', endpointUrl: sandbox.url, concurrency: 4, credentials: async () => ({ accessKeyId: 'AKIAMALLORY000000001', secretAccessKey: 'x' }) });
    open.push(member);
    const error = await readOrganizationTree(member.organizations, selector({ all: true }), member.caller.arn).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('arn:aws:iam::222222222222:user/contractors/mallory may not read the organization: AccessDeniedException');
    expect((error as Error).message).toContain('organizations:ListAccounts');
  });
});

describe('reaching each account', () => {
  it('assumes the role (session iampass) and reads the account as it', async () => {
    const { access } = await organization();
    const { session, roleArn } = await access.connect({ id: '222222222222', name: 'prod-web' }, { roleName: 'OrganizationAccountAccessRole', externalId: null });
    open.push(session);
    expect(roleArn).toBe('arn:aws:iam::222222222222:role/OrganizationAccountAccessRole');
    expect(await session.gateway.callerIdentity()).toEqual({ account: '222222222222', arn: 'arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/iampass' });
  });

  it.each([
    ['a role that wants an ExternalId, without one', '333333333333', null, /whether the role requires an sts:ExternalId/],
    ['a wrong ExternalId', '333333333333', 'wrong', /that the role's sts:ExternalId condition expects the ExternalId the file sets/],
    ['an invited account without the role', '555555555555', null, /check that role OrganizationAccountAccessRole exists in account 555555555555/],
  ])('reports %s as unreachable, with the AWS error and a fix', async (_name, id, externalId, fix) => {
    const { access } = await organization();
    const error = await access.connect({ id, name: 'x' }, { roleName: 'OrganizationAccountAccessRole', externalId }).catch((x: unknown) => x);
    expect(error).toBeInstanceOf(Unreachable);
    expect((error as Unreachable).message).toBe(
      `AssumeRole arn:aws:iam::${id}:role/OrganizationAccountAccessRole failed: AccessDenied: User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
    );
    expect((error as Unreachable).fix).toMatch(fix);
  });

  it('assumes each role once per run, however often the account is reached', async () => {
    const { access } = await organization();
    for (let i = 0; i < 3; i++) {
      const { session } = await access.connect({ id: '222222222222', name: 'prod-web' }, { roleName: 'OrganizationAccountAccessRole', externalId: null });
      await session.gateway.callerIdentity();
      session.close();
    }
    expect(log.filter((line) => line.split(' ')[1] === 'AssumeRole')).toHaveLength(1);
  });

  it('reaches the caller\'s own account with the caller\'s credentials', async () => {
    const { access } = await organization();
    const { session, roleArn } = await access.connect({ id: '111111111111', name: 'management' }, { roleName: 'OrganizationAccountAccessRole', externalId: null });
    open.push(session);
    expect(roleArn).toBeNull();
    expect((await session.gateway.callerIdentity()).arn).toBe('arn:aws:iam::111111111111:user/admin');
  });
});

describe('the organization loop', () => {
  it('plans every target, at most N at a time; the unreachable ones are said and the others still run', async () => {
    const { access } = await organization();
    const org = organizationDesired(desiredState({ users: [] }), { targets: { all: true, includeManagement: true }, sections: [{ account: '333333333333', externalId: 'staging-external-id' }] });
    const targets = [
      { id: '111111111111', name: 'management' },
      { id: '222222222222', name: 'prod-web' },
      { id: '333333333333', name: 'staging' },
      { id: '555555555555', name: 'acquired' },
    ];
    let inFlight = 0;
    let most = 0;
    const outcomes = await forEachAccount(
      targets,
      (t) => access.connect(t, accessFor(org, t.id)),
      async (t, { session }) => {
        most = Math.max(most, ++inFlight);
        try {
          const { plan } = await refreshAccount(session, { ...org.baseline, account: t.id }, 'org.yaml');
          return { status: plan.actions.length > 0 ? 'changes' : 'in-sync', result: { account: plan.account, callerArn: plan.callerArn } };
        } finally {
          inFlight--;
        }
      },
      { maxConcurrent: 2, aborted: () => false },
    );
    expect(most).toBeLessThanOrEqual(2);
    expect(outcomes.map((o) => [o.account, o.status])).toEqual([
      ['111111111111', 'in-sync'],
      ['222222222222', 'in-sync'],
      ['333333333333', 'in-sync'],
      ['555555555555', 'unreachable'],
    ]);
    expect(outcomes[2]?.result).toEqual({ account: '333333333333', callerArn: 'arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/iampass' });
    expect(outcomes[3]?.problem?.code).toBe('AccessDenied');
    expect(countStatuses(outcomes)).toEqual({ 'in-sync': 3, changes: 0, error: 0, unreachable: 1 });
    expect(failedCount(outcomes)).toBe(1);
  });

  it('turns an operation\'s failure into that account\'s error and starts nothing once interrupted', async () => {
    const { access } = await organization();
    let stop = false;
    const outcomes = await forEachAccount(
      [{ id: '222222222222', name: 'prod-web' }, { id: '333333333333', name: 'staging' }, { id: '111111111111', name: 'management' }],
      (t) => access.connect(t, { roleName: 'OrganizationAccountAccessRole', externalId: t.id === '333333333333' ? 'staging-external-id' : null }),
      async (t) => {
        if (t.id === '222222222222') throw new UserError('error: user alice does not exist in account 222222222222\n  fix: create it first\nNothing was changed.');
        stop = true;
        return { status: 'changes' as const, result: t.id };
      },
      { maxConcurrent: 1, aborted: () => stop },
    );
    expect(outcomes.map((o) => [o.account, o.status, o.problem?.message ?? null, o.problem?.fix ?? null])).toEqual([
      ['222222222222', 'error', 'error: user alice does not exist in account 222222222222', 'create it first'],
      ['333333333333', 'changes', null, null],
      ['111111111111', 'error', 'not run: the run was interrupted before this account started', 'run again'],
    ]);
  });
});
