/**
 * What iampass asks of AWS Organizations and of STS to reach an organization's accounts, in iampass's own types.
 * The only implementations that talk to AWS are `organizations-aws.ts` and `sts-aws.ts`; both retry throttling and
 * transient failures through the run's `Caller` and throw `IamError` for anything else. Every list is complete
 * (every page followed, see util/paginate.ts).
 */

/** An account as ListAccounts reports it. `status` is AWS's (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, ...). */
export interface OrganizationAccount {
  id: string;
  name: string;
  email: string;
  status: string;
}

export interface OrganizationalUnit {
  id: string;
  name: string;
}

export interface OrganizationDescription {
  id: string;
  managementAccount: string;
}

export interface OrganizationsGateway {
  describeOrganization(): Promise<OrganizationDescription>;
  listAccounts(): Promise<OrganizationAccount[]>;
  /** An organization has exactly one root; a list, as AWS answers. */
  listRoots(): Promise<Array<{ id: string; name: string }>>;
  /** The ids of `parentId`'s direct children of that type. */
  listChildren(parentId: string, type: 'ACCOUNT' | 'ORGANIZATIONAL_UNIT'): Promise<string[]>;
  listOrganizationalUnitsForParent(parentId: string): Promise<OrganizationalUnit[]>;
  listParents(childId: string): Promise<Array<{ id: string; type: 'ROOT' | 'ORGANIZATIONAL_UNIT' }>>;
  listTagsForResource(resourceId: string): Promise<Record<string, string>>;
}

/** Temporary credentials, as STS issues them and as the AWS SDK takes them. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** One AssumeRole request. */
export interface AssumeRoleRequest {
  roleArn: string;
  /** `iampass`: CloudTrail in the target account shows it, and iampass recognises its own sessions by it. */
  sessionName: string;
  externalId: string | null;
  durationSeconds: number;
}

export interface StsGateway {
  callerIdentity(): Promise<{ account: string; arn: string }>;
  assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials>;
}

/**
 * Organizations is a global service served from one region per partition (us-east-1 for `aws`); its clients must
 * sign for that region whatever the run's region is.
 */
export function organizationsRegion(region: string): string {
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  if (region.startsWith('cn-')) return 'cn-northwest-1';
  return 'us-east-1';
}
