/** Organization configurations built in tests, until (and beside) the organization file loader. */
import { join } from 'node:path';
import type { DesiredState } from '../../src/model/desired.js';
import type { AccountSection, OrganizationDesired, TargetSelector } from '../../src/model/organization.js';
import { CIS_POLICY, desiredState } from './builders.js';

export function selector(over: Partial<TargetSelector> = {}): TargetSelector {
  return { all: false, ous: [], accounts: [], tags: {}, exclude: [], includeManagement: false, ...over };
}

export function organizationDesired(
  baseline: DesiredState,
  options: {
    targets?: Partial<TargetSelector>;
    roleName?: string;
    externalId?: string | null;
    sections?: Array<Partial<AccountSection> & { account: string }>;
    file?: string;
  } = {},
): OrganizationDesired {
  return {
    version: 1,
    organization: {
      targets: selector(options.targets ?? { all: true }),
      roleName: options.roleName ?? 'OrganizationAccountAccessRole',
      externalId: options.externalId ?? null,
    },
    baseline,
    sections: new Map(
      (options.sections ?? []).map((s) => [
        s.account,
        { account: s.account, desired: { ...(s.desired ?? baseline), account: s.account }, roleName: s.roleName ?? null, externalId: s.externalId ?? null },
      ]),
    ),
    files: [{ file: options.file ?? 'iampass.yaml', sha256: '0'.repeat(64) }],
  };
}

/**
 * For the sandbox's example organization (examples/sandbox/organization.yaml): the CIS policy everywhere; prod-web's
 * staff (alice, bob) and staging's carol with console access; staging's role wants its ExternalId. Without
 * `policy`, the policy is left unmanaged.
 */
export function exampleOrganizationIn(dir: string, over: Parameters<typeof organizationDesired>[1] & { policy?: boolean } = {}): OrganizationDesired {
  const { policy = true, ...rest } = over;
  const passwordPolicy = policy ? ({ kind: 'custom', policy: CIS_POLICY } as const) : ({ kind: 'unmanaged' } as const);
  return organizationDesired(desiredState({ passwordPolicy }), {
    targets: { all: true },
    sections: [
      { account: '222222222222', desired: desiredState({ passwordPolicy, scope: { pathPrefix: '/staff/' }, users: [{ name: 'alice' }, { name: 'bob' }] }) },
      { account: '333333333333', externalId: 'staging-external-id', desired: desiredState({ passwordPolicy, users: [{ name: 'carol' }] }) },
    ],
    file: join(dir, 'iampass.yaml'),
    ...rest,
  });
}
