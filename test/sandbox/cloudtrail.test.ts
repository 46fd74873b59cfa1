/** CloudTrail: every IAM write recorded with the identity that signed it, and LookupEvents as AWS serves it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LookupEventsCommand, type CloudTrailClient, type Event, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GenerateCredentialReportCommand,
  GetUserCommand,
  ListUsersCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { clientsFor, failure, KEYS, ManualClock, ORGANIZATION_SEED, sandboxWith, tempDir, type Credentials } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;

/** Every event LookupEvents returns for `input`, following NextToken. */
async function lookup(cloudtrail: CloudTrailClient, input: LookupEventsCommandInput = {}): Promise<Event[]> {
  const events: Event[] = [];
  let token: string | undefined;
  do {
    const page = await cloudtrail.send(new LookupEventsCommand({ ...input, NextToken: token }));
    events.push(...(page.Events ?? []));
    token = page.NextToken;
  } while (token);
  return events;
}

const recordOf = (event: Event) => JSON.parse(event.CloudTrailEvent!) as Record<string, unknown> & { userIdentity: Record<string, unknown>; requestParameters: Record<string, unknown> | null };

async function assumeInto(sandbox: Parameters<typeof clientsFor>[0], account: string, extra: { SourceIdentity?: string } = {}): Promise<Credentials> {
  const output = await clientsFor(sandbox, KEYS.admin).sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'iampass', ...extra }));
  return { accessKeyId: output.Credentials!.AccessKeyId!, secretAccessKey: output.Credentials!.SecretAccessKey!, sessionToken: output.Credentials!.SessionToken! };
}

const unlimited = { faults: { lookupEventsRate: 0 } };

describe('CloudTrail records', () => {
  it('records a write with the IAM user that signed it, its key, address and user agent', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, clock: clock.now, ...unlimited });
    const mallory = clientsFor(sandbox, KEYS.mallory);
    await mallory.iam.send(new DeleteLoginProfileCommand({ UserName: 'alice' }));
    const [event] = await lookup(mallory.cloudtrail, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteLoginProfile' }], MaxResults: 1 });
    expect(event).toMatchObject({
      EventName: 'DeleteLoginProfile',
      EventSource: 'iam.amazonaws.com',
      ReadOnly: 'false',
      Username: 'mallory',
      AccessKeyId: KEYS.mallory.accessKeyId,
      EventTime: clock.current,
      Resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: 'alice' }],
    });
    const record = recordOf(event!);
    expect(record).toMatchObject({
      eventTime: '2026-12-01T12:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'DeleteLoginProfile',
      awsRegion: 'us-east-1',
      sourceIPAddress: '127.0.0.1',
      requestParameters: { userName: 'alice' },
      readOnly: false,
      eventType: 'AwsApiCall',
      recipientAccountId: '222222222222',
      eventID: event!.EventId,
    });
    expect(record.userAgent).toMatch(/aws-sdk-js/);
    expect(record.userIdentity).toEqual({
      type: 'IAMUser',
      principalId: expect.stringMatching(/^AIDA/),
      arn: 'arn:aws:iam::222222222222:user/contractors/mallory',
      accountId: '222222222222',
      accessKeyId: KEYS.mallory.accessKeyId,
      userName: 'mallory',
    });
  });

  it('records a role session as AssumedRole with its issuer and source identity, never the password', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, ...unlimited });
    const session = await assumeInto(sandbox, '222222222222', { SourceIdentity: 'admin' });
    const role = clientsFor(sandbox, session);
    const password = 'Role-Made-Password-2026';
    await role.iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: password, PasswordResetRequired: true }));
    const [event] = await lookup(role.cloudtrail, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateLoginProfile' }] });
    expect(event).toMatchObject({ Username: 'iampass', AccessKeyId: session.accessKeyId });
    const record = recordOf(event!);
    expect(record.userIdentity).toMatchObject({
      type: 'AssumedRole',
      principalId: expect.stringMatching(/^AROA[A-Z2-7]{17}:iampass$/),
      arn: 'arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/iampass',
      accountId: '222222222222',
      accessKeyId: session.accessKeyId,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', accountId: '222222222222', userName: 'OrganizationAccountAccessRole' },
        sourceIdentity: 'admin',
      },
    });
    expect(record.requestParameters).toEqual({ userName: 'bob', passwordResetRequired: true });
    expect(event!.CloudTrailEvent).not.toContain(password);
  });

  it('records every IAM write (and nothing else) in the account where it happened', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, ...unlimited });
    const { iam, cloudtrail } = clientsFor(sandbox, KEYS.admin);
    await iam.send(new ListUsersCommand({}));
    await iam.send(new GetUserCommand({ UserName: 'auditor' }));
    await iam.send(new GenerateCredentialReportCommand({}));
    await failure(iam.send(new DeleteLoginProfileCommand({ UserName: 'nobody' })));
    await iam.send(new CreateUserCommand({ UserName: 'temp' }));
    await iam.send(new TagUserCommand({ UserName: 'temp', Tags: [{ Key: 'team', Value: 'ops' }] }));
    await iam.send(new UntagUserCommand({ UserName: 'temp', TagKeys: ['team'] }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'temp', Password: 'Temp-Password-2026!' }));
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'temp', Password: 'Temp-Password-2027!' }));
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'temp' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'temp' }));
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'temp', AccessKeyId: AccessKey!.AccessKeyId!, Status: 'Inactive' }));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'temp', AccessKeyId: AccessKey!.AccessKeyId! }));
    await iam.send(new DeleteUserCommand({ UserName: 'temp' }));
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 16 }));
    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    await iam.send(new DeactivateMFADeviceCommand({ UserName: 'admin', SerialNumber: 'arn:aws:iam::111111111111:mfa/admin' }));
    const names = (await lookup(cloudtrail)).map((event) => event.EventName);
    expect(names).toEqual([
      'DeactivateMFADevice', 'DeleteAccountPasswordPolicy', 'UpdateAccountPasswordPolicy', 'DeleteUser', 'DeleteAccessKey', 'UpdateAccessKey',
      'CreateAccessKey', 'DeleteLoginProfile', 'UpdateLoginProfile', 'CreateLoginProfile', 'UntagUser', 'TagUser', 'CreateUser',
    ]);
    // The member account's seeded history is its own.
    expect((await lookup(clientsFor(sandbox, KEYS.mallory).cloudtrail)).map((event) => event.EventName)).toEqual(['UpdateLoginProfile', 'DeleteLoginProfile']);
  });

  it('keeps every password out of the state file, the log and every response', async () => {
    const statePath = join(tempDir(), 'state.json');
    const lines: string[] = [];
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, statePath, log: (line) => lines.push(line), ...unlimited });
    const responses: string[] = [];
    const credentials = await assumeInto(sandbox, '222222222222');
    const session = clientsFor(sandbox, credentials);
    session.iam.middlewareStack.add((next) => async (args) => {
      const result = await next(args);
      responses.push(JSON.stringify(result.output));
      return result;
    }, { step: 'deserialize' });
    session.cloudtrail.middlewareStack.add((next) => async (args) => {
      const result = await next(args);
      responses.push(JSON.stringify(result.output));
      return result;
    }, { step: 'deserialize' });
    const passwords = ['First-Secret-Pass-2026!', 'Second-Secret-Pass-2027!', 'Third-Secret-Pass-2028!'];
    await session.iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: passwords[0] }));
    await session.iam.send(new UpdateLoginProfileCommand({ UserName: 'bob', Password: passwords[1], PasswordResetRequired: false }));
    await failure(session.iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: passwords[2] })));
    const events = await lookup(session.cloudtrail);
    // And the bytes on the wire, not only what the SDK made of them.
    const raw = await fetch(`${sandbox.url}/`, {
      method: 'POST',
      headers: {
        'X-Amz-Target': 'CloudTrail_20131101.LookupEvents',
        'Content-Type': 'application/x-amz-json-1.1',
        Authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20261201/us-east-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0`,
        'X-Amz-Security-Token': credentials.sessionToken!,
      },
      body: '{}',
    });
    const rawText = await raw.text();
    expect(rawText).toContain('UpdateLoginProfile');
    responses.push(rawText);
    await sandbox.close();
    const everything = [readFileSync(statePath, 'utf8'), lines.join('\n'), JSON.stringify(events), ...responses].join('\n');
    expect(events.map((event) => event.EventName)).toContain('UpdateLoginProfile');
    for (const password of passwords) expect(everything).not.toContain(password);
    expect(recordOf(events.find((event) => event.EventName === 'UpdateLoginProfile')!).requestParameters).toEqual({ userName: 'bob', passwordResetRequired: false });
  });
});

describe('LookupEvents', () => {
  it('finds the seeded "bob\'s password was deleted by mallory 3 days ago"', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, clock: clock.now });
    const session = clientsFor(sandbox, await assumeInto(sandbox, '222222222222'));
    const [event, ...rest] = await lookup(session.cloudtrail, { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'bob' }] });
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ EventName: 'DeleteLoginProfile', Username: 'mallory', EventTime: new Date(clock.current.getTime() - 3 * DAY) });
    expect(recordOf(event!)).toMatchObject({
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::222222222222:user/contractors/mallory', accessKeyId: KEYS.mallory.accessKeyId },
      sourceIPAddress: '198.51.100.23',
      requestParameters: { userName: 'bob' },
    });
  });

  it.each([
    { key: 'EventName', value: 'UpdateLoginProfile', expected: ['UpdateLoginProfile'] },
    { key: 'Username', value: 'mallory', expected: ['DeleteLoginProfile'] },
    { key: 'Username', value: 'iampass', expected: ['UpdateLoginProfile'] },
    { key: 'ResourceName', value: 'alice', expected: ['UpdateLoginProfile'] },
    { key: 'ResourceType', value: 'AWS::IAM::User', expected: ['UpdateLoginProfile', 'DeleteLoginProfile'] },
    { key: 'EventSource', value: 'iam.amazonaws.com', expected: ['UpdateLoginProfile', 'DeleteLoginProfile'] },
    { key: 'EventSource', value: 'sts.amazonaws.com', expected: [] },
    { key: 'ReadOnly', value: 'false', expected: ['UpdateLoginProfile', 'DeleteLoginProfile'] },
    { key: 'ReadOnly', value: 'true', expected: [] },
    { key: 'AccessKeyId', value: KEYS.mallory.accessKeyId, expected: ['DeleteLoginProfile'] },
  ] as const)('filters by $key = $value', async ({ key, value, expected }) => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, ...unlimited });
    const events = await lookup(clientsFor(sandbox, KEYS.mallory).cloudtrail, { LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] });
    expect(events.map((event) => event.EventName)).toEqual(expected);
  });

  it('filters by EventId', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, ...unlimited });
    const cloudtrail = clientsFor(sandbox, KEYS.mallory).cloudtrail;
    const [, older] = await lookup(cloudtrail);
    expect(await lookup(cloudtrail, { LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: older!.EventId! }] })).toEqual([older]);
  });

  it('pages newest first with MaxResults, unaffected by events recorded between pages', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, clock: clock.now, ...unlimited });
    const { iam, cloudtrail } = clientsFor(sandbox, KEYS.admin);
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      await iam.send(new CreateUserCommand({ UserName: `user-${i}` }));
    }
    const first = await cloudtrail.send(new LookupEventsCommand({ MaxResults: 2 }));
    expect(first.Events?.map((event) => recordOf(event).requestParameters?.userName)).toEqual(['user-4', 'user-3']);
    clock.advance(1000);
    await iam.send(new CreateUserCommand({ UserName: 'late' }));
    const second = await cloudtrail.send(new LookupEventsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    const third = await cloudtrail.send(new LookupEventsCommand({ MaxResults: 2, NextToken: second.NextToken }));
    expect([...second.Events!, ...third.Events!].map((event) => recordOf(event).requestParameters?.userName)).toEqual(['user-2', 'user-1', 'user-0']);
    expect(third.NextToken).toBeUndefined();
    expect((await cloudtrail.send(new LookupEventsCommand({}))).Events).toHaveLength(6);
  });

  it('answers empty pages with a NextToken under the fault, and a full lookup still gets everything', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, faults: { emptyPageRate: 1, lookupEventsRate: 0 } });
    const cloudtrail = clientsFor(sandbox, KEYS.mallory).cloudtrail;
    const first = await cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 }));
    expect(first.Events).toEqual([]);
    expect(first.NextToken).toBeTruthy();
    expect((await lookup(cloudtrail, { MaxResults: 1 })).map((event) => event.EventName)).toEqual(['UpdateLoginProfile', 'DeleteLoginProfile']);
  });

  it('sees only the last 90 days, and honours StartTime and EndTime', async () => {
    const clock = new ManualClock();
    const seed = {
      account: '111122223333',
      caller: 'admin',
      users: [{ name: 'admin' }],
      events: [
        { eventName: 'CreateUser', time: '100 days ago', by: 'admin' },
        { eventName: 'TagUser', time: '89 days ago', by: 'admin' },
        { eventName: 'UntagUser', time: '10 days ago', by: 'admin' },
        { eventName: 'DeleteUser', time: '1 hour ago', by: 'admin' },
      ],
    };
    const { sandbox } = await sandboxWith({ seed, clock: clock.now, ...unlimited });
    const cloudtrail = clientsFor(sandbox, KEYS.unknown).cloudtrail;
    const names = async (input: LookupEventsCommandInput = {}) => (await lookup(cloudtrail, input)).map((event) => event.EventName);
    expect(await names()).toEqual(['DeleteUser', 'UntagUser', 'TagUser']);
    expect(await names({ StartTime: new Date(clock.current.getTime() - 200 * DAY) })).toEqual(['DeleteUser', 'UntagUser', 'TagUser']);
    expect(await names({ StartTime: new Date(clock.current.getTime() - 20 * DAY), EndTime: new Date(clock.current.getTime() - 2 * 60 * 60 * 1000) })).toEqual(['UntagUser']);
    clock.advance(2 * DAY);
    expect(await names()).toEqual(['DeleteUser', 'UntagUser']);
  });

  it('allows 2 requests per second per account, then answers ThrottlingException', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, clock: clock.now });
    const admin = clientsFor(sandbox, KEYS.admin).cloudtrail;
    await admin.send(new LookupEventsCommand({}));
    await admin.send(new LookupEventsCommand({}));
    const throttled = await failure(admin.send(new LookupEventsCommand({})));
    expect([throttled.name, throttled.message, throttled.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 'Rate exceeded', 400]);
    // Another account has its own allowance.
    await clientsFor(sandbox, KEYS.mallory).cloudtrail.send(new LookupEventsCommand({}));
    clock.advance(500);
    await admin.send(new LookupEventsCommand({}));
    expect((await failure(admin.send(new LookupEventsCommand({})))).name).toBe('ThrottlingException');
  });

  it('lets the limit be raised or turned off', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, clock: clock.now, faults: { lookupEventsRate: 0 } });
    const admin = clientsFor(sandbox, KEYS.admin).cloudtrail;
    for (let i = 0; i < 10; i++) await admin.send(new LookupEventsCommand({}));
  });

  it.each([
    { title: 'two lookup attributes', input: { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'A' }, { AttributeKey: 'Username', AttributeValue: 'b' }] }, name: 'InvalidLookupAttributesException' },
    { title: 'MaxResults 51', input: { MaxResults: 51 }, name: 'InvalidMaxResultsException' },
    { title: 'MaxResults 0', input: { MaxResults: 0 }, name: 'InvalidMaxResultsException' },
    { title: 'a start after the end', input: { StartTime: new Date('2026-11-02'), EndTime: new Date('2026-11-01') }, name: 'InvalidTimeRangeException' },
    { title: 'a NextToken it never issued', input: { NextToken: 'garbage' }, name: 'InvalidNextTokenException' },
    { title: 'ReadOnly neither true nor false', input: { LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'maybe' }] }, name: 'InvalidLookupAttributesException' },
  ] as const)('answers $name for $title', async ({ input, name }) => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, ...unlimited });
    const error = await failure(clientsFor(sandbox, KEYS.admin).cloudtrail.send(new LookupEventsCommand(input as LookupEventsCommandInput)));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual([name, 400]);
  });
});
