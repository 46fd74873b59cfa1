/**
 * scripts/ci-node.mjs, which CI uses to run the suite on Node 22 and 24: it asks npm for this machine's package
 * and refuses a binary that is not the major asked for. npm is replaced by a stand-in on PATH that records what
 * it was asked and lays out the package as the registry's does, so the test needs no network.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/harness.js';

const SCRIPT = join(ROOT, 'scripts', 'ci-node.mjs');
const PACKAGE = `node-linux-${process.arch}`;

/** A fake `npm install --prefix DIR PKG@MAJOR` whose node binary reports `reports`. */
async function fakeNpm(reports: string): Promise<{ path: string; asked: () => Promise<string> }> {
  const bin = await mkdtemp(join(tmpdir(), 'iampass-fake-npm-'));
  const log = join(bin, 'asked');
  await writeFile(
    join(bin, 'npm'),
    [
      '#!/bin/sh',
      `echo "$@" > ${log}`,
      'while [ "$1" != "--prefix" ]; do shift; done; prefix="$2"',
      'for last in "$@"; do :; done; name="${last%@*}"',
      'mkdir -p "$prefix/node_modules/$name/bin"',
      `printf '#!/bin/sh\\necho ${reports}\\n' > "$prefix/node_modules/$name/bin/node"`,
      'chmod +x "$prefix/node_modules/$name/bin/node"',
      'echo "added 1 package"',
    ].join('\n'),
  );
  await chmod(join(bin, 'npm'), 0o755);
  return { path: bin, asked: () => readFile(log, 'utf8') };
}

function run(args: string[], pathFirst: string) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${pathFirst}:${process.env.PATH}` } });
}

describe('installing a Node.js for CI (on Linux, where CI runs)', () => {
  it('asks npm for this machine\'s package at the major given, and prints only the folder of its node', async () => {
    const npm = await fakeNpm('v22.23.5');
    const dir = await mkdtemp(join(tmpdir(), 'iampass-node-'));
    const result = run(['22', dir], npm.path);
    expect(result.stderr).toContain('ci-node: Node.js v22.23.5 in');
    expect(result.status).toBe(0);
    expect(await npm.asked()).toMatch(new RegExp(`^install --prefix ${dir} .*${PACKAGE}@22\\n$`));
    expect(result.stdout).toBe(`${join(dir, 'node_modules', PACKAGE, 'bin')}\n`);
  });

  it('refuses a binary that reports another major', async () => {
    const npm = await fakeNpm('v20.20.2');
    const result = run(['24', await mkdtemp(join(tmpdir(), 'iampass-node-'))], npm.path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`ci-node: ${PACKAGE}@24 installed, but its node reports v20.20.2`);
    expect(result.stdout).toBe('');
  });

  it.each([[[]], [['22']], [['latest', '/tmp/x']]])('explains its usage when called with %j', (args) => {
    const result = run(args, '/nonexistent');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('usage: node scripts/ci-node.mjs <major> <dir>');
  });
});
