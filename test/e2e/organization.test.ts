/**
 * An organization end to end: the built binary on examples/organization (its baseline, its two section files)
 * against the sandbox seeded with examples/sandbox/organization.yaml. plan, drift (attributed per account), status,
 * plan --out then apply PLANFILE (bob's new password encrypted to a key made here, decrypted, and checked against the
 * sandbox's stored hash), drift in sync afterwards; the SUSPENDED account skipped and said, an invited account
 * without the role and a wrong ExternalId unreachable with AWS's error and a fix, the failure tolerance deciding the
 * exit code, and shards merged into the unsplit run's report. Every output is searched for the password.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrganizationDocument } from '../../src/plan/organization-saved.js';
import type { OrganizationDocument } from '../../src/plan/organization-report.js';
import { baseEnv, newestDelivery, ROOT, runCli, sandboxAccepts, sandboxTarget, tempDir, type CliResult, type Target } from './harness.js';

let target: Target;
let dir: string;
let env: NodeJS.ProcessEnv;
let keys: { publicKey: string; privateKey: string };
const outputs: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  target = await sandboxTarget({ seed: join(ROOT, 'examples', 'sandbox', 'organization.yaml') });
  dir = await tempDir('iampass-org-e2e-');
  await cp(join(ROOT, 'examples', 'organization'), dir, { recursive: true });
  // bob's key, with its private half here so the test can read what apply delivered.
  keys = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Bob', email: 'bob@example.com' }], format: 'armored' });
  await writeFile(join(dir, 'keys', 'bob.asc'), keys.publicKey);
  // The admin of the management account, by the access key the seed gives it.
  env = { ...baseEnv(target.url), AWS_ACCESS_KEY_ID: 'AKIAADMIN00000000001', AWS_SECRET_ACCESS_KEY: 'sandbox-admin-secret' };
}, 60_000);

afterAll(async () => {
  outputs.push(...(await target.artefacts()));
  await target.close();
  for (const secret of secrets) for (const text of outputs) expect(text.includes(secret), 'a password leaked').toBe(false);
});

async function iampass(...args: string[]): Promise<CliResult> {
  const result = await runCli(args, { env, cwd: dir });
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function variant(name: string, edit: (text: string) => string): Promise<string> {
  await writeFile(join(dir, name), edit(await readFile(join(dir, 'iampass.yaml'), 'utf8')));
  return name;
}

describe('an organization, end to end on the sandbox (built binary)', () => {
  it('plans every target through its role, saying what is skipped, with the JSON held to its schema', async () => {
    const text = await iampass('plan');
    expect(text.code).toBe(0);
    expect(text.stderr).toContain('Organization o-qowoz1topz: 2 target accounts.');
    expect(text.stderr).toContain('skipped 111111111111 management: the management account');
    expect(text.stderr).toContain('skipped 444444444444 legacy: SUSPENDED: only ACTIVE accounts are governed');
    expect(text.stdout).toContain('══ 222222222222 prod-web ══ via arn:aws:iam::222222222222:role/OrganizationAccountAccessRole');
    expect(text.stdout).toMatch(/\+ bob +enable console access with a generated password/);
    expect(text.stdout).toContain('══ 333333333333 staging ══ via arn:aws:iam::333333333333:role/OrganizationAccountAccessRole');
    expect(text.stdout).toMatch(/maxAgeDays: 30/);
    expect(text.stdout).toContain('2 accounts: 0 in sync, 2 with changes, 0 errors, 0 unreachable; 2 skipped.');

    const json = await iampass('plan', '--format', 'json', '--out', 'org.plan.json', '--detailed-exitcode');
    expect(json.code).toBe(2);
    const parsed = parseOrganizationDocument(JSON.parse(json.stdout));
    expect(parsed).toMatchObject({ ok: true });
    const doc = (parsed as { doc: OrganizationDocument<'plan'> }).doc;
    expect(doc.files.map((f) => f.file)).toEqual(['iampass.yaml', 'accounts/prod-web.yaml', 'accounts/staging.yaml']);
    expect(await readFile(join(dir, 'org.plan.json'), 'utf8')).toBe(json.stdout);
  });

  it('reports drift per account, naming who made it, and status per account', async () => {
    const drift = await iampass('drift', '--format', 'json');
    expect(drift.code).toBe(2);
    const doc = JSON.parse(drift.stdout) as OrganizationDocument<'drift'>;
    const bob = doc.accounts[0]?.report?.items.find((i) => i.address === 'user:bob:console');
    expect(bob?.attribution).toMatchObject({ status: 'found', eventName: 'DeleteLoginProfile', actor: { arn: 'arn:aws:iam::222222222222:user/contractors/mallory' } });
    // --fast: each account from its credential report, the same drift found.
    const fast = await iampass('drift', '--fast', '--no-attribution', '--format', 'json');
    expect(fast.code).toBe(2);
    const fastDoc = JSON.parse(fast.stdout) as OrganizationDocument<'drift'>;
    expect(fastDoc.accounts.map((a) => a.report?.mode)).toEqual(doc.accounts.map((a) => (a.report ? 'fast' : undefined)));
    expect(fastDoc.accounts[0]?.report?.items.map((i) => i.address)).toContain('user:bob:console');
    const status = await iampass('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/══ 333333333333 staging ══[\s\S]*carol +yes/);
  });

  it('applies the saved plan account by account; the delivered password is the one the sandbox holds', async () => {
    const applied = await iampass('apply', 'org.plan.json', '--delivery-dir', 'delivery');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/222222222222 +prod-web +applied +2 done, 0 failed/);
    expect(applied.stdout).toMatch(/333333333333 +staging +applied +1 done, 0 failed/);
    const armored = await readFile(await newestDelivery(join(dir, 'delivery'), 'bob', '.password.asc', '222222222222'), 'utf8');
    const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored }), decryptionKeys: await openpgp.readPrivateKey({ armoredKey: keys.privateKey }) });
    const password = String(data).trim();
    secrets.push(password);
    expect(await sandboxAccepts(target, 'bob', password, '222222222222')).toBe(true);

    const again = await iampass('apply', 'org.plan.json', '--delivery-dir', 'delivery');
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/222222222222 +prod-web +failed +error: saved plan org\.plan\.json is stale/);
    expect((await iampass('drift', '--no-attribution')).code).toBe(0);
  });

  it('counts an account whose role cannot be assumed against the failure tolerance, and says why', async () => {
    const all = await variant('all.yaml', (t) => t.replace('    exclude: ["555555555555"]', ''));
    const strict = await iampass('plan', '-c', all);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('══ 555555555555 acquired ══ unreachable');
    expect(strict.stdout).toContain('unreachable: AssumeRole arn:aws:iam::555555555555:role/OrganizationAccountAccessRole failed: AccessDenied');
    expect(strict.stdout).toContain('fix: check that role OrganizationAccountAccessRole exists in account 555555555555');
    expect(strict.stdout).toContain('1 account failed; the failure tolerance is 0: the run fails.');
    expect((await iampass('plan', '-c', all, '--failure-tolerance', '1')).code).toBe(0);
  });

  it('reports a wrong ExternalId as unreachable, never skipping the account silently', async () => {
    await writeFile(join(dir, 'accounts', 'staging-wrong.yaml'), (await readFile(join(dir, 'accounts', 'staging.yaml'), 'utf8')).replace('staging-external-id', 'not-the-id'));
    const wrong = await variant('wrong-id.yaml', (t) => t.replace('accounts/staging.yaml', 'accounts/staging-wrong.yaml'));
    const plan = await iampass('plan', '-c', wrong, '--account', '333333333333');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/333333333333 +staging +unreachable/);
    expect(plan.stdout).toContain("that the role's sts:ExternalId condition expects the ExternalId the file sets");
  });

  it('splits drift into shards whose merged report is the unsplit run\'s', async () => {
    const all = 'all.yaml';
    const whole = await iampass('drift', '-c', all, '--format', 'json', '--failure-tolerance', '1', '--no-attribution');
    for (const index of [1, 2]) {
      const shard = await iampass('drift', '-c', all, '--shard', `${index}/2`, '--format', 'json', '-o', `drift-${index}.json`, '--failure-tolerance', '1', '--no-attribution');
      expect([0, 2]).toContain(shard.code);
    }
    const merged = await iampass('merge-reports', 'drift-1.json', 'drift-2.json', '--format', 'json');
    expect(merged.code).toBe(whole.code);
    const a = JSON.parse(merged.stdout) as OrganizationDocument<'drift'>;
    const b = JSON.parse(whole.stdout) as OrganizationDocument<'drift'>;
    expect(a.accounts.map((x) => [x.account, x.status])).toEqual(b.accounts.map((x) => [x.account, x.status]));
    expect(a.summary).toEqual(b.summary);
    const missing = await iampass('merge-reports', 'drift-1.json', '--format', 'text');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('the report of shard 2/2 is missing');
  });
});
