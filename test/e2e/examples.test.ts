/**
 * The example workflows run: every iampass command in examples/github/*.yml and examples/kubernetes/*.yaml is
 * found by parsing the files (YAML, then the shell of each `run:` step), and run through the built binary against
 * a sandbox seeded with the example account, with the same flags and redirections. Workflows must stay thin: an
 * iampass command may not depend on a GitHub expression.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parsePlanDocument } from '../../src/plan/saved.js';
import { baseEnv, ROOT, runCli, sandboxTarget, tempDir, type CliResult, type Target } from './harness.js';
import { iampassArgs, shellCommands } from '../support/shell.js';

interface Invocation {
  file: string;
  args: string[];
  /** `> file` / `>> file` on the same command. */
  stdoutTo?: { path: string; append: boolean };
  /** Environment the step or container sets, as written. */
  env: Record<string, string>;
}

const EXAMPLES = join(ROOT, 'examples');

async function exampleFiles(): Promise<string[]> {
  const github = (await readdir(join(EXAMPLES, 'github'))).filter((f) => f.endsWith('.yml')).map((f) => join('github', f));
  const kube = (await readdir(join(EXAMPLES, 'kubernetes'))).filter((f) => f.endsWith('.yaml')).map((f) => join('kubernetes', f));
  return [...github, ...kube].sort();
}

interface Workflow {
  on: unknown;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, { steps: Array<{ run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, unknown> }> }>;
}

function invocations(file: string, text: string, vars: Record<string, string>): Invocation[] {
  const found: Invocation[] = [];
  if (file.startsWith('github/')) {
    const workflow = parse(text) as Workflow;
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) {
        if (!step.run) continue;
        for (const command of shellCommands(step.run, vars)) {
          const args = iampassArgs(command.words);
          if (args) found.push({ file, args, env: step.env ?? {}, ...(command.stdoutTo ? { stdoutTo: command.stdoutTo } : {}) });
        }
      }
    }
  } else {
    for (const doc of parseAllDocuments(text)) {
      const manifest = doc.toJS() as { kind: string; spec?: { jobTemplate?: { spec: { template: { spec: { containers: Array<{ command?: string[]; args?: string[]; env?: Array<{ name: string; value?: string }> }> } } } } } };
      if (manifest.kind !== 'CronJob') continue;
      for (const container of manifest.spec?.jobTemplate?.spec.template.spec.containers ?? []) {
        const args = iampassArgs([...(container.command ?? []), ...(container.args ?? [])]);
        const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '<from a secret>']));
        if (args) found.push({ file, args, env });
      }
    }
  }
  return found;
}

/** A webhook receiver on loopback, standing in for the Slack URL the examples keep in a secret. */
async function receiver(): Promise<{ url: string; bodies: Array<{ status: string }>; close(): Promise<void> }> {
  const bodies: Array<{ status: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the example workflows and manifests, run against the sandbox', () => {
  let target: Target;
  let work: string;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let vars: Record<string, string>;
  const texts = new Map<string, string>();

  beforeAll(async () => {
    target = await sandboxTarget({ seed: join(EXAMPLES, 'sandbox', 'account.yaml') });
    hook = await receiver();
    work = await tempDir('iampass-examples-');
    // The repository the workflows run in: the example file and its ignore rules at the top.
    await copyFile(join(EXAMPLES, 'iampass.yaml'), join(work, 'iampass.yaml'));
    await copyFile(join(EXAMPLES, '.iampassignore'), join(work, '.iampassignore'));
    await mkdir(join(work, 'keys'));
    await mkdir(join(work, 'reports'));
    await copyFile(join(EXAMPLES, 'keys', 'carol.asc'), join(work, 'keys', 'carol.asc'));
    vars = { RUNNER_TEMP: join(work, 'runner-temp'), GITHUB_STEP_SUMMARY: join(work, 'step-summary.md'), GITHUB_OUTPUT: join(work, 'output') };
    for (const file of await exampleFiles()) texts.set(file, await readFile(join(EXAMPLES, file), 'utf8'));
  });
  afterAll(async () => {
    await hook?.close();
    await target?.close();
  });

  /** Runs one found command as the step would: its env (secrets become the loopback receiver), its redirection. */
  async function run(inv: Invocation): Promise<CliResult> {
    const env = { ...baseEnv(target.url) };
    for (const [name, value] of Object.entries(inv.env)) {
      if (name === 'IAMPASS_WEBHOOK_URL') env[name] = hook.url;
      else if (!value.includes('${{')) env[name] = value;
      else throw new Error(`${inv.file}: the test does not know what to give ${name}`);
    }
    // Kubernetes mounts the ConfigMap at /config and the reports volume at /reports: here, in the work directory.
    const args = inv.args.map((a) => a.replace(/^\/config\//, `${work}/`).replace(/^\/reports\//, `${work}/reports/`));
    const result = await runCli(args, { env, cwd: work });
    if (inv.stdoutTo) {
      const path = join(work, inv.stdoutTo.path.startsWith(work) ? inv.stdoutTo.path.slice(work.length + 1) : inv.stdoutTo.path);
      const before = inv.stdoutTo.append ? await readFile(path, 'utf8').catch(() => '') : '';
      await writeFile(path, before + result.stdout);
    }
    return result;
  }

  const commandsOf = (file: string) => invocations(file, texts.get(file) ?? '', vars);

  it('finds an iampass command in every example, none depending on a GitHub expression', async () => {
    expect([...texts.keys()]).toEqual(['github/iampass-apply.yml', 'github/iampass-drift.yml', 'github/iampass-plan.yml', 'kubernetes/iampass-drift-cronjob.yaml']);
    for (const file of texts.keys()) {
      const found = commandsOf(file);
      expect(found.length, file).toBeGreaterThan(0);
      for (const inv of found) expect(inv.args.join(' '), file).not.toContain('${{');
    }
    expect(commandsOf('github/iampass-plan.yml').map((i) => i.args[0])).toEqual(['validate', 'plan']);
    expect(commandsOf('github/iampass-apply.yml').map((i) => i.args[0])).toEqual(['apply']);
  });

  it('wires the plan artifact from the plan workflow to the apply workflow, and never runs two applies at once', () => {
    const plan = parse(texts.get('github/iampass-plan.yml') ?? '') as Workflow;
    const apply = parse(texts.get('github/iampass-apply.yml') ?? '') as Workflow;
    const planSteps = Object.values(plan.jobs).flatMap((j) => j.steps);
    const applySteps = Object.values(apply.jobs).flatMap((j) => j.steps);
    const out = commandsOf('github/iampass-plan.yml').find((i) => i.args[0] === 'plan')?.args;
    const saved = out?.[(out?.indexOf('--out') ?? -2) + 1];
    const upload = planSteps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    const download = applySteps.find((s) => s.uses?.startsWith('actions/download-artifact'));
    expect(upload?.with?.path).toBe(saved);
    expect(download?.with?.name).toBe(upload?.with?.name);
    expect(commandsOf('github/iampass-apply.yml')[0]?.args[1]).toBe(saved);
    const comment = planSteps.find((s) => s.run?.startsWith('gh pr comment'));
    const markdown = commandsOf('github/iampass-plan.yml').find((i) => i.args[0] === 'plan')?.stdoutTo?.path;
    expect(comment?.run).toContain(`--body-file ${markdown}`);
    expect(apply.concurrency).toEqual({ group: 'iampass-apply', 'cancel-in-progress': false });
  });

  it('runs them in the order they would run: plan, drift (drifted), apply, drift (in sync)', async () => {
    const all = (file: string) => commandsOf(file);
    const [validate, plan] = all('github/iampass-plan.yml');
    expect((await run(validate as Invocation)).code).toBe(0);
    const planned = await run(plan as Invocation);
    expect(planned.stderr).not.toContain('error');
    expect(planned.code).toBe(0);
    const comment = await readFile(join(work, 'plan.md'), 'utf8');
    expect(comment).toContain('### iampass plan · account 123456789012 · Plan: 1 to add, 1 to change, 1 to destroy.');
    expect(parsePlanDocument(await readFile(join(work, 'iampass.plan.json'), 'utf8')).ok).toBe(true);

    const [ghDrift] = all('github/iampass-drift.yml');
    const [kubeDrift] = all('kubernetes/iampass-drift-cronjob.yaml');
    const drifted = await run(ghDrift as Invocation);
    expect(drifted.code).toBe(2);
    expect(await readFile(vars.GITHUB_STEP_SUMMARY as string, 'utf8')).toContain('### iampass drift · account 123456789012 · Drift: 8 items');
    expect(hook.bodies.map((b) => b.status)).toEqual(['drifted']);
    // The HTML report the workflow keeps as an artifact, and the CronJob writes to its volume.
    const upload = (parse(texts.get('github/iampass-drift.yml') ?? '') as Workflow).jobs.drift?.steps.find((st) => st.uses?.startsWith('actions/upload-artifact'));
    expect(await readFile(join(work, String(upload?.with?.path)), 'utf8')).toContain('<p class="headline">Drift: 8 items in live IAM differ from iampass.yaml (1 ignored).</p>');
    expect((await run(kubeDrift as Invocation)).code).toBe(2);
    expect(await readFile(join(work, 'reports', 'iampass-drift.html'), 'utf8')).toContain('Drift: 8 items');
    expect(hook.bodies.map((b) => b.status)).toEqual(['drifted', 'drifted']);

    const [apply] = all('github/iampass-apply.yml');
    const applied = await run(apply as Invocation);
    expect(applied.stderr).toContain('The saved plan still holds.');
    expect(applied.stdout).toContain('Apply complete. 3 done, 0 failed.');
    expect(applied.code).toBe(0);

    const quiet = await run(ghDrift as Invocation);
    expect(quiet.code).toBe(0);
    expect(await readFile(vars.GITHUB_STEP_SUMMARY as string, 'utf8')).toContain('No drift: live IAM matches iampass.yaml.');
    expect(hook.bodies).toHaveLength(2); // in sync, no heartbeat asked: nothing posted
    const heartbeat = await run(kubeDrift as Invocation);
    expect(heartbeat.code).toBe(0);
    expect(hook.bodies.map((b) => b.status)).toEqual(['drifted', 'drifted', 'in-sync']);
  });
});

describe('the shell reader the example test relies on', () => {
  it('reads words, quotes, variables and redirections', () => {
    expect(shellCommands(`npx --no-install iampass plan -c 'a b.yaml' --out "$T/p.json" > plan.md && gh pr comment 1\nnext --x=\${T}`, { T: '/tmp' })).toEqual([
      { words: ['npx', '--no-install', 'iampass', 'plan', '-c', 'a b.yaml', '--out', '/tmp/p.json'], stdoutTo: { path: 'plan.md', append: false } },
      { words: ['gh', 'pr', 'comment', '1'] },
      { words: ['next', '--x=/tmp'] },
    ]);
    expect(iampassArgs(['npx', '--no-install', 'iampass', 'drift'])).toEqual(['drift']);
    expect(iampassArgs(['gh', 'pr'])).toBeNull();
  });
});
