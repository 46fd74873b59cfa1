/**
 * Apply under a hostile endpoint: 10% ServiceFailure, some dropped connections, and a rate limit whose burst is
 * well under the tool's concurrency. Nothing may be lost or done twice, and the next plan must be empty.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, deliveredPasswords, runCli, sandboxTarget, tempDir, writeConfig, type Target } from './harness.js';

const USERS = Array.from({ length: 200 }, (_, i) => `load-${String(i).padStart(3, '0')}`);

describe('apply against a faulty, rate-limited endpoint', () => {
  let target: Target;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir();
    const seed = join(dir, 'seed.yaml');
    await writeFile(
      seed,
      `account: "123456789012"\ncaller: admin\nusers:\n  - name: admin\n${USERS.map((u) => `  - name: ${u}\n    path: /load/\n`).join('')}`,
    );
    target = await sandboxTarget({ seed, faults: { failureRate: 0.1, dropRate: 0.02, rate: 150, burst: 4, faultSeed: 7 } });
  });
  afterAll(async () => target.close());

  it('creates all 200 profiles exactly once, and the next plan is empty', async () => {
    const file = await writeConfig(
      dir,
      `version: 1\nscope: { pathPrefix: /load/ }\ndefaults: { passwordResetRequired: true }\nusers:\n${USERS.map((u) => `  ${u}: { console: true }`).join('\n')}\n`,
    );
    const env = baseEnv(target.url);
    const passwordDir = join(dir, 'passwords');
    const applied = await runCli(['apply', '-c', file, '--auto-approve', '--password-dir', passwordDir, '--concurrency', '16'], { env });
    expect(applied.stderr).not.toContain('internal error');
    // The faults really bit: throttled reads, and ServiceFailure answers in the sandbox's own log.
    expect(applied.stderr).toMatch(/with \d+ calls, [1-9]\d* throttled/);
    expect(applied.stdout).toContain('Apply complete. 200 done, 0 failed.');
    expect(applied.code).toBe(0);
    const passwords = await deliveredPasswords(passwordDir);
    expect(passwords.size).toBe(200);

    const [, log = ''] = await target.artefacts();
    expect(log).toMatch(/CreateLoginProfile user=load-\d+ 500/);

    const again = await runCli(['plan', '-c', file, '--detailed-exitcode', '--concurrency', '16'], { env });
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    const outputs = [applied.stdout, applied.stderr, again.stdout, again.stderr, ...(await target.artefacts())];
    for (const password of passwords.values()) {
      for (const text of outputs) expect(text.includes(password)).toBe(false);
    }
  }, 180_000);
});
