/** Groups and customer-managed policies, through the real SDK: what iampass's journal and apply lock are made of. */
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeletePolicyCommand,
  DeleteUserCommand,
  GetGroupCommand,
  GetPolicyCommand,
  ListGroupsForUserCommand,
  ListPolicyTagsCommand,
  RemoveUserFromGroupCommand,
  TagPolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AccountSeed } from '../../src/sandbox/server.js';
import { failure, sandboxWith } from './helpers.js';

const seed: AccountSeed = { account: '111122223333', caller: 'admin', users: [{ name: 'admin' }, { name: 'alice' }, { name: 'bob' }] };
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' }] });

describe('groups', () => {
  it('creates a group once, pages its members, and refuses a second one of the same name (case-insensitively)', async () => {
    const { iam } = await sandboxWith({ seed });
    const created = await iam.send(new CreateGroupCommand({ GroupName: 'journal', Path: '/iampass/' }));
    expect(created.Group).toMatchObject({ GroupName: 'journal', Path: '/iampass/', Arn: 'arn:aws:iam::111122223333:group/iampass/journal' });
    const again = await failure(iam.send(new CreateGroupCommand({ GroupName: 'JOURNAL' })));
    expect([again.name, again.message, again.$metadata.httpStatusCode]).toEqual(['EntityAlreadyExistsException', 'Group with name journal already exists.', 409]);

    for (const user of ['bob', 'alice', 'alice']) await iam.send(new AddUserToGroupCommand({ GroupName: 'journal', UserName: user }));
    const first = await iam.send(new GetGroupCommand({ GroupName: 'journal', MaxItems: 1 }));
    expect([first.Users?.map((u) => u.UserName), first.IsTruncated]).toEqual([['alice'], true]);
    const second = await iam.send(new GetGroupCommand({ GroupName: 'journal', Marker: first.Marker }));
    expect([second.Users?.map((u) => u.UserName), second.IsTruncated]).toEqual([['bob'], false]);
    expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups?.map((g) => g.GroupName)).toEqual(['journal']);
  });

  it('removes members, says when a user is not one, and refuses to delete a group or a user while they are joined', async () => {
    const { iam } = await sandboxWith({ seed });
    await iam.send(new CreateGroupCommand({ GroupName: 'journal' }));
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'journal', UserName: 'carol' }));
    expect((await failure(iam.send(new DeleteUserCommand({ UserName: 'carol' })))).name).toBe('DeleteConflictException');
    expect((await failure(iam.send(new DeleteGroupCommand({ GroupName: 'journal' })))).name).toBe('DeleteConflictException');
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'journal', UserName: 'carol' }));
    const notMember = await failure(iam.send(new RemoveUserFromGroupCommand({ GroupName: 'journal', UserName: 'carol' })));
    expect([notMember.name, notMember.$metadata.httpStatusCode]).toEqual(['NoSuchEntityException', 404]);
    await iam.send(new DeleteUserCommand({ UserName: 'carol' }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'journal' }));
    const gone = await failure(iam.send(new GetGroupCommand({ GroupName: 'journal' })));
    expect([gone.name, gone.message]).toEqual(['NoSuchEntityException', 'The group with name journal cannot be found.']);
  });
});

describe('customer-managed policies', () => {
  const arn = 'arn:aws:iam::111122223333:policy/iampass/lock';

  it('is created atomically by name: a second create fails, so the first creator holds it', async () => {
    const { iam } = await sandboxWith({ seed });
    const created = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'lock', Path: '/iampass/', PolicyDocument: DOCUMENT, Description: 'held', Tags: [{ Key: 'holder', Value: 'a' }] }),
    );
    expect(created.Policy).toMatchObject({ PolicyName: 'lock', Arn: arn, Description: 'held', AttachmentCount: 0 });
    const raced = await Promise.allSettled(
      ['b', 'c'].map((holder) => iam.send(new CreatePolicyCommand({ PolicyName: 'lock', Path: '/iampass/', PolicyDocument: DOCUMENT, Tags: [{ Key: 'holder', Value: holder }] }))),
    );
    expect(raced.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([{ Key: 'holder', Value: 'a' }]);
  });

  it('retags, reads and deletes by ARN, and answers NoSuchEntity once it is gone', async () => {
    const { iam } = await sandboxWith({ seed });
    await iam.send(new CreatePolicyCommand({ PolicyName: 'lock', Path: '/iampass/', PolicyDocument: DOCUMENT, Tags: [{ Key: 'expires', Value: 'soon' }] }));
    await iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: 'expires', Value: 'later' }] }));
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags).toEqual([{ Key: 'expires', Value: 'later' }]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.PolicyName).toBe('lock');
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    const gone = await failure(iam.send(new ListPolicyTagsCommand({ PolicyArn: arn })));
    expect([gone.name, gone.message, gone.$metadata.httpStatusCode]).toEqual(['NoSuchEntityException', `Policy ${arn} does not exist or is not attachable.`, 404]);
  });

  it('refuses a document that is not JSON', async () => {
    const { iam } = await sandboxWith({ seed });
    const error = await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'bad', PolicyDocument: '{not json' })));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['MalformedPolicyDocumentException', 400]);
  });
});
