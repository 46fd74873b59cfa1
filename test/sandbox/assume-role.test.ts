/** STS AssumeRole: temporary credentials that act in the role's account, and AWS's refusals. */
import { ListUsersCommand, ListAccessKeysCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { OrganizationSeed } from '../../src/sandbox/server.js';
import { clientsFor, failure, KEYS, ManualClock, ORGANIZATION_SEED, sandboxWith, type Credentials } from './helpers.js';

const role = (account: string, name = 'OrganizationAccountAccessRole') => `arn:aws:iam::${account}:role/${name}`;

function credentialsOf(output: { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } }): Credentials {
  const { AccessKeyId, SecretAccessKey, SessionToken } = output.Credentials!;
  return { accessKeyId: AccessKeyId!, secretAccessKey: SecretAccessKey!, sessionToken: SessionToken! };
}

/** Roles with every kind of trust, in one member account. */
const TRUST_SEED: OrganizationSeed = {
  organization: { management: '111111111111' },
  caller: 'admin',
  accounts: [
    { id: '111111111111', users: [{ name: 'admin', accessKeys: [{ id: 'AKIAADMIN00000000001' }] }, { name: 'ops', accessKeys: [{ id: 'AKIAOPS0000000000001' }] }] },
    {
      id: '222222222222',
      users: [{ name: 'local', accessKeys: [{ id: 'AKIALOCAL00000000001' }] }],
      roles: [
        { name: 'OpsOnly', trustedPrincipals: ['arn:aws:iam::111111111111:user/ops'] },
        { name: 'Local', trustedPrincipals: ['222222222222'] },
        { name: 'Long', maxSessionDuration: 7200 },
        { name: 'Chained', trustedPrincipals: ['arn:aws:iam::222222222222:role/OrganizationAccountAccessRole'] },
      ],
    },
  ],
};

const ADMIN = { accessKeyId: 'AKIAADMIN00000000001', secretAccessKey: 'x' };
const OPS = { accessKeyId: 'AKIAOPS0000000000001', secretAccessKey: 'x' };
const LOCAL = { accessKeyId: 'AKIALOCAL00000000001', secretAccessKey: 'x' };

describe('AssumeRole', () => {
  it('returns ASIA credentials that act as the assumed role in the target account', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, clock: clock.now });
    const output = await clientsFor(sandbox, KEYS.admin).sts.send(new AssumeRoleCommand({ RoleArn: role('222222222222'), RoleSessionName: 'iampass', DurationSeconds: 900 }));
    expect(output.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(output.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(output.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    expect(output.Credentials?.Expiration).toEqual(new Date(clock.current.getTime() + 900_000));
    expect(output.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/iampass');
    expect(output.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:iampass$/);

    const session = clientsFor(sandbox, credentialsOf(output));
    const identity = await session.sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '222222222222', Arn: 'arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/iampass' });
    expect(identity.UserId).toBe(output.AssumedRoleUser?.AssumedRoleId);
    expect((await session.iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['alice', 'bob', 'mallory']);
    await session.iam.send(new CreateUserCommand({ UserName: 'made-by-role' }));
    expect(sandbox.snapshot().accounts[1]!.users.map((user) => user.name)).toContain('made-by-role');
    expect(sandbox.snapshot().accounts[0]!.users.map((user) => user.name)).not.toContain('made-by-role');
  });

  it('answers ExpiredToken once the credentials expire, in each protocol', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, clock: clock.now });
    const output = await clientsFor(sandbox, KEYS.admin).sts.send(new AssumeRoleCommand({ RoleArn: role('222222222222'), RoleSessionName: 'short', DurationSeconds: 900 }));
    const session = clientsFor(sandbox, credentialsOf(output));
    clock.advance(899_000);
    await session.sts.send(new GetCallerIdentityCommand({}));
    clock.advance(1_000);
    const sts = await failure(session.sts.send(new GetCallerIdentityCommand({})));
    expect([sts.name, sts.message, sts.$metadata.httpStatusCode]).toEqual(['ExpiredToken', 'The security token included in the request is expired', 400]);
    expect((await failure(session.iam.send(new ListUsersCommand({})))).name).toBe('ExpiredToken');
    expect((await failure(session.organizations.send(new ListAccountsCommand({})))).name).toBe('ExpiredTokenException');
  });

  it('refuses a session token it never issued, and an ASIA key without its token', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED });
    const output = await clientsFor(sandbox, KEYS.admin).sts.send(new AssumeRoleCommand({ RoleArn: role('222222222222'), RoleSessionName: 's1' }));
    const { accessKeyId, secretAccessKey } = credentialsOf(output);
    const forged = await failure(clientsFor(sandbox, { accessKeyId, secretAccessKey, sessionToken: 'made-up' }).sts.send(new GetCallerIdentityCommand({})));
    expect([forged.name, forged.$metadata.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
    const tokenless = await failure(clientsFor(sandbox, { accessKeyId, secretAccessKey }).sts.send(new GetCallerIdentityCommand({})));
    expect(tokenless.name).toBe('InvalidClientTokenId');
    const json = await failure(clientsFor(sandbox, { accessKeyId, secretAccessKey, sessionToken: 'made-up' }).organizations.send(new ListAccountsCommand({})));
    expect(json.name).toBe('UnrecognizedClientException');
  });

  it('asks a role session to name the user where IAM would default to the caller', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED });
    const output = await clientsFor(sandbox, KEYS.admin).sts.send(new AssumeRoleCommand({ RoleArn: role('222222222222'), RoleSessionName: 's1' }));
    const error = await failure(clientsFor(sandbox, credentialsOf(output)).iam.send(new ListAccessKeysCommand({})));
    expect([error.name, error.message]).toEqual(['ValidationError', 'Must specify userName when calling with non-User credentials']);
  });

  const denied = (caller: string, target: string) => `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${target}`;

  it.each<{ title: string; signer: Credentials; input: AssumeRoleCommandInput; caller: string }>([
    { title: 'the role does not exist (an invited account)', signer: KEYS.admin, input: { RoleArn: role('555555555555'), RoleSessionName: 'probe' }, caller: 'arn:aws:iam::111111111111:user/admin' },
    { title: 'the account does not exist', signer: KEYS.admin, input: { RoleArn: role('999999999999'), RoleSessionName: 'probe' }, caller: 'arn:aws:iam::111111111111:user/admin' },
    { title: 'the account is SUSPENDED', signer: KEYS.admin, input: { RoleArn: role('444444444444'), RoleSessionName: 'probe' }, caller: 'arn:aws:iam::111111111111:user/admin' },
    { title: 'the ExternalId is missing', signer: KEYS.admin, input: { RoleArn: role('333333333333'), RoleSessionName: 'probe' }, caller: 'arn:aws:iam::111111111111:user/admin' },
    { title: 'the ExternalId is wrong', signer: KEYS.admin, input: { RoleArn: role('333333333333'), RoleSessionName: 'probe', ExternalId: 'guess' }, caller: 'arn:aws:iam::111111111111:user/admin' },
    { title: 'the trust does not admit a member account\'s user', signer: KEYS.mallory, input: { RoleArn: role('333333333333'), RoleSessionName: 'probe', ExternalId: 'staging-external-id' }, caller: 'arn:aws:iam::222222222222:user/contractors/mallory' },
  ])('answers 403 AccessDenied when $title', async ({ signer, input, caller }) => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED });
    const error = await failure(clientsFor(sandbox, signer).sts.send(new AssumeRoleCommand(input)));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', denied(caller, input.RoleArn!), 403]);
  });

  it('admits exactly the principals a trust names', async () => {
    const { sandbox } = await sandboxWith({ seed: TRUST_SEED });
    const assume = (signer: Credentials, name: string) => clientsFor(sandbox, signer).sts.send(new AssumeRoleCommand({ RoleArn: role('222222222222', name), RoleSessionName: 'probe' }));
    await assume(OPS, 'OpsOnly');
    expect((await failure(assume(ADMIN, 'OpsOnly'))).message).toBe(denied('arn:aws:iam::111111111111:user/admin', role('222222222222', 'OpsOnly')));
    await assume(LOCAL, 'Local');
    expect((await failure(assume(ADMIN, 'Local'))).name).toBe('AccessDenied');
    // Trusting the management account (the default) admits its principals, not the member's own.
    expect((await failure(assume(LOCAL, 'OrganizationAccountAccessRole'))).name).toBe('AccessDenied');
  });

  it('chains roles for at most an hour and keeps the source identity', async () => {
    const { sandbox } = await sandboxWith({ seed: TRUST_SEED });
    const first = await clientsFor(sandbox, ADMIN).sts.send(new AssumeRoleCommand({ RoleArn: role('222222222222'), RoleSessionName: 'hop1', SourceIdentity: 'admin' }));
    expect(first.SourceIdentity).toBe('admin');
    const session = clientsFor(sandbox, credentialsOf(first)).sts;
    const tooLong = await failure(session.send(new AssumeRoleCommand({ RoleArn: role('222222222222', 'Chained'), RoleSessionName: 'hop2', DurationSeconds: 3601 })));
    expect([tooLong.name, tooLong.message]).toEqual(['ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.']);
    const other = await failure(session.send(new AssumeRoleCommand({ RoleArn: role('222222222222', 'Chained'), RoleSessionName: 'hop2', SourceIdentity: 'someone-else' })));
    expect(other.name).toBe('AccessDenied');
    const second = await session.send(new AssumeRoleCommand({ RoleArn: role('222222222222', 'Chained'), RoleSessionName: 'hop2' }));
    expect(second.SourceIdentity).toBe('admin');
    expect(second.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/Chained/hop2');
  });

  it.each<{ title: string; input: AssumeRoleCommandInput; message: string }>([
    { title: 'DurationSeconds below 900', input: { RoleArn: role('222222222222', 'Long'), RoleSessionName: 'probe', DurationSeconds: 899 }, message: "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900" },
    { title: 'DurationSeconds above the role\'s maximum', input: { RoleArn: role('222222222222', 'Long'), RoleSessionName: 'probe', DurationSeconds: 7201 }, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' },
    { title: 'a session name with a space', input: { RoleArn: role('222222222222', 'Long'), RoleSessionName: 'two words' }, message: "1 validation error detected: Value 'two words' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*" },
    { title: 'a RoleArn that is not a role', input: { RoleArn: 'arn:aws:iam::222222222222:user/alice', RoleSessionName: 'probe' }, message: 'arn:aws:iam::222222222222:user/alice is invalid: RoleArn must be arn:aws:iam::ACCOUNT_ID:role/NAME' },
    { title: 'no RoleSessionName', input: { RoleArn: role('222222222222', 'Long') } as AssumeRoleCommandInput, message: "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null" },
  ])('answers 400 ValidationError for $title', async ({ input, message }) => {
    const { sandbox } = await sandboxWith({ seed: TRUST_SEED });
    const error = await failure(clientsFor(sandbox, ADMIN).sts.send(new AssumeRoleCommand(input)));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['ValidationError', message, 400]);
  });

  it('allows up to the role\'s MaxSessionDuration', async () => {
    const { sandbox } = await sandboxWith({ seed: TRUST_SEED });
    await clientsFor(sandbox, ADMIN).sts.send(new AssumeRoleCommand({ RoleArn: role('222222222222', 'Long'), RoleSessionName: 'probe', DurationSeconds: 7200 }));
  });
});
