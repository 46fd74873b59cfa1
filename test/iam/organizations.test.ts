/**
 * The Organizations and STS adapters at the HTTP level: the SDK's real awsJson1.1 requests (X-Amz-Target, MaxResults,
 * NextToken) and answers (epoch-second timestamps, `State` beside `Status`), paging through empty pages, refusing a
 * repeated token, retrying throttling; STS AssumeRole's Query form and XML answer, its AccessDenied, and a session
 * that signs with the assumed key and token. Then the credentials cache: one AssumeRole per run until expiry is near.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IamError } from '../../src/iam/errors.js';
import { createOrganizationsGateway } from '../../src/iam/organizations-aws.js';
import type { AssumeRoleRequest, StsGateway, TemporaryCredentials } from '../../src/iam/organizations.js';
import { Caller } from '../../src/iam/retry.js';
import { roleArn, roleCredentials } from '../../src/iam/role-credentials.js';
import { createStsGateway } from '../../src/iam/sts-aws.js';
import { connect } from '../../src/operations/session.js';
import { PaginationError } from '../../src/util/paginate.js';

const ORGS = 'https://organizations.nock.test';
const STS = 'https://sts.nock.test';
const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' };
const credentials = async () => ({ accessKeyId: 'AKIDCALLER', secretAccessKey: 'caller-secret' });

interface Seen {
  target: string | undefined;
  body: Record<string, unknown>;
}

/** Answers ListX calls in order from `pages`, recording what each request asked. */
function organizations(pages: Array<Record<string, unknown> | { status: number; error: string; message: string }>, seen: Seen[] = []) {
  let scope = nock(ORGS);
  for (const page of pages) {
    scope = scope
      .post('/', (_body: unknown) => true)
      .reply(function (_uri, body) {
        const target = this.req.headers['x-amz-target'] as string | undefined;
        seen.push({ target, body: (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown> });
        if ('status' in page) return [page.status, JSON.stringify({ __type: page.error, Message: page.message }), { ...json, 'x-amzn-ErrorType': page.error }];
        return [200, JSON.stringify(page), json];
      });
  }
  return { scope, seen };
}

function orgGateway() {
  return createOrganizationsGateway({ region: 'eu-west-1', endpointUrl: ORGS, credentials }, new Caller({ sleep: async () => {}, random: () => 0 }));
}

const account = (id: string, extra: Record<string, unknown> = {}) => ({
  Id: id,
  Arn: `arn:aws:organizations::111111111111:account/o-abc/${id}`,
  Email: `${id}@example.com`,
  Name: `acct-${id}`,
  Status: 'ACTIVE',
  JoinedMethod: 'CREATED',
  JoinedTimestamp: 1700000000.123,
  ...extra,
});

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('the Organizations gateway (SDK, awsJson1.1 over nock)', () => {
  it('lists accounts 20 a page through every NextToken, empty pages included, taking State over Status', async () => {
    const { seen } = organizations([
      { Accounts: [account('222222222222')], NextToken: 't1' },
      { Accounts: [], NextToken: 't2' },
      { Accounts: [account('333333333333', { Status: 'SUSPENDED', State: 'SUSPENDED' }), account('444444444444', { State: 'PENDING_CLOSURE' })] },
    ]);
    const accounts = await orgGateway().listAccounts();
    expect(accounts).toEqual([
      { id: '222222222222', name: 'acct-222222222222', email: '222222222222@example.com', status: 'ACTIVE' },
      { id: '333333333333', name: 'acct-333333333333', email: '333333333333@example.com', status: 'SUSPENDED' },
      { id: '444444444444', name: 'acct-444444444444', email: '444444444444@example.com', status: 'PENDING_CLOSURE' },
    ]);
    expect(seen.map((s) => s.target)).toEqual(Array(3).fill('AWSOrganizationsV20161128.ListAccounts'));
    expect(seen.map((s) => s.body)).toEqual([{ MaxResults: 20 }, { MaxResults: 20, NextToken: 't1' }, { MaxResults: 20, NextToken: 't2' }]);
  });

  it('refuses an endpoint that answers the same NextToken again', async () => {
    organizations([
      { Children: [{ Id: '222222222222', Type: 'ACCOUNT' }], NextToken: 'again' },
      { Children: [], NextToken: 'again' },
    ]);
    const error = await orgGateway().listChildren('r-abcd', 'ACCOUNT').catch((x: unknown) => x);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toMatch(/^ListChildren: the endpoint gave a page token it had already given/);
  });

  it('sends ParentId and ChildType, and reads OUs, roots, parents and tags', async () => {
    const { seen } = organizations([
      { Children: [{ Id: 'ou-abcd-11111111', Type: 'ORGANIZATIONAL_UNIT' }] },
      { OrganizationalUnits: [{ Id: 'ou-abcd-11111111', Arn: 'arn:x', Name: 'Workloads' }] },
      { Roots: [{ Id: 'r-abcd', Arn: 'arn:aws:organizations::111111111111:root/o-abc/r-abcd', Name: 'Root', PolicyTypes: [] }] },
      { Parents: [{ Id: 'ou-abcd-11111111', Type: 'ORGANIZATIONAL_UNIT' }] },
      { Tags: [{ Key: 'env', Value: 'prod' }], NextToken: 'n' },
      { Tags: [{ Key: 'team', Value: 'web' }] },
    ]);
    const gateway = orgGateway();
    expect(await gateway.listChildren('r-abcd', 'ORGANIZATIONAL_UNIT')).toEqual(['ou-abcd-11111111']);
    expect(await gateway.listOrganizationalUnitsForParent('r-abcd')).toEqual([{ id: 'ou-abcd-11111111', name: 'Workloads' }]);
    expect(await gateway.listRoots()).toEqual([{ id: 'r-abcd', name: 'Root' }]);
    expect(await gateway.listParents('222222222222')).toEqual([{ id: 'ou-abcd-11111111', type: 'ORGANIZATIONAL_UNIT' }]);
    expect(await gateway.listTagsForResource('222222222222')).toEqual({ env: 'prod', team: 'web' });
    expect(seen[0]?.body).toEqual({ ParentId: 'r-abcd', ChildType: 'ORGANIZATIONAL_UNIT', MaxResults: 20 });
    expect(seen[4]?.body).toEqual({ ResourceId: '222222222222' });
    expect(seen[5]?.body).toEqual({ ResourceId: '222222222222', NextToken: 'n' });
  });

  it('retries TooManyRequestsException and answers AccessDeniedException as an IamError with its code', async () => {
    organizations([
      { status: 400, error: 'TooManyRequestsException', message: 'Rate exceeded' },
      { Organization: { Id: 'o-abc', MasterAccountId: '111111111111', FeatureSet: 'ALL' } },
      { status: 400, error: 'AccessDeniedException', message: "You don't have permissions to access this resource." },
    ]);
    const gateway = orgGateway();
    expect(await gateway.describeOrganization()).toEqual({ id: 'o-abc', managementAccount: '111111111111' });
    const error = await gateway.listAccounts().catch((x: unknown) => x);
    expect(error).toBeInstanceOf(IamError);
    expect((error as IamError).code).toBe('AccessDeniedException');
  });
});

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function stsGateway() {
  return createStsGateway({ region: 'us-east-1', endpointUrl: STS, credentials }, new Caller({ sleep: async () => {}, random: () => 0 }));
}

describe('STS AssumeRole (SDK, Query over nock)', () => {
  it('sends the role, session name, duration and ExternalId, and decodes the temporary credentials', async () => {
    let form: Record<string, string> = {};
    nock(STS)
      .post('/', (body: Record<string, string>) => {
        form = body;
        return body.Action === 'AssumeRole';
      })
      .reply(
        200,
        `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken><Expiration>2030-01-01T01:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:iampass</AssumedRoleId><Arn>arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/iampass</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        { 'content-type': 'text/xml' },
      );
    const creds = await stsGateway().assumeRole({
      roleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      sessionName: 'iampass',
      externalId: 'ext-1',
      durationSeconds: 3600,
    });
    expect(form).toMatchObject({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      RoleSessionName: 'iampass',
      DurationSeconds: '3600',
      ExternalId: 'ext-1',
    });
    expect(creds).toEqual({ accessKeyId: 'ASIAROLE', secretAccessKey: 'role-secret', sessionToken: 'role-token', expiration: new Date('2030-01-01T01:00:00Z') });
  });

  it('leaves ExternalId out when there is none, and passes AccessDenied through with its code and AWS message', async () => {
    let form: Record<string, string> = {};
    nock(STS)
      .post('/', (body: Record<string, string>) => {
        form = body;
        return true;
      })
      .reply(
        403,
        `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/admin is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::555555555555:role/OrganizationAccountAccessRole</Message></Error><RequestId>r2</RequestId></ErrorResponse>`,
        { 'content-type': 'text/xml' },
      );
    const error = await stsGateway()
      .assumeRole({ roleArn: 'arn:aws:iam::555555555555:role/OrganizationAccountAccessRole', sessionName: 'iampass', externalId: null, durationSeconds: 3600 })
      .catch((x: unknown) => x);
    expect('ExternalId' in form).toBe(false);
    expect(error).toBeInstanceOf(IamError);
    expect((error as IamError).code).toBe('AccessDenied');
    expect((error as IamError).message).toContain('is not authorized to perform: sts:AssumeRole');
  });

  it('builds a session that signs with the assumed key and sends its session token', async () => {
    let headers: Record<string, unknown> = {};
    nock(STS)
      .post('/')
      .reply(function () {
        headers = this.req.headers;
        return [200, `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>arn:aws:sts::222222222222:assumed-role/R/iampass</Arn><UserId>AROA:iampass</UserId><Account>222222222222</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r3</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, { 'content-type': 'text/xml' }];
      });
    const session = await connect({
      region: 'us-east-1',
      endpointUrl: STS,
      concurrency: 2,
      credentials: async () => ({ accessKeyId: 'ASIAROLE', secretAccessKey: 'role-secret', sessionToken: 'role-token', expiration: new Date(Date.now() + 3_600_000) }),
    });
    expect(await session.gateway.callerIdentity()).toEqual({ account: '222222222222', arn: 'arn:aws:sts::222222222222:assumed-role/R/iampass' });
    session.close();
    expect(String(headers.authorization)).toContain('Credential=ASIAROLE/');
    expect(headers['x-amz-security-token']).toBe('role-token');
  });
});

describe('role credentials for a run', () => {
  const request: AssumeRoleRequest = { roleArn: 'arn:aws:iam::222222222222:role/R', sessionName: 'iampass', externalId: null, durationSeconds: 3600 };

  function fakeSts(expiresInMs: number, clock: { now: number }, fail = false) {
    const calls: AssumeRoleRequest[] = [];
    const sts: StsGateway = {
      callerIdentity: async () => ({ account: '111111111111', arn: 'arn:aws:iam::111111111111:user/admin' }),
      assumeRole: async (r): Promise<TemporaryCredentials> => {
        calls.push(r);
        await Promise.resolve();
        if (fail) throw new IamError('AccessDenied', 'no', 403, undefined);
        return { accessKeyId: `ASIA${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(clock.now + expiresInMs) };
      },
    };
    return { sts, calls };
  }

  it('assumes the role once for many concurrent requests, and again only within five minutes of expiry', async () => {
    const clock = { now: 0 };
    const { sts, calls } = fakeSts(3_600_000, clock);
    const provider = roleCredentials(sts, request, { now: () => clock.now });
    const first = await Promise.all([provider(), provider(), provider()]);
    expect(calls).toHaveLength(1);
    expect(new Set(first.map((c) => c.accessKeyId))).toEqual(new Set(['ASIA1']));
    clock.now = 3_600_000 - 5 * 60_000 - 1;
    expect((await provider()).accessKeyId).toBe('ASIA1');
    clock.now += 2;
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(calls).toHaveLength(2);
  });

  it('does not cache a refusal: the next request asks again', async () => {
    const clock = { now: 0 };
    const { sts, calls } = fakeSts(3_600_000, clock, true);
    const provider = roleCredentials(sts, request, { now: () => clock.now });
    await expect(provider()).rejects.toThrow(IamError);
    await expect(provider()).rejects.toThrow(IamError);
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['arn:aws:iam::111111111111:user/admin', 'OrganizationAccountAccessRole', 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole'],
    ['arn:aws-us-gov:sts::111111111111:assumed-role/ci/run', 'iampass', 'arn:aws-us-gov:iam::222222222222:role/iampass'],
    ['arn:aws-cn:iam::111111111111:user/admin', 'teams/iampass-reader', 'arn:aws-cn:iam::222222222222:role/teams/iampass-reader'],
  ])('the role ARN for caller %s and role %s is %s', (caller, role, expected) => {
    expect(roleArn(caller, '222222222222', role)).toBe(expected);
  });
});
