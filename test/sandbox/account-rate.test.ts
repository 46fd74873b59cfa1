/** Per-account rate limits: each calling account has its own bucket, as AWS limits IAM per account. */
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { resolveFaults } from '../../src/sandbox/faults.js';
import { clientsFor, KEYS, ManualClock, ORGANIZATION_SEED, sandboxWith } from './helpers.js';

async function outcomes(count: number, call: () => Promise<unknown>): Promise<string[]> {
  const results: string[] = [];
  for (let i = 0; i < count; i++) results.push(await call().then(() => 'ok', (error: Error) => error.name));
  return results;
}

describe('per-account rate limits', () => {
  it('throttle each account on its own: one account at its limit leaves another untouched', async () => {
    const clock = new ManualClock();
    const { sandbox } = await sandboxWith({ seed: ORGANIZATION_SEED, faults: { accountRate: 1, accountBurst: 3 }, clock: clock.now });
    const admin = clientsFor(sandbox, KEYS.admin);
    // AssumeRole is itself a call of the management account: the first of its three.
    const assumed = await admin.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', RoleSessionName: 'iampass' }));
    const { AccessKeyId, SecretAccessKey, SessionToken } = assumed.Credentials!;
    const prodWeb = clientsFor(sandbox, { accessKeyId: AccessKeyId!, secretAccessKey: SecretAccessKey!, sessionToken: SessionToken! });
    expect(await outcomes(3, () => admin.iam.send(new ListUsersCommand({})))).toEqual(['ok', 'ok', 'Throttling']);
    expect(await outcomes(4, () => prodWeb.iam.send(new ListUsersCommand({})))).toEqual(['ok', 'ok', 'ok', 'Throttling']);
    clock.advance(1_000);
    expect(await outcomes(2, () => admin.iam.send(new ListUsersCommand({})))).toEqual(['ok', 'Throttling']);
  });

  it('read IAMPASS_SANDBOX_ACCOUNT_RATE and _BURST, and refuse a negative rate', () => {
    expect(resolveFaults({}, { IAMPASS_SANDBOX_ACCOUNT_RATE: '40', IAMPASS_SANDBOX_ACCOUNT_BURST: '10' })).toMatchObject({ accountRate: 40, accountBurst: 10 });
    expect(() => resolveFaults({ accountRate: -1 })).toThrow(/invalid fault option accountRate=-1/);
  });
});
