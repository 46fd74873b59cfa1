/**
 * Password files and OpenPGP keys are read as regular files of a sane size: anything else is refused by name,
 * promptly, and no message ever carries what the file holds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyError, loadEncryptionKey } from '../../src/apply/pgp.js';
import { resolvePassword, SecretError } from '../../src/apply/secrets.js';
import { AWS_DEFAULT_PASSWORD_RULES } from '../../src/model/policy.js';

const dir = mkdtempSync(join(tmpdir(), 'iampass-apply-files-'));
const at = (name: string) => join(dir, name);
const PASSWORD = 'Correct-Horse-9!';

beforeAll(() => {
  writeFileSync(at('password.txt'), `${PASSWORD}\n`);
  writeFileSync(at('long.txt'), `${PASSWORD}${'x'.repeat(4096)}`);
  spawnSync('mkfifo', [at('fifo')]);
  mkdirSync(at('a-directory'));
  symlinkSync(at('loop-b'), at('loop-a'));
  symlinkSync(at('loop-a'), at('loop-b'));
  writeFileSync(at('huge.asc'), 'x'.repeat(1024 * 1024 + 1));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fromFile = (path: string) => resolvePassword({ kind: 'file', path }, AWS_DEFAULT_PASSWORD_RULES, {});

async function refused<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return (error as Error).message;
}

describe('password files', () => {
  it('reads the password, without its final line break', async () => {
    expect(await fromFile(at('password.txt'))).toBe(PASSWORD);
  });

  it.each([
    ['a FIFO', 'fifo', 'is a named pipe (FIFO), not a regular file'],
    ['a directory', 'a-directory', 'is a directory, not a regular file'],
    ['a loop of links', 'loop-a', 'is a loop of symbolic links'],
    ['a file over 4 KiB', 'long.txt', 'is over the 4 KiB limit for a password file'],
  ])('refuses %s, naming it and nothing it holds', async (_, name, problem) => {
    const message = await refused(fromFile(at(name)), SecretError);
    expect(message).toBe(`password file ${at(name)} ${problem}`);
    expect(message).not.toContain(PASSWORD);
  });

  it('refuses a file in /proc, which could hold the environment and its secrets', async () => {
    const message = await refused(fromFile('/proc/self/environ'), SecretError);
    expect(message).toContain('kernel file system');
    expect(message).not.toContain('PATH=');
  });
});

describe('OpenPGP keys', () => {
  it.each([
    ['a FIFO', 'fifo', 'is a named pipe (FIFO), not a regular file'],
    ['a directory', 'a-directory', 'is a directory, not a regular file'],
    ['a loop of links', 'loop-a', 'is a loop of symbolic links'],
    ['a key over 1 MiB', 'huge.asc', 'is over the 1 MiB limit for an OpenPGP key'],
    ['a missing key', 'absent.asc', 'does not exist'],
  ])('refuses %s, naming it', async (_, name, problem) => {
    expect(await refused(loadEncryptionKey(at(name)), KeyError)).toBe(`OpenPGP key ${at(name)} ${problem}`);
  });
});
