/**
 * `drift` and `status` on an organization, against the sandbox's organization: per-account reports in one
 * document, drift attributed per account through that account's own CloudTrail (mallory deleted bob's password in
 * prod-web), exit codes as for one account with the failure tolerance on top, and every format.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { organizationDriftCommand } from '../../src/cli/commands/org-drift.js';
import { organizationStatusCommand } from '../../src/cli/commands/org-status.js';
import { organizationPlanCommand } from '../../src/cli/commands/org-plan.js';
import { mergeReportsCommand, type MergeFlags } from '../../src/cli/commands/merge-reports.js';
import type { DriftFlags } from '../../src/cli/commands/drift.js';
import type { StatusFlags } from '../../src/cli/commands/status.js';
import type { OrganizationFlags } from '../../src/cli/organization-options.js';
import { parseOrganizationDocument } from '../../src/plan/organization-saved.js';
import type { OrganizationDocument } from '../../src/plan/organization-report.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server.js';
import { capture } from '../support/org-run.js';
import { exampleOrganizationIn } from '../support/organization.js';

const SEED = fileURLToPath(new URL('../../examples/sandbox/organization.yaml', import.meta.url));

let sandbox: SandboxHandle;
let dir: string;

beforeEach(async () => {
  sandbox = await startSandbox({ seed: SEED, faults: { latencyMs: 0, rate: 0, burst: 0, failureRate: 0, dropRate: 0, emptyPageRate: 0, lookupEventsRate: 0 } });
  dir = await mkdtemp(join(tmpdir(), 'iampass-org-'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAADMIN00000000001');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'sandbox-admin-secret');
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await sandbox.close();
});

const org = () => exampleOrganizationIn(dir, { policy: false });
const config = () => ({ file: join(dir, 'iampass.yaml'), sha256: '0'.repeat(64) });

async function drift(flags: Partial<DriftFlags & OrganizationFlags> = {}) {
  const run = capture(dir);
  const code = await organizationDriftCommand(org(), config(), { config: config().file, format: 'text', concurrency: 4, endpointUrl: sandbox.url, ignore: [], ...flags }, run.environment, run.stop);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

async function status(flags: Partial<StatusFlags & OrganizationFlags> = {}) {
  const run = capture(dir);
  const code = await organizationStatusCommand(org(), config(), { config: config().file, format: 'text', concurrency: 4, endpointUrl: sandbox.url, interactive: false, ...flags }, run.environment, run.stop);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('drift on an organization file', () => {
  it('reports each account\'s drift, attributed through that account\'s CloudTrail, and exits 2 within the tolerance', async () => {
    const { code, stdout } = await drift({ failureTolerance: 1 });
    expect(code).toBe(2);
    expect(stdout).toContain('══ 222222222222 prod-web ══ via arn:aws:iam::222222222222:role/OrganizationAccountAccessRole');
    expect(stdout).toContain('user:bob:console');
    expect(stdout).toMatch(/changed: +arn:aws:iam::222222222222:user\/contractors\/mallory \(DeleteLoginProfile, key AKIAMALLORY000000001\)/);
    expect(stdout).toContain('3 accounts: 1 in sync, 1 drifted, 0 errors, 1 unreachable; 2 skipped.');
    expect(stdout).toContain('1 account failed; the failure tolerance is 0'.replace('0', '1'));
  });

  it('exits 1 when more accounts fail than tolerated, whatever drifted', async () => {
    expect((await drift({ attribution: false })).code).toBe(1);
  });

  it('writes the JSON document (each account\'s drift report with its Slack text) and the HTML page', async () => {
    const html = join(dir, 'drift.html');
    const { stdout } = await drift({ format: 'json', failureTolerance: 1, html });
    const parsed = parseOrganizationDocument(JSON.parse(stdout));
    expect(parsed).toMatchObject({ ok: true });
    const doc = (parsed as { doc: OrganizationDocument<'drift'> }).doc;
    expect(doc.accounts.map((a) => [a.account, a.status, a.report?.status ?? null])).toEqual([
      ['222222222222', 'changes', 'drifted'],
      ['333333333333', 'in-sync', 'in-sync'],
      ['555555555555', 'unreachable', null],
    ]);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<table id="accounts">');
    expect(page).toContain('<section id="account-222222222222">');
    expect(page).toContain('arn:aws:iam::222222222222:user/contractors/mallory');
    expect(page).not.toMatch(/<script/i);
  });
});

describe('status on an organization file', () => {
  it('lists every governed user per account, and exits 0 within the tolerance', async () => {
    const { code, stdout } = await status({ failureTolerance: 1 });
    expect(code).toBe(0);
    expect(stdout).toMatch(/══ 222222222222 prod-web ══[\s\S]*alice +yes[\s\S]*bob +no/);
    expect(stdout).toMatch(/══ 333333333333 staging ══[\s\S]*carol +yes/);
    expect(stdout.replace(/ +/g, ' ')).toContain('222222222222 prod-web differs 2 1');
  });

  it('prints a JSON document valid against the schema', async () => {
    const { stdout, code } = await status({ format: 'json' });
    expect(code).toBe(1); // the unreachable account, tolerance 0
    const parsed = parseOrganizationDocument(JSON.parse(stdout));
    expect(parsed).toMatchObject({ ok: true });
    expect((parsed as { doc: OrganizationDocument<'status'> }).doc.accounts.map((a) => a.report?.users.map((u) => u.user) ?? null)).toEqual([['alice', 'bob'], ['carol'], null]);
  });
});

describe('merge-reports', () => {
  async function shardReports(count: number, kind: 'drift' | 'plan' = 'drift'): Promise<string[]> {
    const files: string[] = [];
    for (let index = 1; index <= count; index++) {
      const output = join(dir, `${kind}-${index}.json`);
      if (kind === 'drift') await drift({ format: 'json', output, shard: { index, count }, failureTolerance: 1 });
      else {
        const run = capture(dir);
        await organizationPlanCommand(org(), config(), { config: config().file, format: 'json', out: output, concurrency: 4, endpointUrl: sandbox.url, shard: { index, count }, failureTolerance: 1 }, run.environment, run.stop);
      }
      files.push(output);
    }
    return files;
  }

  async function merge(files: string[], flags: Partial<MergeFlags> = {}) {
    const run = capture(dir);
    const code = await mergeReportsCommand(files, { format: 'json', ...flags }, run.environment).catch((e: unknown) => e);
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }

  it('gives the unsplit run\'s report and exit code from its shards', async () => {
    const whole = JSON.parse((await drift({ format: 'json', failureTolerance: 1 })).stdout) as OrganizationDocument<'drift'>;
    const merged = await merge(await shardReports(2));
    expect(merged.code).toBe(2);
    const doc = JSON.parse(merged.stdout) as OrganizationDocument<'drift'>;
    expect(parseOrganizationDocument(doc)).toMatchObject({ ok: true });
    expect(doc.targets.shard).toBeNull();
    expect(doc.summary).toEqual(whole.summary);
    expect(doc.accounts.map((a) => [a.account, a.status])).toEqual(whole.accounts.map((a) => [a.account, a.status]));
    const text = await merge(await shardReports(2), { format: 'text' });
    expect(text.stdout).toContain('3 accounts: 1 in sync, 1 drifted, 0 errors, 1 unreachable; 2 skipped.');
  });

  it('makes the accounts of a missing shard errors that say which shard to run again', async () => {
    const [first] = await shardReports(2);
    const merged = await merge([first!], { format: 'text' });
    expect(merged.code).toBe(1);
    expect(merged.stdout).toContain('error: no report covers this account: the report of shard 2/2 is missing');
    expect(merged.stdout).toContain('fix: run shard 2/2 again and merge its report');
  });

  it('refuses reports that are not shards of one run, naming each problem', async () => {
    const drifts = await shardReports(2);
    const plans = await shardReports(2, 'plan');
    const mixed = await merge([drifts[0]!, plans[1]!]);
    expect((mixed.code as Error).message).toContain(`error: ${plans[1]} is not a shard of the same run as ${drifts[0]}: the kind differs`);
    const twice = await merge([drifts[0]!, drifts[0]!]);
    expect((twice.code as Error).message).toContain(`are both shard 1/2`);
  });

  it('merges plan shards into a plan document apply can take', async () => {
    const merged = await merge(await shardReports(2, 'plan'), { detailedExitcode: true });
    expect(merged.code).toBe(2);
    const doc = JSON.parse(merged.stdout) as OrganizationDocument<'plan'>;
    expect(doc.kind).toBe('organization-plan');
    expect(doc.accounts.map((a) => a.account)).toEqual(['222222222222', '333333333333', '555555555555']);
  });
});
