import { describe, expect, it } from 'vitest';
import type { OrganizationTree, TreeAccount } from '../../src/model/organization-tree.js';
import type { TargetSelector } from '../../src/model/organization.js';
import { narrowTargets, parseShard, resolveTargets, shardTargets } from '../../src/plan/targets.js';

/**
 *   r-root
 *   ├── 111111111111 management
 *   ├── ou-prod (Workloads/Production): 222222222222 {env: prod, team: web}, 666666666666 {env: prod, team: data}
 *   ├── ou-work ── ou-stag: 333333333333 {env: staging, team: web}
 *   └── ou-sand: 444444444444 SUSPENDED {env: retired}, 555555555555 {env: dev}
 */
const account = (id: string, name: string, parentId: string, tags: Record<string, string>, status = 'ACTIVE'): TreeAccount => ({ id, name, status, parentId, tags });
const TREE: OrganizationTree = {
  id: 'o-test',
  managementAccount: '111111111111',
  rootId: 'r-root',
  ousRead: true,
  ous: [
    { id: 'ou-work', name: 'Workloads', parentId: 'r-root' },
    { id: 'ou-prod', name: 'Production', parentId: 'ou-work' },
    { id: 'ou-stag', name: 'Staging', parentId: 'ou-work' },
    { id: 'ou-sand', name: 'Sandbox', parentId: 'r-root' },
  ],
  accounts: [
    account('111111111111', 'management', 'r-root', { env: 'management' }),
    account('222222222222', 'prod-web', 'ou-prod', { env: 'prod', team: 'web' }),
    account('333333333333', 'staging', 'ou-stag', { env: 'staging', team: 'web' }),
    account('444444444444', 'legacy', 'ou-sand', { env: 'retired' }, 'SUSPENDED'),
    account('555555555555', 'acquired', 'ou-sand', { env: 'dev' }),
    account('666666666666', 'prod-data', 'ou-prod', { env: 'prod', team: 'data' }),
  ],
};

const selector = (over: Partial<TargetSelector>): TargetSelector => ({ all: false, ous: [], accounts: [], tags: {}, exclude: [], includeManagement: false, ...over });
const MANAGEMENT_SKIPPED = { id: '111111111111', name: 'management', reason: 'the management account (set organization.targets.includeManagement: true to govern it)' };
const SUSPENDED_SKIPPED = { id: '444444444444', name: 'legacy', reason: 'SUSPENDED: only ACTIVE accounts are governed' };

describe('resolveTargets', () => {
  const cases: Array<{ name: string; selector: Partial<TargetSelector>; targets: string[]; skipped?: unknown[]; problems?: string[] }> = [
    { name: 'all: every ACTIVE member account; the management account and the SUSPENDED one are skipped and said', selector: { all: true }, targets: ['222222222222', '333333333333', '555555555555', '666666666666'], skipped: [MANAGEMENT_SKIPPED, SUSPENDED_SKIPPED] },
    { name: 'all with includeManagement: the management account too', selector: { all: true, includeManagement: true }, targets: ['111111111111', '222222222222', '333333333333', '555555555555', '666666666666'], skipped: [SUSPENDED_SKIPPED] },
    { name: 'an OU takes every account below it, however deep', selector: { ous: ['ou-work'] }, targets: ['222222222222', '333333333333', '666666666666'], skipped: [] },
    { name: 'the root as an OU is everything', selector: { ous: ['r-root'] }, targets: ['222222222222', '333333333333', '555555555555', '666666666666'], skipped: [MANAGEMENT_SKIPPED, SUSPENDED_SKIPPED] },
    { name: 'a SUSPENDED account named by an OU is skipped, not a target', selector: { ous: ['ou-sand'] }, targets: ['555555555555'], skipped: [SUSPENDED_SKIPPED] },
    { name: 'accounts by id', selector: { accounts: ['333333333333', '555555555555'] }, targets: ['333333333333', '555555555555'], skipped: [] },
    { name: 'tags must all match', selector: { tags: { env: 'prod', team: 'web' } }, targets: ['222222222222'], skipped: [] },
    { name: 'one tag', selector: { tags: { team: 'web' } }, targets: ['222222222222', '333333333333'] },
    { name: 'selectors are a union', selector: { accounts: ['555555555555'], tags: { team: 'data' } }, targets: ['555555555555', '666666666666'] },
    { name: 'exclude an account', selector: { all: true, exclude: ['666666666666'] }, targets: ['222222222222', '333333333333', '555555555555'] },
    { name: 'exclude an OU and everything below it', selector: { all: true, exclude: ['ou-work'] }, targets: ['555555555555'], skipped: [MANAGEMENT_SKIPPED, SUSPENDED_SKIPPED] },
    { name: 'exclude wins over an explicit listing', selector: { accounts: ['222222222222'], exclude: ['ou-prod'] }, targets: [] },
    { name: 'the management account listed by id is still skipped without includeManagement', selector: { accounts: ['111111111111'] }, targets: [], skipped: [MANAGEMENT_SKIPPED] },
    {
      name: 'an account outside the organization is an error naming it',
      selector: { accounts: ['999999999999', '222222222222'] },
      targets: ['222222222222'],
      problems: ['organization.targets.accounts names 999999999999, which is not an account of organization o-test'],
    },
    {
      name: 'unknown OUs and excluded ids are errors too',
      selector: { ous: ['ou-nope'], exclude: ['888888888888', 'ou-gone'] },
      targets: [],
      problems: [
        'organization.targets.ous names ou-nope, which is not an OU (or the root) of organization o-test',
        'organization.targets.exclude names 888888888888, which is not an account of organization o-test',
        'organization.targets.exclude names ou-gone, which is not an OU of organization o-test',
      ],
    },
  ];

  it.each(cases)('$name', ({ selector: over, targets, skipped, problems }) => {
    const result = resolveTargets(TREE, selector(over));
    expect(result.targets.map((t) => t.id)).toEqual(targets);
    if (skipped) expect(result.skipped).toEqual(skipped);
    expect(result.problems).toEqual(problems ?? []);
  });

  it('a per-account section for an account outside the organization is an error naming it', () => {
    expect(resolveTargets(TREE, selector({ all: true }), ['777777777777']).problems).toEqual([
      'accounts."777777777777" is a section for an account that is not in organization o-test',
    ]);
  });
});

describe('--account narrows the targets', () => {
  const all = resolveTargets(TREE, selector({ all: true }));

  it('to the accounts named', () => {
    const narrowed = narrowTargets(all, TREE, ['555555555555', '222222222222']);
    expect(narrowed.targets.map((t) => t.id)).toEqual(['222222222222', '555555555555']);
    expect(narrowed.problems).toEqual([]);
  });

  it('refusing, with the reason, an account that is skipped, not selected, or not in the organization', () => {
    const some = resolveTargets(TREE, selector({ ous: ['ou-sand'] }));
    expect(narrowTargets(some, TREE, ['444444444444', '222222222222', '123456789012']).problems).toEqual([
      '--account 123456789012: no such account in organization o-test',
      '--account 222222222222: the account is not a target of the file\'s organization.targets',
      '--account 444444444444: the account is skipped: SUSPENDED: only ACTIVE accounts are governed',
    ]);
  });
});

describe('--shard i/N', () => {
  const ids = Array.from({ length: 10 }, (_, k) => ({ id: String(100000000000 + ((k * 7) % 10)) }));

  it('deals the accounts, sorted by id, round-robin: every account in exactly one shard, sizes within one', () => {
    const shards = [1, 2, 3].map((index) => shardTargets(ids, { index, count: 3 }).map((t) => t.id));
    expect(shards[0]).toEqual(['100000000000', '100000000003', '100000000006', '100000000009']);
    expect(shards[1]).toEqual(['100000000001', '100000000004', '100000000007']);
    expect(shards[2]).toEqual(['100000000002', '100000000005', '100000000008']);
    expect(shards.flat().sort()).toEqual(ids.map((t) => t.id).sort());
  });

  it('is the same split whatever order the accounts came in', () => {
    expect(shardTargets([...ids].reverse(), { index: 2, count: 4 })).toEqual(shardTargets(ids, { index: 2, count: 4 }));
  });

  it.each([
    ['1/4', { index: 1, count: 4 }],
    ['4/4', { index: 4, count: 4 }],
    ['0/4', /i must be from 1 to N.*JOB_COMPLETION_INDEX/],
    ['5/4', /i must be from 1 to N/],
    ['1/0', /N must be from 1 to 1000/],
    ['two/4', /must look like i\/N/],
  ])('parses %s', (text, expected) => {
    const parsed = parseShard(text);
    if (expected instanceof RegExp) expect(parsed).toMatch(expected);
    else expect(parsed).toEqual(expected);
  });
});
