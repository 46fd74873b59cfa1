import { GetUserCommand, IAMClient, ListUsersCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_SEED, failure, sandboxWith, stsClient, track, SMALL_SEED } from './helpers.js';

async function post(url: string, body: string): Promise<{ status: number; text: string; requestId: string | null; contentType: string | null }> {
  const response = await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: response.status, text: await response.text(), requestId: response.headers.get('x-amzn-requestid'), contentType: response.headers.get('content-type') };
}

describe('awsQuery wire format', () => {
  it('wraps results in <ActionResponse> with the IAM namespace, a Result element and ResponseMetadata', async () => {
    const { sandbox } = await sandboxWith({ seed: SMALL_SEED });
    const response = await post(sandbox.url, 'Action=GetUser&Version=2010-05-08&UserName=alice');
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/xml');
    expect(response.text).toMatch(/^<GetUserResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">\n {2}<GetUserResult>\n {4}<User>/);
    expect(response.text).toContain('<CreateDate>');
    expect(response.text).toContain(`<RequestId>${response.requestId}</RequestId>`);
  });

  it('answers errors as <ErrorResponse> with Type, Code, Message and RequestId', async () => {
    const { sandbox } = await sandboxWith({ seed: SMALL_SEED });
    const response = await post(sandbox.url, 'Action=GetUser&Version=2010-05-08&UserName=nobody');
    expect(response.status).toBe(404);
    expect(response.text).toBe(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n' +
        '  <Error>\n    <Type>Sender</Type>\n    <Code>NoSuchEntity</Code>\n    <Message>The user with name nobody cannot be found.</Message>\n  </Error>\n' +
        `  <RequestId>${response.requestId}</RequestId>\n` +
        '</ErrorResponse>\n',
    );
  });

  it('answers 400 InvalidAction for an unknown action', async () => {
    const { sandbox } = await sandboxWith({ seed: SMALL_SEED });
    const response = await post(sandbox.url, 'Action=ListRoles&Version=2010-05-08');
    expect(response.status).toBe(400);
    expect(response.text).toContain('<Code>InvalidAction</Code>');
    expect(response.text).toContain('<Message>Could not find operation ListRoles for version 2010-05-08</Message>');
  });

  it('escapes text in XML so the SDK reads it back unchanged', async () => {
    const { sandbox, iam } = await sandboxWith({ seed: SMALL_SEED });
    const raw = await post(sandbox.url, 'Action=TagUser&Version=2010-05-08&UserName=bob&Tags.member.1.Key=a%3Cb%26c&Tags.member.1.Value=v');
    expect(raw.text).toContain("Value 'a&lt;b&amp;c' at 'tags.1.member.key'");
    const error = await failure(iam.send(new TagUserCommand({ UserName: 'bob', Tags: [{ Key: 'a<b&c', Value: 'v' }] })));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain("Value 'a<b&c' at 'tags.1.member.key' failed to satisfy constraint");
  });

  it('passes the request ID to the SDK as $metadata.requestId', async () => {
    const { iam } = await sandboxWith({ seed: SMALL_SEED });
    const output = await iam.send(new ListUsersCommand({}));
    expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const error = await failure(iam.send(new GetUserCommand({ UserName: 'nobody' })));
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('STS', () => {
  it('answers GetCallerIdentity with the seed\'s caller', async () => {
    const { sandbox } = await sandboxWith({ seed: EXAMPLE_SEED });
    const sts = track(sandbox, stsClient(sandbox));
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('123456789012');
    expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/admin');
    expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('answers InvalidAction for other STS operations, in the STS namespace', async () => {
    const { sandbox } = await sandboxWith({ seed: SMALL_SEED });
    const response = await post(sandbox.url, 'Action=GetSessionToken&Version=2011-06-15');
    expect(response.status).toBe(400);
    expect(response.text).toContain('xmlns="https://sts.amazonaws.com/doc/2011-06-15/"');
    expect(response.text).toContain('Could not find operation GetSessionToken for version 2011-06-15');
  });
});

describe('endpoint configuration', () => {
  const saved = { iam: process.env.AWS_ENDPOINT_URL_IAM, sts: process.env.AWS_ENDPOINT_URL_STS };
  afterEach(() => {
    for (const [name, value] of [['AWS_ENDPOINT_URL_IAM', saved.iam], ['AWS_ENDPOINT_URL_STS', saved.sts]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('works with clients configured only through AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL_STS', async () => {
    const { sandbox } = await sandboxWith({ seed: EXAMPLE_SEED });
    process.env.AWS_ENDPOINT_URL_IAM = sandbox.url;
    process.env.AWS_ENDPOINT_URL_STS = sandbox.url;
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const iam = track(sandbox, new IAMClient({ region: 'us-east-1', credentials }));
    const sts = track(sandbox, new STSClient({ region: 'us-east-1', credentials }));
    expect((await iam.send(new GetUserCommand({ UserName: 'alice' }))).User?.UserName).toBe('alice');
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
  });
});
