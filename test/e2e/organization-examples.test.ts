/**
 * The organization examples run: every iampass command in examples/organization/github/*.yml (a matrix of shards,
 * then a merge job) and examples/organization/kubernetes/*.yaml (an Indexed Job, then a merge Job) is found by
 * parsing the files and run through the built binary against the sandbox's organization, as the runner would: each
 * matrix value and each completion index in turn, `$((JOB_COMPLETION_INDEX + 1))` evaluated as sh does, globs
 * expanded, `|| test $? -eq 2` honoured. The merged report must be the one an unsplit run gives.
 */
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { OrganizationDocument } from '../../src/plan/organization-report.js';
import { iampassArgs, shellCommands } from '../support/shell.js';
import { baseEnv, ROOT, runCli, sandboxTarget, tempDir, type CliResult, type Target } from './harness.js';

const EXAMPLES = join(ROOT, 'examples', 'organization');

interface Step {
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { strategy?: { 'fail-fast'?: boolean; 'max-parallel'?: number; matrix?: { shard?: number[] } }; needs?: string; if?: string; steps: Step[] }>;
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Array<{ command: string[]; args: string[] }> } } };
}

let target: Target;
let work: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  target = await sandboxTarget({ seed: join(ROOT, 'examples', 'sandbox', 'organization.yaml') });
  work = await tempDir('iampass-org-examples-');
  // The repository the workflow checks out: the organization file at its top.
  for (const entry of ['iampass.yaml', 'accounts', 'keys']) await cp(join(EXAMPLES, entry), join(work, entry), { recursive: true });
  await mkdir(join(work, 'reports'));
  env = { ...baseEnv(target.url), AWS_ACCESS_KEY_ID: 'AKIAADMIN00000000001', AWS_SECRET_ACCESS_KEY: 'sandbox-admin-secret' };
}, 30_000);
afterAll(async () => target?.close());

/** `*` in a word, matched against the files of its directory (as sh expands it; sorted). */
async function expandGlobs(words: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const word of words) {
    if (!word.includes('*')) {
      out.push(word);
      continue;
    }
    const slash = word.lastIndexOf('/');
    const folder = slash === -1 ? '' : word.slice(0, slash + 1);
    const pattern = new RegExp(`^${word.slice(slash + 1).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const names = (await readdir(join(work, folder))).filter((n) => pattern.test(n)).sort();
    out.push(...(names.length === 0 ? [word] : names.map((n) => `${folder}${n}`)));
  }
  return out;
}

/** Runs the iampass commands of one shell script; `|| test $? -eq 2` makes exit 2 a success, as in the examples. */
async function runScript(script: string, vars: Record<string, string>, paths: (arg: string) => string = (a) => a): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (const command of shellCommands(script, vars)) {
    const args = iampassArgs(command.words);
    if (!args) continue;
    const result = await runCli(await expandGlobs(args.map(paths)), { env, cwd: work });
    if (command.stdoutTo) {
      const path = command.stdoutTo.path.startsWith('/') ? command.stdoutTo.path : join(work, command.stdoutTo.path);
      await writeFile(path, (command.stdoutTo.append ? await readFile(path, 'utf8').catch(() => '') : '') + result.stdout);
    }
    const tolerated = /\|\|\s*test \$\? -eq 2/.test(script) && result.code === 2;
    results.push(tolerated ? { ...result, code: 0 } : result);
  }
  return results;
}

describe('the organization examples, run against the sandbox', () => {
  it('GitHub: a matrix of shards (fail-fast off, max-parallel set), then one merged report with the unsplit exit code', async () => {
    const workflow = parse(await readFile(join(EXAMPLES, 'github', 'iampass-drift-matrix.yml'), 'utf8')) as Workflow;
    const drift = workflow.jobs.drift!;
    const merge = workflow.jobs.merge!;
    expect(drift.strategy?.['fail-fast']).toBe(false);
    expect(drift.strategy?.['max-parallel']).toBeGreaterThan(0);
    expect(merge.needs).toBe('drift');
    expect(merge.if).toBe('always()');
    const shards = drift.strategy?.matrix?.shard ?? [];
    expect(shards).toEqual([1, 2, 3, 4]);
    for (const shard of shards) {
      for (const step of drift.steps.filter((s) => s.run?.includes('iampass'))) {
        for (const result of await runScript(step.run!, { SHARD: String(shard) })) expect(result.code, result.stderr).toBe(0);
      }
    }
    const summary = join(work, 'step-summary.md');
    const merged: CliResult[] = [];
    for (const step of merge.steps.filter((s) => s.run?.includes('iampass'))) merged.push(...(await runScript(step.run!, { GITHUB_STEP_SUMMARY: summary })));
    const whole = await runCli(['drift', '-c', 'iampass.yaml', '--failure-tolerance', '1', '--format', 'json'], { env, cwd: work });
    expect(merged.map((r) => r.code)).toEqual([whole.code, whole.code]);
    expect(whole.code).toBe(2);
    const unsplit = JSON.parse(whole.stdout) as OrganizationDocument<'drift'>;
    const markdown = await readFile(summary, 'utf8');
    expect(markdown).toContain(`### iampass drift · organization ${unsplit.organization.id} · 2 accounts: ${unsplit.summary.inSync} in sync, ${unsplit.summary.changes} drifted`);
    expect(markdown).toContain('| `222222222222` | prod-web | drifted |');
    expect(await readFile(join(work, 'iampass-drift.html'), 'utf8')).toContain('<section id="account-222222222222">');
  });

  it('Kubernetes: an Indexed Job, one shard per completion index, then a Job that merges the reports', async () => {
    const docs = parseAllDocuments(await readFile(join(EXAMPLES, 'kubernetes', 'iampass-drift-indexed-job.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
    const [shards, merge] = docs;
    expect(shards?.spec.completionMode).toBe('Indexed');
    const completions = shards?.spec.completions ?? 0;
    expect(completions).toBe(4);
    const paths = (arg: string) => arg.replace(/^\/config\//, `${work}/`).replace(/^\/reports\//, 'reports/');
    for (let index = 0; index < completions; index++) {
      const container = shards!.spec.template.spec.containers[0]!;
      expect(container.command).toEqual(['sh', '-c']);
      // sh's arithmetic expansion, for the one expression the manifest uses.
      const script = container.args[0]!.replace(/\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/g, String(index + 1));
      for (const result of await runScript(script, { JOB_COMPLETION_INDEX: String(index) }, paths)) expect(result.code, result.stderr).toBe(0);
    }
    expect((await readdir(join(work, 'reports'))).filter((f) => f.startsWith('drift-')).sort()).toEqual(['drift-0.json', 'drift-1.json', 'drift-2.json', 'drift-3.json']);
    const [result] = await runScript(merge!.spec.template.spec.containers[0]!.args[0]!, {}, paths);
    expect(result?.code).toBe(2);
    expect(await readFile(join(work, 'reports', 'iampass-drift.html'), 'utf8')).toContain('<table id="accounts">');
  });
});
