/** Organization configurations built in tests, until (and beside) the organization file loader. */
import type { DesiredState } from '../../src/model/desired.js';
import type { AccountSection, OrganizationDesired, TargetSelector } from '../../src/model/organization.js';

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
