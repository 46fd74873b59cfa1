/**
 * An organization end to end on moto, the second opinion: an organization built through moto's Organizations API
 * (two member accounts, each with its own IAM users made through an assumed role), then the built binary's plan,
 * apply and plan again across both accounts. What moto cannot show is left to the sandbox suite: moto's AssumeRole
 * does not check that the role exists or trusts the caller (so no account is ever unreachable there), it stores no
 * password to check a delivery against, and it has no SUSPENDED accounts.
 */
import { CreateLoginProfileCommand, CreateUserCommand, GetLoginProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganizationDocument } from '../../src/plan/organization-report.js';
import { baseEnv, motoAvailable, motoTarget, runCli, SEEDED_PASSWORD, tempDir, type Target } from './harness.js';

const available = motoAvailable();
if (!available) console.log('moto is not importable by python3: the organization suite on moto is skipped.');

const caller = { accessKeyId: 'AKIDE2E', secretAccessKey: 'e2e-secret' };

describe.skipIf(!available)('an organization on moto (built binary)', () => {
  let target: Target;
  let dir: string;
  let members: string[];
  const iamIn = new Map<string, IAMClient>();

  beforeAll(async () => {
    target = await motoTarget();
    dir = await tempDir('iampass-org-moto-');
    const common = { endpoint: target.url, region: 'us-east-1', credentials: caller };
    const organizations = new OrganizationsClient(common);
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    members = [];
    for (const name of ['web', 'data']) {
      const created = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      members.push(created.CreateAccountStatus!.AccountId!);
    }
    members.sort();
    const sts = new STSClient(common);
    for (const account of members) {
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'setup' }));
      const c = assumed.Credentials!;
      const iam = new IAMClient({ ...common, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
      iamIn.set(account, iam);
      for (const user of ['alice', 'bob']) await iam.send(new CreateUserCommand({ UserName: user, Path: '/staff/' }));
      await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: SEEDED_PASSWORD }));
    }
    await writeFile(
      join(dir, 'iampass.yaml'),
      // No forced reset: moto answers SimulatePrincipalPolicy (asked for IP102 otherwise) with a 500.
      'version: 1\norganization:\n  targets: { all: true }\nscope: { pathPrefix: /staff/ }\ndefaults: { passwordResetRequired: false }\nusers:\n  alice: { console: true }\n  bob: { console: true }\n',
    );
  }, 60_000);
  afterAll(async () => target?.close());

  const iampass = (...args: string[]) => runCli(args, { env: baseEnv(target.url), cwd: dir });

  it('plans both member accounts through their roles, leaving the management account out', async () => {
    const plan = await iampass('plan', '--format', 'json', '--detailed-exitcode');
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stderr).toMatch(/skipped 123456789012 .*: the management account/);
    const doc = JSON.parse(plan.stdout) as OrganizationDocument<'plan'>;
    expect(doc.accounts.map((a) => [a.account, a.status, a.roleArn])).toEqual(members.map((m) => [m, 'changes', `arn:aws:iam::${m}:role/OrganizationAccountAccessRole`]));
    for (const entry of doc.accounts) expect(entry.report?.actions.map((a) => ('user' in a ? `${a.kind} ${a.user}` : a.kind))).toEqual(['create-login-profile bob']);
  });

  it('applies each account in its own IAM, delivering to DIR/ACCOUNT/, and converges', async () => {
    const applied = await iampass('apply', '--auto-approve', '--password-dir', 'pw');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    for (const account of members) {
      expect(applied.stdout).toMatch(new RegExp(`${account} +\\S+ +applied +1 done, 0 failed`));
      expect((await readdir(join(dir, 'pw', account))).filter((f) => f.startsWith('bob.'))).toHaveLength(1);
      const profile = await iamIn.get(account)!.send(new GetLoginProfileCommand({ UserName: 'bob' }));
      expect(profile.LoginProfile?.UserName).toBe('bob');
    }
    const again = await iampass('plan', '--detailed-exitcode');
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('2 accounts: 2 in sync, 0 with changes, 0 errors, 0 unreachable; 1 skipped.');
  });
});
