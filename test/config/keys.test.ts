import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyDirectoryError, resolveKeyDirectory } from '../../src/config/keys.js';
import { parseConfig } from '../../src/config/load.js';
import type { DesiredState } from '../../src/model/desired.js';

let dir: string;
let keys: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iampass-keys-'));
  keys = join(dir, 'keys');
  mkdirSync(keys);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function desired(users: string[], pgpKeyDir = 'keys'): DesiredState {
  const source = `version: 1\ndefaults: { pgpKeyDir: ${pgpKeyDir} }\nusers:\n${users.map((u) => `  ${u}: { console: true }\n`).join('')}`;
  const result = parseConfig(source, join(dir, 'iampass.yaml'));
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.state;
}

async function failure(state: DesiredState): Promise<string> {
  const error = await resolveKeyDirectory(state).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyDirectoryError);
  return (error as Error).message;
}

describe('defaults.pgpKeyDir', () => {
  it('gives a user the key <dir>/<name>.asc when it is there; a user without one has no key', async () => {
    writeFileSync(join(keys, 'alice.asc'), 'a key');
    const state = await resolveKeyDirectory(desired(['alice', 'bob']));
    expect(state.users.map((u) => [u.name, u.pgpKey])).toEqual([
      ['alice', join(keys, 'alice.asc')],
      ['bob', null],
    ]);
  });

  it.each([
    ['a loop of links', (p: string) => (symlinkSync(`${p}.other`, p), symlinkSync(p, `${p}.other`)), 'is a loop of symbolic links'],
    ['a dangling link', (p: string) => symlinkSync(join(dir, 'gone.asc'), p), 'is a symbolic link to'],
    ['a directory', (p: string) => mkdirSync(p), 'is a directory, not a regular file'],
    ['a FIFO', (p: string) => spawnSync('mkfifo', [p]), 'is a named pipe (FIFO), not a regular file'],
    ['a key over 1 MiB', (p: string) => writeFileSync(p, 'x'.repeat(1024 * 1024 + 1)), 'is over the 1 MiB limit for an OpenPGP key'],
  ])('is an error naming the file when a key is there but is %s (never "no key")', async (_, make, problem) => {
    make(join(keys, 'alice.asc'));
    const message = await failure(desired(['alice', 'bob']));
    expect(message).toContain(`OpenPGP key ${join(keys, 'alice.asc')} ${problem}`);
    expect(message).toContain('fix:');
  });

  it('names every unusable key at once', async () => {
    mkdirSync(join(keys, 'alice.asc'));
    symlinkSync(join(keys, 'carol.asc'), join(keys, 'carol.asc'));
    const message = await failure(desired(['alice', 'bob', 'carol']));
    expect(message).toMatch(/^error: 2 keys in defaults\.pgpKeyDir cannot be read:/);
    expect(message.indexOf('alice.asc')).toBeLessThan(message.indexOf('carol.asc'));
  });

  it.each([
    ['missing', 'nowhere', 'does not exist'],
    ['a file', 'iampass.yaml', 'is not a directory'],
  ])('is an error when the directory itself is %s', async (_, name, problem) => {
    writeFileSync(join(dir, 'iampass.yaml'), 'version: 1\n');
    expect(await failure(desired(['alice'], name))).toContain(`defaults.pgpKeyDir ${join(dir, name)} ${problem}`);
  });

  it('refuses a key directory in /proc', async () => {
    expect(await failure(desired(['alice'], '/proc/self'))).toContain('kernel file system');
  });
});
