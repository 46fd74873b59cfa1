/**
 * A second client for the services an organization needs: the AWS CLI (botocore), where one is installed (it is
 * not a project dependency, so the test says so and skips elsewhere). botocore serialises differently from the
 * SDK for JavaScript (CloudTrail's long X-Amz-Target, its own paginators), so this proves the wire, not one SDK.
 */
import { execFile, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { KEYS, ORGANIZATION_SEED, sandboxWith, type Credentials } from './helpers.js';

const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasAwsCli) console.log('the AWS CLI is not installed: the sandbox organization AWS CLI test is skipped.');

/** Asynchronous: the sandbox runs in this process and must keep answering while the CLI waits. */
function aws(sandbox: SandboxHandle, credentials: Credentials, ...args: string[]) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: sandbox.url,
      ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    };
    execFile('aws', ['--output', 'json', ...args], { env }, (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

describe.skipIf(!hasAwsCli)('the AWS CLI against an organization sandbox', () => {
  it('lists accounts through empty pages, assumes a role, and looks up who deleted bob\'s password', async () => {
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, faults: { emptyPageRate: 1, lookupEventsRate: 0 } });
    const accounts = await aws(sandbox, KEYS.admin, 'organizations', 'list-accounts', '--page-size', '2');
    expect(accounts.stderr).toBe('');
    const listed = (JSON.parse(accounts.stdout) as { Accounts: { Id: string; Status: string }[] }).Accounts;
    expect(listed.map((account) => `${account.Id}:${account.Status}`)).toEqual([
      '111111111111:ACTIVE', '222222222222:ACTIVE', '333333333333:ACTIVE', '444444444444:SUSPENDED', '555555555555:ACTIVE',
    ]);

    const denied = await aws(sandbox, KEYS.mallory, 'organizations', 'list-roots');
    expect(denied.stderr).toContain("(AccessDeniedException) when calling the ListRoots operation: You don't have permissions to access this resource.");

    const assumed = await aws(sandbox, KEYS.admin, 'sts', 'assume-role', '--role-arn', 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', '--role-session-name', 'cli');
    const { Credentials: c } = JSON.parse(assumed.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
    const session = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    expect(JSON.parse((await aws(sandbox, session, 'sts', 'get-caller-identity')).stdout)).toMatchObject({
      Account: '222222222222',
      Arn: 'arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/cli',
    });

    const lookup = await aws(sandbox, session, 'cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=ResourceName,AttributeValue=bob');
    expect(lookup.stderr).toBe('');
    const events = (JSON.parse(lookup.stdout) as { Events: { EventName: string; Username: string; CloudTrailEvent: string }[] }).Events;
    expect(events.map((event) => [event.EventName, event.Username])).toEqual([['DeleteLoginProfile', 'mallory']]);
    expect(JSON.parse(events[0]!.CloudTrailEvent)).toMatchObject({ userIdentity: { arn: 'arn:aws:iam::222222222222:user/contractors/mallory' } });

    const expired = await aws(sandbox, { ...session, sessionToken: 'not-a-token' }, 'iam', 'list-users');
    expect(expired.stderr).toContain('(InvalidClientTokenId)');
  }, 60_000);
});
