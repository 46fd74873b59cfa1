/**
 * The Organizations adapter: the read calls iampass needs to find an organization's accounts, through the SDK
 * (awsJson1.1), retried by iampass's own `Caller`, every `NextToken` loop through util/paginate.ts. Loaded
 * lazily, only for an organization file.
 */
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { nextTokenNext, paginate } from '../util/paginate.js';
import { IamError } from './errors.js';
import { organizationsRegion, type OrganizationAccount, type OrganizationsGateway } from './organizations.js';
import type { Caller } from './retry.js';
import { sdkClientOptions, type SdkClientOptions } from './sdk-options.js';

/** Organizations' own page size ceiling: asking for it keeps the number of calls down. */
const PAGE = 20;

/** Every item of every page, through the one pagination loop (empty pages with a token followed, loops refused). */
async function collectTokenPages<P extends { NextToken?: string | null }, T>(
  options: { operation: string; fetch: (token: string | undefined) => Promise<P> },
  items: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of paginate({ ...options, next: nextTokenNext })) out.push(...(items(page) ?? []));
  return out;
}

export function createOrganizationsGateway(options: SdkClientOptions, caller: Caller): OrganizationsGateway & { destroy(): void } {
  const client = new OrganizationsClient(sdkClientOptions({ ...options, region: organizationsRegion(options.region) }));
  const call = <T>(operation: string, send: () => Promise<T>) => caller.run(operation, send);
  const required = (operation: string, what: string): never => {
    throw new IamError('InvalidResponse', `Organizations answered ${operation} without ${what}`, 200, undefined);
  };

  return {
    async describeOrganization() {
      const out = await call('DescribeOrganization', () => client.send(new DescribeOrganizationCommand({})));
      const org = out.Organization;
      if (!org?.Id || !org.MasterAccountId) return required('DescribeOrganization', 'an organization id and management account');
      return { id: org.Id, managementAccount: org.MasterAccountId };
    },

    listAccounts() {
      return collectTokenPages(
        { operation: 'ListAccounts', fetch: (token) => call('ListAccounts', () => client.send(new ListAccountsCommand({ MaxResults: PAGE, NextToken: token }))) },
        (page) =>
          (page.Accounts ?? []).map(
            (a): OrganizationAccount => ({
              id: a.Id ?? required('ListAccounts', 'an account id'),
              name: a.Name ?? '',
              email: a.Email ?? '',
              // `State` replaces `Status` (AWS retires `Status` in September 2026); either says ACTIVE or not.
              status: a.State ?? a.Status ?? 'UNKNOWN',
            }),
          ),
      );
    },

    listRoots() {
      return collectTokenPages(
        { operation: 'ListRoots', fetch: (token) => call('ListRoots', () => client.send(new ListRootsCommand({ MaxResults: PAGE, NextToken: token }))) },
        (page) => (page.Roots ?? []).map((r) => ({ id: r.Id ?? required('ListRoots', 'a root id'), name: r.Name ?? 'Root' })),
      );
    },

    listChildren(parentId, type) {
      return collectTokenPages(
        {
          operation: 'ListChildren',
          fetch: (token) => call('ListChildren', () => client.send(new ListChildrenCommand({ ParentId: parentId, ChildType: type, MaxResults: PAGE, NextToken: token }))),
        },
        (page) => (page.Children ?? []).map((c) => c.Id ?? required('ListChildren', 'a child id')),
      );
    },

    listOrganizationalUnitsForParent(parentId) {
      return collectTokenPages(
        {
          operation: 'ListOrganizationalUnitsForParent',
          fetch: (token) =>
            call('ListOrganizationalUnitsForParent', () =>
              client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, MaxResults: PAGE, NextToken: token })),
            ),
        },
        (page) => (page.OrganizationalUnits ?? []).map((ou) => ({ id: ou.Id ?? required('ListOrganizationalUnitsForParent', 'an OU id'), name: ou.Name ?? '' })),
      );
    },

    listParents(childId) {
      return collectTokenPages(
        { operation: 'ListParents', fetch: (token) => call('ListParents', () => client.send(new ListParentsCommand({ ChildId: childId, MaxResults: PAGE, NextToken: token }))) },
        (page) =>
          (page.Parents ?? []).map((p) => ({
            id: p.Id ?? required('ListParents', 'a parent id'),
            type: p.Type === 'ROOT' ? ('ROOT' as const) : ('ORGANIZATIONAL_UNIT' as const),
          })),
      );
    },

    async listTagsForResource(resourceId) {
      const tags = await collectTokenPages(
        {
          operation: 'ListTagsForResource',
          fetch: (token) => call('ListTagsForResource', () => client.send(new ListTagsForResourceCommand({ ResourceId: resourceId, NextToken: token }))),
        },
        (page) => page.Tags ?? [],
      );
      return Object.fromEntries(tags.flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));
    },

    destroy: () => client.destroy(),
  };
}
