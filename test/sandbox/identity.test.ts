/** The access key that signs a request decides who calls, in which account, for every service. */
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { clientsFor, failure, KEYS, ORGANIZATION_SEED, sandboxWith, SMALL_SEED } from './helpers.js';

describe('who is calling', () => {
  it.each([
    { signer: 'admin', key: KEYS.admin, arn: 'arn:aws:iam::111111111111:user/admin', account: '111111111111' },
    { signer: 'auditor', key: KEYS.auditor, arn: 'arn:aws:iam::111111111111:user/auditor', account: '111111111111' },
    { signer: 'mallory (another account)', key: KEYS.mallory, arn: 'arn:aws:iam::222222222222:user/contractors/mallory', account: '222222222222' },
    { signer: 'an unknown key (the default caller)', key: KEYS.unknown, arn: 'arn:aws:iam::111111111111:user/admin', account: '111111111111' },
  ])('GetCallerIdentity answers the signer: $signer', async ({ key, arn, account }) => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED });
    const identity = await clientsFor(sandbox, key).sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Arn: arn, Account: account });
    expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('runs IAM calls in the signer\'s account, and calls without UserName on the signer', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED });
    const mallory = clientsFor(sandbox, KEYS.mallory).iam;
    const users = await mallory.send(new ListUsersCommand({}));
    expect(users.Users?.map((user) => user.UserName)).toEqual(['alice', 'bob', 'mallory']);
    const keys = await mallory.send(new ListAccessKeysCommand({}));
    expect(keys.AccessKeyMetadata?.map((key) => [key.UserName, key.AccessKeyId])).toEqual([['mallory', KEYS.mallory.accessKeyId]]);
    const admin = clientsFor(sandbox, KEYS.admin).iam;
    expect((await admin.send(new GetLoginProfileCommand({}))).LoginProfile?.UserName).toBe('admin');
    expect((await failure(clientsFor(sandbox, KEYS.auditor).iam.send(new GetLoginProfileCommand({})))).message).toBe('Login Profile for User auditor cannot be found.');
  });

  it('honours a key created through the API, and refuses it once inactive or deleted', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED });
    const admin = clientsFor(sandbox, KEYS.admin).iam;
    const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: 'auditor' }));
    const created = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    const sts = clientsFor(sandbox, created).sts;
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::111111111111:user/auditor');

    await admin.send(new UpdateAccessKeyCommand({ UserName: 'auditor', AccessKeyId: created.accessKeyId, Status: 'Inactive' }));
    const inactive = await failure(sts.send(new GetCallerIdentityCommand({})));
    expect(inactive.name).toBe('InvalidClientTokenId');
    expect(inactive.message).toBe('The security token included in the request is invalid.');
    expect(inactive.$metadata.httpStatusCode).toBe(403);

    await admin.send(new DeleteAccessKeyCommand({ UserName: 'auditor', AccessKeyId: created.accessKeyId }));
    // A deleted key is not "unknown": it does not fall back to the default caller.
    expect((await failure(sts.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
  });

  it('refuses the keys of a SUSPENDED account', async () => {
    const seed = {
      organization: { management: '111111111111' },
      caller: 'admin',
      accounts: [
        { id: '111111111111', users: [{ name: 'admin' }] },
        { id: '444444444444', status: 'SUSPENDED' as const, users: [{ name: 'dave', accessKeys: [{ id: 'AKIADAVE000000000001' }] }] },
      ],
    };
    const { sandbox } = await sandboxWith({ seed });
    const error = await failure(clientsFor(sandbox, { accessKeyId: 'AKIADAVE000000000001', secretAccessKey: 'x' }).sts.send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('InvalidClientTokenId');
  });

  it('keeps a single-account seed answering every key as its caller, as before', async () => {
    const { sandbox } = await sandboxWith({ seed: SMALL_SEED });
    for (const accessKeyId of ['anything', 'AKIAIOSFODNN7EXAMPLE']) {
      const identity = await clientsFor(sandbox, { accessKeyId, secretAccessKey: 'x' }).sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe('arn:aws:iam::111122223333:user/admin');
    }
  });

  it('takes the key from a presigned URL\'s X-Amz-Credential, and an unsigned request as the default caller', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED });
    const presigned = new URLSearchParams({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Credential': `${KEYS.mallory.accessKeyId}/20261201/us-east-1/sts/aws4_request`,
    });
    expect(await (await fetch(`${sandbox.url}/?${presigned}`)).text()).toContain('<Arn>arn:aws:iam::222222222222:user/contractors/mallory</Arn>');
    const unsigned = await fetch(`${sandbox.url}/`, { method: 'POST', body: new URLSearchParams({ Action: 'GetCallerIdentity', Version: '2011-06-15' }) });
    expect(await unsigned.text()).toContain('<Arn>arn:aws:iam::111111111111:user/admin</Arn>');
  });
});
