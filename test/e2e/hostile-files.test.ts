/**
 * Hostile and mistaken files, through the built binary: a FIFO, a kernel file, a file nobody may read, a loop of
 * links where a key should be, a file nested 100,000 deep, control characters. Each ends by itself in exit 1 with a
 * message naming the file, never a hang, never a stack trace, never a password in plain text.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, BIN, buildAccount, ROOT, sandboxTarget, tempDir, type Target } from './harness.js';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary; kills it only if it is still running after a generous 30 s, which the test then reports. */
function run(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; uid?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], ...ids });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Exit 1 by itself (not killed), with `message` on stderr and no stack trace. */
function expectRefused(result: Run, message: string | RegExp): void {
  expect(result.signal, 'the process had to be killed: it hung').toBeNull();
  expect(result.code).toBe(1);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/maximum call stack|internal error/i);
}

/** Root reads any file whatever its mode, so "permission denied" is tried as the unprivileged user `nobody`. */
const asUnprivileged = process.getuid?.() === 0 ? { uid: 65534 } : {};

const env = { PATH: process.env.PATH, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  await chmod(dir, 0o755);
  const made = spawnSync('mkfifo', [join(dir, 'fifo.yaml')]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr.toString()}`);
});

describe('the desired-state file', () => {
  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    expectRefused(await run(['validate', '-c', join(dir, 'fifo.yaml')], { env }), `${join(dir, 'fifo.yaml')}: error: this is a named pipe (FIFO), not a regular file`);
  });

  it('refuses /proc/self/environ, and prints none of the environment', async () => {
    const result = await run(['validate', '-c', '/proc/self/environ'], { env: { ...env, SOME_SECRET: 'do-not-print-me' } });
    expectRefused(result, '/proc/self/environ: error: this is in a kernel file system (/proc, /sys), not a file iampass reads');
    expect(result.stderr + result.stdout).not.toContain('do-not-print-me');
  });

  it('refuses a device', async () => {
    expectRefused(await run(['validate', '-c', '/dev/zero'], { env }), '/dev/zero: error: this is a device, not a regular file');
  });

  it('says "permission denied" for a file the user may not read', async () => {
    const file = join(dir, 'locked.yaml');
    await writeFile(file, 'version: 1\n');
    await chmod(file, 0o000);
    expectRefused(await run(['validate', '-c', file], { env, ...asUnprivileged }), `${file}: error: this cannot be read: permission denied`);
  });

  it('stops at a stated depth for 100,000 nested `[`', async () => {
    const file = join(dir, 'deep.yaml');
    await writeFile(file, `version: 1\nusers: ${'['.repeat(100_000)}\n`);
    expectRefused(await run(['validate', '-c', file], { env }), 'error: lists and maps are nested more than 64 levels deep here');
  });

  it('prints control characters from the file as escapes', async () => {
    const file = join(dir, 'ansi.yaml');
    await writeFile(file, 'version: 1\n"\u001b[2J\u001b[31mgotcha": 1\n');
    const result = await run(['validate', '-c', file], { env });
    expectRefused(result, 'unknown key `\\x1b[2J\\x1b[31mgotcha` at the top level');
    expect(result.stderr).not.toContain('\u001b');
  });
});

describe('IAMPASS_CONFIG', () => {
  it('is the default for -c; -c wins over it', async () => {
    const viaEnv = await run(['validate'], { env: { ...env, IAMPASS_CONFIG: 'examples/iampass.yaml' }, cwd: ROOT });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toBe('examples/iampass.yaml is valid: 5 users listed.\n');
    const flagWins = await run(['validate', '-c', 'examples/iampass.yaml'], { env: { ...env, IAMPASS_CONFIG: 'no/such.yaml' }, cwd: ROOT });
    expect(flagWins.code).toBe(0);
  });

  it('names the missing file and how to write one from the account; validate says nothing about changes', async () => {
    const result = await run(['validate'], { env: { ...env, IAMPASS_CONFIG: 'prod.yaml' }, cwd: dir });
    expectRefused(result, 'prod.yaml: error: file not found');
    expect(result.stderr).toContain('or write one from the account: `iampass import -o prod.yaml`');
    expect(result.stderr).not.toMatch(/nothing was changed/i);
  });
});

describe('"nothing was changed"', () => {
  it('follows a config error only where a write could have happened (apply), not validate or plan', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'version: 2\n');
    for (const command of ['validate', 'plan']) {
      const result = await run([command, '-c', file], { env });
      expectRefused(result, `1 error in ${file}.`);
      expect(result.stderr).not.toMatch(/nothing was changed/i);
    }
    expectRefused(await run(['apply', '-c', file], { env }), `1 error in ${file}; nothing was changed.`);
  });
});

describe('passwords and keys, against the sandbox', () => {
  let target: Target;
  let work: string;
  let awsEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    target = await sandboxTarget();
    await buildAccount(target, { users: [{ name: 'alice' }, { name: 'bob' }] });
    awsEnv = { ...baseEnv(target.url), HOME: dir };
  });
  afterAll(() => target.close());

  const configure = async (yaml: string) => {
    work = await tempDir();
    await chmod(work, 0o755);
    await mkdir(join(work, 'keys'), { mode: 0o755 });
    await writeFile(join(work, 'iampass.yaml'), `version: 1\ndefaults: { pgpKeyDir: keys }\nusers:\n${yaml}`, { mode: 0o644 });
  };

  it('refuses a FIFO as a password file at once, in plan', async () => {
    await configure('  alice: { console: true, password: { file: pw.fifo } }\n');
    spawnSync('mkfifo', [join(work, 'pw.fifo')]);
    const result = await run(['plan', '--no-interactive'], { env: awsEnv, cwd: work });
    expectRefused(result, `alice: password file ${join(work, 'pw.fifo')} is a named pipe (FIFO), not a regular file`);
  });

  it('refuses a FIFO as a pgpKey at once', async () => {
    await configure('  alice: { console: true, pgpKey: alice.fifo }\n');
    spawnSync('mkfifo', [join(work, 'alice.fifo')]);
    expectRefused(await run(['plan', '--no-interactive'], { env: awsEnv, cwd: work }), `OpenPGP key ${join(work, 'alice.fifo')} is a named pipe (FIFO), not a regular file`);
  });

  it('treats a loop of links in pgpKeyDir as an error, not "no key": apply writes no plain-text password', async () => {
    await configure('  alice: { console: true }\n');
    await symlink(join(work, 'keys', 'alice.asc'), join(work, 'keys', 'alice.asc'));
    const before = target.actions().length;
    const result = await run(['apply', '--auto-approve', '--password-dir', 'pw'], { env: awsEnv, cwd: work });
    expectRefused(result, `OpenPGP key ${join(work, 'keys', 'alice.asc')} is a loop of symbolic links`);
    expect(result.stderr).toContain('Nothing was changed.');
    expect(await readdir(join(work, 'pw')).catch(() => [])).toEqual([]);
    expect(target.actions().slice(before).filter((a) => /^(Create|Update|Delete)/.test(a))).toEqual([]);
  });

  it('treats an unreadable key in pgpKeyDir as an error naming it', async () => {
    await configure('  alice: { console: true }\n');
    await writeFile(join(work, 'keys', 'alice.asc'), 'not even a key', { mode: 0o000 });
    await chmod(join(work, 'keys', 'alice.asc'), 0o000);
    const result = await run(['plan', '--no-interactive'], { env: awsEnv, cwd: work, ...asUnprivileged });
    expectRefused(result, `OpenPGP key ${join(work, 'keys', 'alice.asc')} cannot be read: permission denied`);
  });
});
