/**
 * `apply` on an organization, and `apply PLANFILE` of a saved organization plan, against the sandbox's organization:
 * per account the same lock, re-check and delivery as one account's apply (passwords to DIR/ACCOUNT/, each checked
 * against the sandbox's stored hash), one approval for all, the unreachable account counted against the tolerance,
 * and a saved plan verified offline (a forged action refuses everything before any call) and live per account.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApplyFlags } from '../../src/cli/commands/apply.js';
import { organizationApplyCommand, organizationApplySaved } from '../../src/cli/commands/org-apply.js';
import { organizationPlanCommand } from '../../src/cli/commands/org-plan.js';
import type { OrganizationFlags } from '../../src/cli/organization-options.js';
import type { OrganizationDocument } from '../../src/plan/organization-report.js';
import { deliveredPasswords, sandboxAccepts, sandboxTarget, tempDir, transcript, type Target } from '../e2e/harness.js';
import { capture } from '../support/org-run.js';
import { exampleOrganizationIn } from '../support/organization.js';

const SEED = fileURLToPath(new URL('../../examples/sandbox/organization.yaml', import.meta.url));

let target: Target;
let dir: string;

beforeEach(async () => {
  target = await sandboxTarget({ seed: SEED });
  dir = await tempDir('iampass-org-apply-');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAADMIN00000000001');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'sandbox-admin-secret');
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await target.close();
});

const org = () => exampleOrganizationIn(dir);
const config = () => ({ file: join(dir, 'iampass.yaml'), sha256: '0'.repeat(64) });
const flags = (over: Partial<ApplyFlags & OrganizationFlags> = {}): ApplyFlags & OrganizationFlags => ({
  config: config().file,
  concurrency: 4,
  endpointUrl: target.url,
  interactive: false,
  passwordDir: join(dir, 'passwords'),
  deliveryDir: join(dir, 'delivery'),
  failureTolerance: 1,
  ...over,
});

async function apply(over: Partial<ApplyFlags & OrganizationFlags> = {}) {
  const run = capture(dir);
  const code = await organizationApplyCommand(org(), config(), flags(over), run.environment, run.stop).catch((e: unknown) => e);
  transcript.push(run.stdout(), run.stderr());
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

async function plan(out?: string) {
  const run = capture(dir);
  const code = await organizationPlanCommand(org(), config(), { ...flags(), config: config().file, format: 'json', ...(out ? { out } : {}) }, run.environment, run.stop);
  return { code, doc: JSON.parse(run.stdout()) as OrganizationDocument<'plan'> };
}

const events = () => target.requestLog()?.filter((l) => / (CreateLoginProfile|UpdateAccountPasswordPolicy|CreatePolicy) /.test(l)).length ?? 0;

describe('apply on an organization file', () => {
  it('applies every reachable account through its role, delivering to DIR/ACCOUNT/ passwords the sandbox accepts', async () => {
    const { code, stdout } = await apply({ autoApprove: true });
    expect(code).toBe(0); // acquired is unreachable, within the tolerance of 1
    expect(stdout).toContain('══ 222222222222 prod-web ══ apply');
    expect(stdout).toMatch(/done +\+ bob: /);
    expect(stdout).toMatch(/222222222222 +prod-web +applied +2 done, 0 failed/);
    expect(stdout).toMatch(/333333333333 +staging +applied +1 done, 0 failed/);
    expect(stdout).toMatch(/555555555555 +acquired +unreachable +AssumeRole/);
    expect(stdout).toContain('3 accounts: 1 failed (tolerance 1).');
    const passwords = await deliveredPasswords(join(dir, 'passwords'), '222222222222');
    expect([...passwords.keys()]).toEqual(['bob']);
    expect(await sandboxAccepts(target, 'bob', passwords.get('bob')!, '222222222222')).toBe(true);
    for (const text of [stdout, ...(await target.artefacts())]) expect(text).not.toContain(passwords.get('bob')!);

    const again = await plan();
    expect(again.doc.accounts.map((a) => [a.account, a.status])).toEqual([
      ['222222222222', 'in-sync'],
      ['333333333333', 'in-sync'],
      ['555555555555', 'unreachable'],
    ]);
  });

  it('refuses without a terminal or --auto-approve, before any write in any account', async () => {
    const before = events();
    const { code } = await apply();
    expect((code as Error).message).toContain('apply needs approval, and there is no terminal to ask on.');
    expect((code as Error).message).toContain('Nothing was changed in any account.');
    expect(events()).toBe(before);
  });

  it('refuses an account whose generated passwords have nowhere to go, and applies the others', async () => {
    const { code, stdout } = await apply({ autoApprove: true, passwordDir: undefined, failureTolerance: 5 });
    expect(code).toBe(0);
    expect(stdout).toMatch(/222222222222 +prod-web +refused +apply would set 1 generated password with no way to deliver it: bob/);
    expect(stdout).toMatch(/333333333333 +staging +applied/);
  });

  it('fails the run when more accounts fail than tolerated, still applying the others', async () => {
    const { code, stdout } = await apply({ autoApprove: true, failureTolerance: 0 });
    expect(code).toBe(1);
    expect(stdout).toMatch(/333333333333 +staging +applied/);
    expect(stdout).toContain('3 accounts: 1 failed (tolerance 0): the run fails.');
  });
});

describe('apply PLANFILE of an organization plan', () => {
  it('applies exactly the saved plans, then refuses them as stale account by account', async () => {
    const file = join(dir, 'org.plan.json');
    await plan(file);
    const doc = JSON.parse(await readFile(file, 'utf8')) as OrganizationDocument<'plan'>;
    const run = capture(dir);
    expect(await organizationApplySaved(file, doc, org(), config(), flags(), run.environment, run.stop)).toBe(0);
    expect(run.stdout()).toMatch(/222222222222 +prod-web +applied/);
    expect(run.stderr()).toContain('Checking the saved organization plan');
    const passwords = await deliveredPasswords(join(dir, 'passwords'), '222222222222');
    expect(await sandboxAccepts(target, 'bob', passwords.get('bob')!, '222222222222')).toBe(true);

    const second = capture(dir);
    expect(await organizationApplySaved(file, doc, org(), config(), flags({ failureTolerance: 2 }), second.environment, second.stop)).toBe(1);
    expect(second.stdout()).toMatch(/222222222222 +prod-web +failed +error: saved plan .* is stale/);
    expect(second.stdout()).toMatch(/333333333333 +staging +failed +error: saved plan .* is stale/);
  });

  it('refuses a forged action before any call to AWS', async () => {
    const file = join(dir, 'org.plan.json');
    await plan(file);
    const doc = JSON.parse(await readFile(file, 'utf8')) as OrganizationDocument<'plan'>;
    const bob = doc.accounts[0]!.report!.actions.find((a) => 'user' in a && a.user === 'bob') as { after: { passwordResetRequired: boolean } };
    bob.after.passwordResetRequired = false;
    await writeFile(file, JSON.stringify(doc));
    const requests = target.requests();
    const run = capture(dir);
    const error = await organizationApplySaved(file, doc, org(), config(), flags(), run.environment, run.stop).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`error: saved plan ${file} is not what its configuration gives for account 222222222222: 1 difference`);
    expect(target.requests()).toBe(requests);
  });
});
