import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteConflictException,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  EntityAlreadyExistsException,
  GetUserCommand,
  LimitExceededException,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  paginateListUsers,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  type User,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { SandboxSeed } from '../../src/sandbox/server.js';
import { EXAMPLE_SEED, failure, sandboxWith, SMALL_SEED } from './helpers.js';

function manyUsers(count: number): SandboxSeed {
  const users = Array.from({ length: count }, (_, i) => ({ name: `user-${String(i).padStart(4, '0')}`, path: i % 2 ? '/odd/' : '/even/' }));
  return { account: '111122223333', caller: 'user-0000', users };
}

describe('ListUsers', () => {
  it('pages 250 users in name order with MaxItems 100 and Marker', async () => {
    const { iam } = await sandboxWith({ seed: manyUsers(250) });
    const pages: { count: number; truncated: boolean | undefined }[] = [];
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListUsersCommand({ MaxItems: 100, Marker: marker }));
      pages.push({ count: page.Users?.length ?? 0, truncated: page.IsTruncated });
      names.push(...(page.Users ?? []).map((user) => user.UserName!));
      marker = page.Marker;
      if (page.IsTruncated) expect(marker).toBeTruthy();
      else expect(marker).toBeUndefined();
    } while (marker);
    expect(pages).toEqual([
      { count: 100, truncated: true },
      { count: 100, truncated: true },
      { count: 50, truncated: false },
    ]);
    expect(names).toHaveLength(250);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(250);
  });

  it('defaults to pages of 100 and works with the SDK paginator', async () => {
    const { iam } = await sandboxWith({ seed: manyUsers(250) });
    const first = await iam.send(new ListUsersCommand({}));
    expect(first.Users).toHaveLength(100);
    expect(first.IsTruncated).toBe(true);
    const all: User[] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) all.push(...(page.Users ?? []));
    expect(all).toHaveLength(250);
  });

  it('rejects MaxItems above 1000 with a ValidationError', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const error = await failure(iam.send(new ListUsersCommand({ MaxItems: 1001 })));
    expect(error.name).toBe('ValidationError');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  it('filters by PathPrefix and returns the User fields IAM lists (no tags)', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const staff = await iam.send(new ListUsersCommand({ PathPrefix: '/staff/' }));
    expect(staff.Users?.map((user) => user.UserName)).toEqual(['alice', 'bob', 'breakglass', 'carol', 'dave', 'erin']);
    const alice = staff.Users?.[0];
    expect(alice).toMatchObject({
      Path: '/staff/',
      UserName: 'alice',
      Arn: 'arn:aws:iam::123456789012:user/staff/alice',
      CreateDate: new Date('2025-01-10T09:00:00Z'),
    });
    expect(alice?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(alice?.Tags).toBeUndefined();
  });

  it('keeps pagination consistent when a user is created between pages', async () => {
    const { iam } = await sandboxWith({ seed: manyUsers(10) });
    const first = await iam.send(new ListUsersCommand({ MaxItems: 5 }));
    await iam.send(new CreateUserCommand({ UserName: 'aaa-new' }));
    const second = await iam.send(new ListUsersCommand({ MaxItems: 5, Marker: first.Marker }));
    expect(second.Users?.map((user) => user.UserName)).toEqual(['user-0005', 'user-0006', 'user-0007', 'user-0008', 'user-0009']);
  });
});

describe('GetUser', () => {
  it('returns PasswordLastUsed and tags when known', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const { User: alice } = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(alice?.PasswordLastUsed).toEqual(new Date('2026-11-25T08:00:00Z'));
    expect(alice?.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    const { User: bob } = await iam.send(new GetUserCommand({ UserName: 'bob' }));
    expect(bob?.PasswordLastUsed).toBeUndefined();
  });

  it('returns the caller when UserName is omitted', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const { User } = await iam.send(new GetUserCommand({}));
    expect(User?.UserName).toBe('admin');
    expect(User?.Arn).toBe('arn:aws:iam::123456789012:user/admin');
  });

  it('answers 404 NoSuchEntity for an unknown user', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const error = await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe('The user with name nobody cannot be found.');
  });

  it('finds users case-insensitively', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const { User } = await iam.send(new GetUserCommand({ UserName: 'ALICE' }));
    expect(User?.UserName).toBe('alice');
  });
});

describe('CreateUser and DeleteUser', () => {
  it('creates a user with path and tags', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const { User } = await iam.send(new CreateUserCommand({ UserName: 'dana', Path: '/ops/', Tags: [{ Key: 'team', Value: 'ops' }] }));
    expect(User).toMatchObject({ UserName: 'dana', Path: '/ops/', Arn: 'arn:aws:iam::111122223333:user/ops/dana', Tags: [{ Key: 'team', Value: 'ops' }] });
    expect(User?.CreateDate).toBeInstanceOf(Date);
    const { User: fetched } = await iam.send(new GetUserCommand({ UserName: 'dana' }));
    expect(fetched?.UserId).toBe(User?.UserId);
  });

  it('refuses a name that differs only in case with 409 EntityAlreadyExists', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const error = await failure(iam.send(new CreateUserCommand({ UserName: 'Alice' })));
    expect(error).toBeInstanceOf(EntityAlreadyExistsException);
    expect(error.$metadata.httpStatusCode).toBe(409);
    expect(error.message).toBe('User with name alice already exists.');
  });

  it('validates the user name like IAM', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const error = await failure(iam.send(new CreateUserCommand({ UserName: 'bad name' })));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe(
      "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
  });

  it('answers 409 DeleteConflict while a login profile, an access key or a policy exists', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const withProfile = await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })));
    expect(withProfile).toBeInstanceOf(DeleteConflictException);
    expect(withProfile.$metadata.httpStatusCode).toBe(409);
    expect(withProfile.message).toBe('Cannot delete entity, must delete login profile first.');

    await iam.send(new DeleteLoginProfileCommand({ UserName: 'alice' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    const withKey = await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })));
    expect(withKey).toBeInstanceOf(DeleteConflictException);
    expect(withKey.message).toBe('Cannot delete entity, must delete access keys first.');

    await iam.send(new DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: AccessKey!.AccessKeyId }));
    // canChangePassword: IAMUserChangePassword attached, and (under /staff/) the inline policy its resource needs
    const attached = await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })));
    expect(attached.message).toBe('Cannot delete entity, must detach all policies first.');
    await iam.send(new DetachUserPolicyCommand({ UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword' }));
    const inline = await failure(iam.send(new DeleteUserCommand({ UserName: 'alice' })));
    expect(inline.message).toBe('Cannot delete entity, must delete policies first.');
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'ChangeOwnPassword' }));
    await iam.send(new DeleteUserCommand({ UserName: 'alice' }));
    expect(await failure(iam.send(new GetUserCommand({ UserName: 'alice' })))).toBeInstanceOf(NoSuchEntityException);
  });
});

describe('tags', () => {
  it('tags and untags a user, keys case-insensitively', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'cost', Value: '42' }, { Key: 'Team', Value: 'data' }] }));
    const tagged = await iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
    expect(tagged.Tags).toEqual([{ Key: 'cost', Value: '42' }, { Key: 'Team', Value: 'data' }]);
    expect(tagged.IsTruncated).toBe(false);
    await iam.send(new UntagUserCommand({ UserName: 'alice', TagKeys: ['COST'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'alice' }))).Tags).toEqual([{ Key: 'Team', Value: 'data' }]);
  });

  it('returns an empty tag list for an untagged user', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'bob' }))).Tags).toEqual([]);
  });

  it('refuses more than 50 tags with 409 LimitExceeded', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const error = await failure(iam.send(new TagUserCommand({ UserName: 'alice', Tags: tags })));
    expect(error).toBeInstanceOf(LimitExceededException);
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'alice' }))).Tags).toHaveLength(1);
  });
});

describe('access keys and MFA devices', () => {
  it('creates, lists, deactivates and deletes access keys, at most two per user', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    expect(AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(AccessKey?.SecretAccessKey).toHaveLength(40);
    expect(AccessKey?.Status).toBe('Active');
    await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    expect(await failure(iam.send(new CreateAccessKeyCommand({ UserName: 'bob' })))).toBeInstanceOf(LimitExceededException);

    await iam.send(new UpdateAccessKeyCommand({ UserName: 'bob', AccessKeyId: AccessKey!.AccessKeyId, Status: 'Inactive' }));
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'bob' }));
    expect(listed.AccessKeyMetadata).toHaveLength(2);
    expect(listed.AccessKeyMetadata?.find((key) => key.AccessKeyId === AccessKey!.AccessKeyId)?.Status).toBe('Inactive');

    const unknown = await failure(iam.send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })));
    expect(unknown).toBeInstanceOf(NoSuchEntityException);
    expect(unknown.message).toBe('The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.');
  });

  it('lists seeded access keys and MFA devices', async () => {
    const { iam } = await sandboxWith({ seed: EXAMPLE_SEED });
    const frank = await iam.send(new ListAccessKeysCommand({ UserName: 'frank' }));
    expect(frank.AccessKeyMetadata).toMatchObject([{ UserName: 'frank', Status: 'Inactive', CreateDate: new Date('2025-05-20T08:20:00Z') }]);
    const alice = await iam.send(new ListMFADevicesCommand({ UserName: 'alice' }));
    expect(alice.MFADevices).toMatchObject([{ UserName: 'alice', SerialNumber: 'arn:aws:iam::123456789012:mfa/alice' }]);
    expect((await iam.send(new ListMFADevicesCommand({ UserName: 'erin' }))).MFADevices).toEqual([]);
  });
});
