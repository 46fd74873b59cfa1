/**
 * `plan` on an organization: every target account planned through its assumed role against the sandbox's
 * organization (examples/sandbox/organization.yaml), the unreachable and skipped accounts said, and the three
 * formats: text (a section per account and a closing table), JSON (the versioned organization document, valid
 * against its schema), markdown (the per-account table first, within GitHub's limit). Exit codes follow the
 * failure tolerance.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { organizationPlanCommand } from '../../src/cli/commands/org-plan.js';
import type { PlanFlags } from '../../src/cli/commands/plan.js';
import type { OrganizationFlags } from '../../src/cli/organization-options.js';
import type { OrganizationDesired } from '../../src/model/organization.js';
import { parseOrganizationDocument } from '../../src/plan/organization-saved.js';
import type { OrganizationDocument } from '../../src/plan/organization-report.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { capture } from '../support/org-run.js';
import type { organizationDesired } from '../support/organization.js';
import { exampleOrganizationIn } from '../support/organization.js';

const SEED = fileURLToPath(new URL('../../examples/sandbox/organization.yaml', import.meta.url));

let sandbox: SandboxHandle;
let dir: string;

beforeEach(async () => {
  sandbox = await startSandbox({ seed: SEED, faults: { latencyMs: 0, rate: 0, burst: 0, failureRate: 0, dropRate: 0, emptyPageRate: 0 } });
  dir = await mkdtemp(join(tmpdir(), 'iampass-org-'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAADMIN00000000001');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'sandbox-admin-secret');
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await sandbox.close();
});

const exampleOrganization = (over: Parameters<typeof organizationDesired>[1] = {}) => exampleOrganizationIn(dir, over);

async function plan(org: OrganizationDesired, flags: Partial<PlanFlags & OrganizationFlags> = {}) {
  const run = capture(dir);
  const config = { file: org.files[0]!.file, sha256: org.files[0]!.sha256 };
  const code = await organizationPlanCommand(org, config, { config: config.file, format: 'text', concurrency: 4, endpointUrl: sandbox.url, interactive: false, ...flags }, run.environment, run.stop);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('plan on an organization file', () => {
  it('plans each target through its role, says the skipped and unreachable accounts, and closes with one table', async () => {
    const { code, stdout, stderr } = await plan(exampleOrganization());
    expect(code).toBe(1); // acquired (555555555555) has no role to assume, and the tolerance is 0
    expect(stderr).toContain('Organization o-');
    expect(stderr).toContain('3 target accounts');
    expect(stderr).toMatch(/skipped 111111111111 management: the management account/);
    expect(stderr).toMatch(/skipped 444444444444 legacy: SUSPENDED: only ACTIVE accounts are governed/);
    expect(stdout).toContain('══ 222222222222 prod-web ══ via arn:aws:iam::222222222222:role/OrganizationAccountAccessRole');
    expect(stdout).toContain('Account 222222222222 (as arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/iampass)');
    expect(stdout).toMatch(/\+ bob +enable console access with a generated password/);
    expect(stdout).toContain('══ 333333333333 staging ══ via arn:aws:iam::333333333333:role/OrganizationAccountAccessRole');
    expect(stdout).toContain('══ 555555555555 acquired ══ unreachable');
    expect(stdout).toContain('unreachable: AssumeRole arn:aws:iam::555555555555:role/OrganizationAccountAccessRole failed: AccessDenied: User: arn:aws:iam::111111111111:user/admin is not authorized');
    expect(stdout).toContain('fix: check that role OrganizationAccountAccessRole exists in account 555555555555');
    const table = stdout.slice(stdout.indexOf('ACCOUNT '));
    expect(table.split('\n').slice(0, 4).map((l) => l.replace(/ +/g, ' '))).toEqual([
      'ACCOUNT NAME STATUS ADD CHANGE DESTROY WARNINGS',
      expect.stringMatching(/^222222222222 prod-web changes 1 1 0 \d+$/),
      expect.stringMatching(/^333333333333 staging changes 1 0 0 \d+$/),
      '555555555555 acquired unreachable - - - -',
    ]);
    expect(stdout).toContain('3 accounts: 0 in sync, 2 with changes, 0 errors, 1 unreachable; 2 skipped. Plan: 2 to add, 1 to change, 0 to destroy.');
    expect(stdout).toContain('1 account failed; the failure tolerance is 0: the run fails.');
  });

  it('exits 2 with --detailed-exitcode once the unreachable account is within the tolerance', async () => {
    expect((await plan(exampleOrganization(), { failureTolerance: 1, detailedExitcode: true })).code).toBe(2);
    expect((await plan(exampleOrganization(), { failureTolerance: 1 })).code).toBe(0);
  });

  it('saves and prints the versioned organization document, valid against its schema', async () => {
    const out = join(dir, 'org.plan.json');
    const { stdout } = await plan(exampleOrganization(), { format: 'json', out, failureTolerance: 1 });
    const saved = await readFile(out, 'utf8');
    expect(saved).toBe(stdout);
    const parsed = parseOrganizationDocument(JSON.parse(saved));
    expect(parsed).toMatchObject({ ok: true });
    const doc = (parsed as { doc: OrganizationDocument<'plan'> }).doc;
    expect(doc.kind).toBe('organization-plan');
    expect(doc.accounts.map((a) => [a.account, a.status, a.report?.account ?? null])).toEqual([
      ['222222222222', 'changes', '222222222222'],
      ['333333333333', 'changes', '333333333333'],
      ['555555555555', 'unreachable', null],
    ]);
    expect(doc.targets.skipped.map((s) => s.id)).toEqual(['111111111111', '444444444444']);
    expect(doc.summary).toEqual({ accounts: 3, inSync: 0, changes: 2, error: 0, unreachable: 1, skipped: 2, failed: 1, add: 2, change: 1, destroy: 0 });
    expect(Object.keys(JSON.parse(saved) as object)).toEqual(['formatVersion', 'kind', 'organization', 'callerArn', 'checkedAt', 'config', 'files', 'targets', 'failureTolerance', 'summary', 'accounts']);
  });

  it('puts the per-account table first in markdown, within the comment limit', async () => {
    const { stdout } = await plan(exampleOrganization(), { format: 'markdown' });
    const table = stdout.indexOf('| account | name | status |');
    expect(table).toBeGreaterThan(0);
    expect(table).toBeLessThan(stdout.indexOf('<details>'));
    expect(stdout).toContain('| `555555555555` | acquired | unreachable | - | - | - | - |');
    expect(stdout.length).toBeLessThanOrEqual(65_536);
  });

  it('narrows to --account and splits by --shard into disjoint parts that cover every target', async () => {
    const one = await plan(exampleOrganization(), { account: ['333333333333'], format: 'json' });
    expect((JSON.parse(one.stdout) as OrganizationDocument).accounts.map((a) => a.account)).toEqual(['333333333333']);
    const shards = await Promise.all([1, 2].map((index) => plan(exampleOrganization(), { shard: { index, count: 2 }, format: 'json', failureTolerance: 1 })));
    const ids = shards.map((s) => (JSON.parse(s.stdout) as OrganizationDocument).accounts.map((a) => a.account));
    expect(ids).toEqual([['222222222222', '555555555555'], ['333333333333']]);
  });

  it('refuses a listed account outside the organization before reading any account', async () => {
    const error = await plan(exampleOrganization({ targets: { accounts: ['222222222222', '999999999999'] } })).catch((x: unknown) => x);
    expect((error as Error).message).toContain('iampass.yaml: error: organization.targets.accounts names 999999999999, which is not an account of organization o-');
    expect(sandbox.snapshot().accounts.find((a) => a.id === '222222222222')?.events.length).toBe(2); // only the seed's
  });
});
