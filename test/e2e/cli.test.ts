/** The binary's offline paths: no endpoint, no nock, just the process a user runs. */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { WORKER_THRESHOLD_BYTES } from '../../src/config/load.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './harness.js';

const env = { PATH: process.env.PATH, NO_COLOR: '1' };

describe('iampass validate (built binary)', () => {
  it('accepts the shipped example and says how many users it lists', async () => {
    const result = await runCli(['validate', '-c', 'examples/iampass.yaml'], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('examples/iampass.yaml is valid: 5 users listed.\n');
  });

  it('reports every problem with file:line:col and a fix, exits 1, and prints no stack trace', async () => {
    const dir = await tempDir();
    const file = join(dir, 'broken.yaml');
    await writeFile(
      file,
      ['version: 1', 'passwordPolicy:', '  minimumLength: 200', '  requireUpercase: true', 'users:', '  alice: { console: true }', '  Alice: { console: false }', ''].join('\n'),
    );
    const result = await runCli(['validate', '-c', file], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((l) => /^\S+:\d+:\d+: error:/.test(l));
    expect(lines.map((l) => l.slice(file.length + 1).replace(/: error:.*/, ''))).toEqual(['3:18', '4:3', '7:3']);
    expect(result.stderr).toContain('fix:');
    expect(result.stderr).toMatch(/3 errors and 1 warning in .*broken\.yaml\.\n/);
    expect(result.stderr).not.toMatch(/nothing was changed/i); // validate never changes anything
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('names a missing file instead of crashing', async () => {
    const result = await runCli(['validate', '-c', 'no/such/iampass.yaml'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no/such/iampass.yaml: error:');
    expect(result.stderr).not.toContain('internal error');
  });

  it('rejects a bad flag value with the rule, before doing anything', async () => {
    const result = await runCli(['plan', '--concurrency', '0'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--concurrency must be a whole number from 1 to 64.');
  });

  it('documents the exit codes in --help', async () => {
    const result = await runCli(['--help'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes: 0 success (no changes), 1 error, 2 success with changes');
  });

  it('parses a large file (off the main thread) with the same positions and messages', async () => {
    const dir = await tempDir();
    const file = join(dir, 'big.yaml');
    const users = Array.from({ length: 5000 }, (_, i) => `  user-${String(i).padStart(5, '0')}: { console: true }`);
    users[4321] = '  user-04321: { console: maybe }';
    // an anchor and an alias: the plain reader declines the file, so the yaml library parses it, in the worker
    users[0] = '  user-00000: &on { console: true }';
    users[1] = '  user-00001: *on';
    await writeFile(file, `version: 1\nusers:\n${users.join('\n')}\n`);
    expect((await stat(file)).size).toBeGreaterThan(WORKER_THRESHOLD_BYTES);
    // the executable is a bundle with the worker beside it (scripts/bundle.mjs): a hook says whether a thread started
    const started = join(dir, 'worker-started');
    const hook = join(dir, 'hook.mjs');
    await writeFile(hook, `import { writeFileSync } from 'node:fs';\nprocess.on('worker', () => writeFileSync(${JSON.stringify(started)}, 'yes'));\n`);
    const result = await runCli(['validate', '-c', file], { env: { ...env, NODE_OPTIONS: `--import ${hook}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:4324:26: error: console must be true or false, got "maybe"`);
    expect(await readFile(started, 'utf8')).toBe('yes');
  });
});
