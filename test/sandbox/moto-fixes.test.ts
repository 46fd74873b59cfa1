/** What running moto's own IAM tests against the sandbox showed, and moto's reset endpoint. */
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteUserCommand,
  GetAccountPasswordPolicyCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccountSeed } from '../../src/sandbox/server.js';
import { clientsFor, failure, KEYS, ORGANIZATION_SEED, sandboxWith, tempDir } from './helpers.js';

describe('IAM details moto\'s tests check', () => {
  it('refuses to delete a user while an MFA device is attached, and deletes once it is deactivated', async () => {
    const seed: AccountSeed = { account: '111122223333', caller: 'admin', users: [{ name: 'admin' }, { name: 'mfa-user', mfa: true }] };
    const { iam } = await sandboxWith({ seed });
    const error = await failure(iam.send(new DeleteUserCommand({ UserName: 'mfa-user' })));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['DeleteConflictException', 'Cannot delete entity, must delete MFA device first.', 409]);
    await iam.send(new DeactivateMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: 'arn:aws:iam::111122223333:mfa/mfa-user' }));
    await iam.send(new DeleteUserCommand({ UserName: 'mfa-user' }));
    const missing = await failure(iam.send(new DeactivateMFADeviceCommand({ UserName: 'admin', SerialNumber: 'arn:aws:iam::111122223333:mfa/admin' })));
    expect([missing.name, missing.message]).toEqual(['NoSuchEntityException', 'MFA Device with serial number arn:aws:iam::111122223333:mfa/admin does not exist.']);
  });

  it('words the missing password policy as IAM does, differently for Get and Delete', async () => {
    const seed: AccountSeed = { account: '111122223333', caller: 'admin', users: [{ name: 'admin' }] };
    const { iam } = await sandboxWith({ seed });
    expect((await failure(iam.send(new GetAccountPasswordPolicyCommand({})))).message).toBe('The Password Policy with domain name 111122223333 cannot be found.');
    const error = await failure(iam.send(new DeleteAccountPasswordPolicyCommand({})));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['NoSuchEntityException', 'The account policy with name PasswordPolicy cannot be found.', 404]);
  });

  it('puts no full stop after quota messages', async () => {
    const seed: AccountSeed = { account: '111122223333', caller: 'admin', users: [{ name: 'admin' }, { name: 'keyed', accessKeys: [{}, {}] }] };
    const { iam } = await sandboxWith({ seed });
    expect((await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'keyed' })))).message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
    const full: AccountSeed = { account: '111122223333', caller: 'user-0000', users: Array.from({ length: 5000 }, (_, i) => ({ name: `user-${String(i).padStart(4, '0')}` })) };
    const crowded = await sandboxWith({ seed: full });
    expect((await failure(crowded.iam.send(new CreateUserCommand({ UserName: 'one-too-many' })))).message).toBe('Cannot exceed quota for UsersPerAccount: 5000');
  });
});

describe('POST /moto-api/reset', () => {
  it('puts every account back as the seed describes it: users, sessions and CloudTrail', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, faults: { lookupEventsRate: 0 } });
    const admin = clientsFor(sandbox, KEYS.admin);
    await admin.iam.send(new CreateUserCommand({ UserName: 'temporary' }));
    await admin.iam.send(new CreateLoginProfileCommand({ UserName: 'auditor', Password: 'Reset-Me-Password-1!' }));
    const assumed = await admin.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', RoleSessionName: 'before-reset' }));
    const session = clientsFor(sandbox, { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: 'x', sessionToken: assumed.Credentials!.SessionToken! });
    await session.sts.send(new GetCallerIdentityCommand({}));
    expect((await admin.cloudtrail.send(new LookupEventsCommand({}))).Events).toHaveLength(2);

    const response = await fetch(`${sandbox.url}/moto-api/reset`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });

    expect((await admin.iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['admin', 'auditor']);
    expect((await admin.cloudtrail.send(new LookupEventsCommand({}))).Events).toEqual([]);
    expect((await failure(session.sts.send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    expect(sandbox.snapshot().accounts[0]!.users.find((user) => user.name === 'auditor')?.loginProfile).toBeNull();
  });

  it('reads the seed file again, so an edited seed applies, and answers 400 to anything but POST', async () => {
    const path = join(tempDir(), 'seed.yaml');
    writeFileSync(path, 'account: "111122223333"\ncaller: admin\nusers:\n  - name: admin\n');
    const { sandbox, iam } = await sandboxWith({ seed: path });
    writeFileSync(path, 'account: "111122223333"\ncaller: admin\nusers:\n  - name: admin\n  - name: added-later\n');
    expect((await fetch(`${sandbox.url}/moto-api/reset`)).status).toBe(400);
    expect((await iam.send(new ListUsersCommand({}))).Users).toHaveLength(1);
    expect((await fetch(`${sandbox.url}/moto-api/reset`, { method: 'POST' })).status).toBe(200);
    expect((await iam.send(new ListUsersCommand({}))).Users?.map((user) => user.UserName)).toEqual(['added-later', 'admin']);

    writeFileSync(path, 'account: nope\n');
    const broken = await fetch(`${sandbox.url}/moto-api/reset`, { method: 'POST' });
    expect(broken.status).toBe(500);
    expect(((await broken.json()) as { Error: string }).Error).toContain(`${path}:1:10: account: must be a 12-digit account ID`);
    // A failed reset leaves the sandbox as it was.
    expect((await iam.send(new ListUsersCommand({}))).Users).toHaveLength(2);
  });
});
