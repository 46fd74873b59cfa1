import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPrivateDirectory,
  FILE_LIMITS,
  FileError,
  probeRegularFile,
  readRegularFile,
  readRegularTextFile,
  type FileLimits,
} from '../../src/util/files.js';

const dir = mkdtempSync(join(tmpdir(), 'iampass-files-'));
const at = (name: string) => join(dir, name);
const LIMITS: FileLimits = { what: 'test file', maxBytes: 16 };
let socketServer: Server;

beforeAll(async () => {
  writeFileSync(at('ok.txt'), 'hello');
  writeFileSync(at('exact.txt'), 'x'.repeat(16));
  writeFileSync(at('big.txt'), 'x'.repeat(17));
  writeFileSync(at('latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  const made = spawnSync('mkfifo', [at('fifo')]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr.toString()}`);
  mkdirSync(at('a-directory'));
  symlinkSync(at('loop-b'), at('loop-a'));
  symlinkSync(at('loop-a'), at('loop-b'));
  symlinkSync(at('nothing-here'), at('dangling'));
  symlinkSync('/proc/self/environ', at('environ-link'));
  symlinkSync(at('ok.txt'), at('good-link'));
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(at('socket'), resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => socketServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<FileError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileError);
  return error as FileError;
}

describe('readRegularFile', () => {
  it('reads a regular file, also through a link, and one exactly at its limit', async () => {
    expect((await readRegularFile(at('ok.txt'), LIMITS)).toString()).toBe('hello');
    expect((await readRegularFile(at('good-link'), LIMITS)).toString()).toBe('hello');
    expect(await readRegularFile(at('exact.txt'), LIMITS)).toHaveLength(16);
  });

  it.each([
    ['a FIFO', 'fifo', 'fifo', 'test file DIR/fifo is a named pipe (FIFO), not a regular file'],
    ['a socket', 'socket', 'socket', 'test file DIR/socket is a socket, not a regular file'],
    ['a directory', 'a-directory', 'directory', 'test file DIR/a-directory is a directory, not a regular file'],
    ['a loop of links', 'loop-a', 'symlink-loop', 'test file DIR/loop-a is a loop of symbolic links'],
    ['a dangling link', 'dangling', 'dangling-symlink', 'test file DIR/dangling is a symbolic link to DIR/nothing-here, which does not exist'],
    ['a missing file', 'absent', 'absent', 'test file DIR/absent does not exist'],
    ['a path through a file', 'ok.txt/more', 'bad-path', 'test file DIR/ok.txt/more cannot exist: a part of its path is a file, not a directory'],
    ['a file over the limit', 'big.txt', 'too-large', 'test file DIR/big.txt is over the 16 bytes limit for a test file'],
    ['a link into /proc', 'environ-link', 'special-filesystem', /^test file DIR\/environ-link leads to \/proc\/\d+\/environ, in a kernel file system/],
  ])('refuses %s, naming it, without waiting', async (_, name, reason, message) => {
    const error = await refusal(readRegularFile(at(name), LIMITS));
    expect(error.reason).toBe(reason);
    const shown = error.message.replaceAll(dir, 'DIR');
    if (typeof message === 'string') expect(shown).toBe(message);
    else expect(shown).toMatch(message);
    expect(error.hint.length).toBeGreaterThan(0);
  });

  it.each([
    ['/proc/self/environ', 'special-filesystem'],
    ['/proc/self/status', 'special-filesystem'],
    ['/sys/kernel/mm/transparent_hugepage/enabled', 'special-filesystem'],
    ['/dev/null', 'device'],
    ['/dev/zero', 'device'],
  ])('refuses %s (%s)', async (path, reason) => {
    expect((await refusal(readRegularFile(path, LIMITS))).reason).toBe(reason);
  });

  it('never puts the content of a refused file in its message', async () => {
    writeFileSync(at('secret.txt'), 'Sup3r-Secret-Value!'.repeat(4));
    const error = await refusal(readRegularFile(at('secret.txt'), LIMITS));
    expect(error.message).not.toContain('Sup3r');
  });

  it('states the limits of the real kinds of file', () => {
    expect(FILE_LIMITS.desiredState.maxBytes).toBe(16 * 1024 * 1024);
    expect(FILE_LIMITS.pgpKey.maxBytes).toBe(1024 * 1024);
    expect(FILE_LIMITS.passwordFile.maxBytes).toBe(4 * 1024);
  });
});

describe('readRegularTextFile', () => {
  it('refuses what is not UTF-8, and drops a byte-order mark', async () => {
    expect((await refusal(readRegularTextFile(at('latin1.txt'), LIMITS))).reason).toBe('not-text');
    writeFileSync(at('bom.txt'), '\uFEFFversion: 1');
    expect(await readRegularTextFile(at('bom.txt'), LIMITS)).toBe('version: 1');
  });
});

describe('probeRegularFile', () => {
  it('says false only when nothing at all is there', async () => {
    expect(await probeRegularFile(at('absent'), LIMITS)).toBe(false);
    expect(await probeRegularFile(at('ok.txt'), LIMITS)).toBe(true);
  });

  it.each([
    ['fifo', 'fifo'],
    ['a-directory', 'directory'],
    ['loop-a', 'symlink-loop'],
    ['dangling', 'dangling-symlink'],
  ])('throws for %s, which is there but cannot be read', async (name, reason) => {
    expect((await refusal(probeRegularFile(at(name), LIMITS))).reason).toBe(reason);
  });
});

describe('checkPrivateDirectory', () => {
  const base = mkdtempSync(join(tmpdir(), 'iampass-private-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

  it('creates an absent directory with mode 700, whatever the umask', async () => {
    const previous = process.umask(0o077 ^ 0o777); // a umask that would take the owner's bits away
    try {
      const result = await checkPrivateDirectory(join(base, 'new'));
      expect(result.created).toBe(true);
    } finally {
      process.umask(previous);
    }
    expect(mode(join(base, 'new'))).toBe('700');
  });

  it('accepts an existing directory only its owner can write, also through a link', async () => {
    mkdirSync(join(base, 'mine'), { mode: 0o700 });
    expect(await checkPrivateDirectory(join(base, 'mine'))).toEqual({ path: join(base, 'mine'), created: false });
    symlinkSync(join(base, 'mine'), join(base, 'mine-link'));
    expect((await checkPrivateDirectory(join(base, 'mine-link'))).path).toBe(join(base, 'mine'));
  });

  it.each([
    ['writable by its group', 0o770, /is writable by its group \(mode 770\)/],
    ['writable by everyone', 0o777, /is writable by its group \(mode 777\)/],
    ['writable by others', 0o702, /is writable by others \(mode 702\)/],
  ])('refuses a directory %s', async (name, bits, message) => {
    const path = join(base, name.replaceAll(' ', '-'));
    mkdirSync(path);
    chmodSync(path, bits);
    const error = await refusal(checkPrivateDirectory(path));
    expect(error.reason).toBe('unsafe-directory');
    expect(error.message).toMatch(message);
    expect(error.hint).toContain('chmod 700');
  });

  it('refuses a directory owned by someone else', async () => {
    // as root, give one away; otherwise the root directory is someone else's
    let path = '/';
    if (process.getuid?.() === 0) {
      path = join(base, 'theirs');
      mkdirSync(path, { mode: 0o700 });
      chownSync(path, 65534, 65534);
    }
    const error = await refusal(checkPrivateDirectory(path));
    expect(error.message).toMatch(/is owned by user id \d+, not by the user running iampass/);
  });

  it.each([
    ['a file', () => (writeFileSync(join(base, 'a-file'), 'x'), join(base, 'a-file')), 'unsafe-directory', /is not a directory/],
    ['a dangling link', () => (symlinkSync(join(base, 'gone'), join(base, 'dangling')), join(base, 'dangling')), 'dangling-symlink', /symbolic link to .*gone, which does not exist/],
    ['a directory in /proc', () => '/proc/self', 'special-filesystem', /kernel file system/],
    ['a link into /sys', () => (symlinkSync('/sys/kernel', join(base, 'sys-link')), join(base, 'sys-link')), 'special-filesystem', /leads to \/sys\/kernel/],
    ['a path under a file', () => (writeFileSync(join(base, 'plain-file'), 'x'), join(base, 'plain-file', 'sub')), 'bad-path', /a part of its path is a file/],
    ['a path whose parent is missing', () => join(base, 'no', 'such'), 'absent', /cannot be created: its parent .*no does not exist/],
  ])('refuses %s', async (_, make, reason, message) => {
    const error = await refusal(checkPrivateDirectory(make()));
    expect(error.reason, error.message).toBe(reason);
    expect(error.message).toMatch(message);
  });

  it('creates it in a parent everyone may write only if that parent has the sticky bit', async () => {
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const error = await refusal(checkPrivateDirectory(join(open, 'pw')));
    expect(error.message).toMatch(/writable by everyone without the sticky bit/);
    chmodSync(open, 0o1777);
    expect((await checkPrivateDirectory(join(open, 'pw'))).created).toBe(true);
  });
});
