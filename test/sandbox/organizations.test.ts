/** AWS Organizations through the real client: the tree of organization.yaml, paging, access and errors. */
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  paginateListAccounts,
  paginateListChildren,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { clientsFor, failure, KEYS, ORGANIZATION_SEED, sandboxWith, SMALL_SEED } from './helpers.js';

async function management(options: Parameters<typeof sandboxWith>[0] = {}) {
  const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, ...options });
  return { sandbox, organizations: clientsFor(sandbox, KEYS.admin).organizations };
}

/** Follows NextToken to the end, as every client must, recording each page's size. */
async function allAccounts(organizations: OrganizationsClient, maxResults?: number): Promise<{ accounts: Account[]; pages: number[] }> {
  const accounts: Account[] = [];
  const pages: number[] = [];
  let token: string | undefined;
  do {
    const page = await organizations.send(new ListAccountsCommand({ MaxResults: maxResults, NextToken: token }));
    pages.push(page.Accounts?.length ?? 0);
    accounts.push(...(page.Accounts ?? []));
    token = page.NextToken;
  } while (token);
  return { accounts, pages };
}

/** With the empty-page fault on, even the one root may come after an empty page. */
async function rootId(organizations: OrganizationsClient): Promise<string> {
  let token: string | undefined;
  for (;;) {
    const page = await organizations.send(new ListRootsCommand({ NextToken: token }));
    const root = page.Roots?.[0];
    if (root) return root.Id!;
    token = page.NextToken;
    if (!token) throw new Error('no root');
  }
}

async function ouNamed(organizations: OrganizationsClient, parentId: string, name: string): Promise<string> {
  const { OrganizationalUnits } = await organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId }));
  return OrganizationalUnits!.find((ou) => ou.Name === name)!.Id!;
}

describe('Organizations', () => {
  it('describes the organization, to the management account and to members', async () => {
    const { sandbox, organizations } = await management();
    const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
    expect(Organization).toMatchObject({
      Id: sandbox.organization,
      Arn: `arn:aws:organizations::111111111111:organization/${sandbox.organization}`,
      FeatureSet: 'ALL',
      MasterAccountId: '111111111111',
      MasterAccountArn: `arn:aws:organizations::111111111111:account/${sandbox.organization}/111111111111`,
      MasterAccountEmail: 'aws-management@example.com',
    });
    expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10}$/);
    const member = await clientsFor(sandbox, KEYS.mallory).organizations.send(new DescribeOrganizationCommand({}));
    expect(member.Organization?.Id).toBe(sandbox.organization);
  });

  it('lists every account with its status, SUSPENDED included, across pages of MaxResults', async () => {
    const { sandbox, organizations } = await management();
    const { accounts, pages } = await allAccounts(organizations, 2);
    expect(pages).toEqual([2, 2, 1]);
    expect(accounts.map((account) => [account.Id, account.Name, account.Status])).toEqual([
      ['111111111111', 'management', 'ACTIVE'],
      ['222222222222', 'prod-web', 'ACTIVE'],
      ['333333333333', 'staging', 'ACTIVE'],
      ['444444444444', 'legacy', 'SUSPENDED'],
      ['555555555555', 'acquired', 'ACTIVE'],
    ]);
    expect(accounts[1]).toMatchObject({
      Arn: `arn:aws:organizations::111111111111:account/${sandbox.organization}/222222222222`,
      Email: 'aws-prod-web@example.com',
      JoinedMethod: 'CREATED',
    });
    expect(accounts[1]?.JoinedTimestamp).toBeInstanceOf(Date);
    expect(accounts[4]?.JoinedMethod).toBe('INVITED');
  });

  it('walks the tree: roots, OUs, children of each type, parents and tags', async () => {
    const { organizations } = await management();
    const root = await rootId(organizations);
    expect(root).toMatch(/^r-[0-9a-z]{4}$/);
    const childrenOf = async (parentId: string, type: 'ACCOUNT' | 'ORGANIZATIONAL_UNIT') =>
      (await organizations.send(new ListChildrenCommand({ ParentId: parentId, ChildType: type }))).Children!.map((child) => [child.Id, child.Type]);
    const workloads = await ouNamed(organizations, root, 'Workloads');
    const sandboxOu = await ouNamed(organizations, root, 'Sandbox');
    const production = await ouNamed(organizations, workloads, 'Production');
    expect(await childrenOf(root, 'ACCOUNT')).toEqual([['111111111111', 'ACCOUNT']]);
    expect(await childrenOf(root, 'ORGANIZATIONAL_UNIT')).toEqual([[workloads, 'ORGANIZATIONAL_UNIT'], [sandboxOu, 'ORGANIZATIONAL_UNIT']]);
    expect(await childrenOf(sandboxOu, 'ACCOUNT')).toEqual([['444444444444', 'ACCOUNT'], ['555555555555', 'ACCOUNT']]);
    expect(await childrenOf(production, 'ACCOUNT')).toEqual([['222222222222', 'ACCOUNT']]);
    expect(await childrenOf(workloads, 'ACCOUNT')).toEqual([]);
    expect(workloads).toMatch(new RegExp(`^ou-${root.slice(2)}-[a-z0-9]{8}$`));

    const parents = (childId: string) => organizations.send(new ListParentsCommand({ ChildId: childId }));
    expect((await parents('222222222222')).Parents).toEqual([{ Id: production, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect((await parents(production)).Parents).toEqual([{ Id: workloads, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect((await parents(workloads)).Parents).toEqual([{ Id: root, Type: 'ROOT' }]);

    const tags = async (id: string) => (await organizations.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags;
    expect(await tags('222222222222')).toEqual([{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'web' }]);
    expect(await tags(workloads)).toEqual([{ Key: 'owner', Value: 'platform' }]);
    expect(await tags(root)).toEqual([]);
  });

  it('answers empty pages that still carry a NextToken when the fault is on, and the SDK paginator gets everything', async () => {
    const { organizations } = await management({ faults: { emptyPageRate: 1 } });
    const { accounts, pages } = await allAccounts(organizations, 2);
    // Never two empty pages in a row; the last real page leads to one more, empty, page.
    expect(pages).toEqual([0, 2, 0, 2, 0, 1, 0, 0]);
    expect(accounts).toHaveLength(5);

    const seeded = await management({ faults: { emptyPageRate: 0.5, faultSeed: 42 } });
    const ids: string[] = [];
    const sizes: number[] = [];
    for await (const page of paginateListAccounts({ client: seeded.organizations, pageSize: 1 }, {})) {
      sizes.push(page.Accounts?.length ?? 0);
      ids.push(...(page.Accounts ?? []).map((account) => account.Id!));
    }
    expect(ids).toEqual(['111111111111', '222222222222', '333333333333', '444444444444', '555555555555']);
    expect(sizes).toContain(0);
    const children: string[] = [];
    const root = await rootId(seeded.organizations);
    for await (const page of paginateListChildren({ client: seeded.organizations, pageSize: 1 }, { ParentId: root, ChildType: 'ORGANIZATIONAL_UNIT' })) {
      children.push(...(page.Children ?? []).map((child) => child.Id!));
    }
    expect(children).toHaveLength(2);
  });

  it('refuses members that are not the management account or a delegated administrator', async () => {
    const { sandbox } = await management();
    const member = clientsFor(sandbox, KEYS.mallory).organizations;
    for (const command of [new ListAccountsCommand({}), new ListRootsCommand({}), new ListParentsCommand({ ChildId: '222222222222' })]) {
      const error = await failure(member.send(command as ListAccountsCommand));
      expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', "You don't have permissions to access this resource.", 400]);
    }
    const delegated = await sandboxWith({
      seed: { organization: { management: '111111111111', delegatedAdministrators: ['222222222222'] }, caller: 'admin', accounts: [{ id: '111111111111', users: [{ name: 'admin' }] }, { id: '222222222222', users: [{ name: 'sec', accessKeys: [{ id: 'AKIASEC0000000000001' }] }] }] },
    });
    const accounts = await clientsFor(delegated.sandbox, { accessKeyId: 'AKIASEC0000000000001', secretAccessKey: 'x' }).organizations.send(new ListAccountsCommand({}));
    expect(accounts.Accounts).toHaveLength(2);
  });

  it('answers AWSOrganizationsNotInUseException outside an organization', async () => {
    const { sandbox } = await sandboxWith({ seed: SMALL_SEED });
    const organizations = clientsFor(sandbox, KEYS.unknown).organizations;
    for (const command of [new DescribeOrganizationCommand({}), new ListAccountsCommand({})]) {
      const error = await failure(organizations.send(command as ListAccountsCommand));
      expect([error.name, error.message]).toEqual(['AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.']);
    }
  });

  it.each([
    { title: 'an unknown parent', command: new ListChildrenCommand({ ParentId: 'ou-zzzz-zzzzzzzz', ChildType: 'ACCOUNT' }), name: 'ParentNotFoundException', message: "We can't find a root or OU with the ParentId that you specified." },
    { title: 'an unknown child', command: new ListParentsCommand({ ChildId: '999999999999' }), name: 'ChildNotFoundException', message: "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified." },
    { title: 'an unknown tag target', command: new ListTagsForResourceCommand({ ResourceId: '999999999999' }), name: 'TargetNotFoundException', message: "We can't find a root, OU, account, or policy with the TargetId that you specified." },
    { title: 'MaxResults above 20', command: new ListAccountsCommand({ MaxResults: 21 }), name: 'InvalidInputException', message: "1 validation error detected: Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20" },
    { title: 'a NextToken it never issued', command: new ListAccountsCommand({ NextToken: 'bm90LWEtdG9rZW4' }), name: 'InvalidInputException', message: 'You specified an invalid value for nextToken.' },
    { title: 'a malformed parent ID', command: new ListOrganizationalUnitsForParentCommand({ ParentId: 'nope' }), name: 'InvalidInputException', message: 'You specified a value for parentId that is not valid: nope' },
  ])('answers $name for $title', async ({ command, name, message }) => {
    const { organizations } = await management();
    const error = await failure(organizations.send(command as ListAccountsCommand));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([name, message, 400]);
  });

  it('refuses a NextToken replayed against another parent', async () => {
    const { organizations } = await management();
    const root = await rootId(organizations);
    const first = await organizations.send(new ListChildrenCommand({ ParentId: root, ChildType: 'ORGANIZATIONAL_UNIT', MaxResults: 1 }));
    expect(first.NextToken).toBeTruthy();
    const workloads = await ouNamed(organizations, root, 'Workloads');
    const error = await failure(organizations.send(new ListChildrenCommand({ ParentId: workloads, ChildType: 'ORGANIZATIONAL_UNIT', NextToken: first.NextToken })));
    expect(error.name).toBe('InvalidInputException');
    expect((error as unknown as { Reason?: string }).Reason).toBe('INVALID_NEXT_TOKEN');
  });

  it('speaks awsJson1.1 on the wire: X-Amz-Target in, __type and Message out', async () => {
    const { sandbox } = await management();
    const call = (target: string, body: string) =>
      fetch(`${sandbox.url}/`, { method: 'POST', headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1', Authorization: `AWS4-HMAC-SHA256 Credential=${KEYS.mallory.accessKeyId}/20261201/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=0` }, body });
    const denied = await call('AWSOrganizationsV20161128.ListAccounts', '{}');
    expect(denied.status).toBe(400);
    expect(denied.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await denied.json()).toEqual({ __type: 'AccessDeniedException', Message: "You don't have permissions to access this resource." });
    const described = await call('AWSOrganizationsV20161128.DescribeOrganization', '');
    expect(((await described.json()) as { Organization: { MasterAccountId: string } }).Organization.MasterAccountId).toBe('111111111111');
    const unknown = await call('AWSOrganizationsV20161128.CreateAccount', '{}');
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    const garbled = await call('AWSOrganizationsV20161128.ListRoots', '{not json');
    expect(((await garbled.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});
