/**
 * Reading the files a user names (the desired-state file, OpenPGP keys, password files, saved plans, ignore files)
 * without trusting them: each must be a regular file of a sane size, outside /proc and /sys. A FIFO, socket,
 * device or directory is refused by name, never waited on; a file is checked through the descriptor actually
 * opened (fstat, and on Linux the path the descriptor resolves to), so swapping the path between the check and
 * the read gains nothing. Problems are thrown as `FileError`, which callers turn into their own diagnostics.
 */
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readlink, realpath, stat, access, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { printable } from './printable.js';

/** Why a file was refused. `absent` is the only one a caller may choose to treat as "not configured". */
export type FileRefusal =
  | 'absent'
  | 'dangling-symlink'
  | 'symlink-loop'
  | 'bad-path'
  | 'directory'
  | 'fifo'
  | 'socket'
  | 'device'
  | 'special-filesystem'
  | 'permission'
  | 'too-large'
  | 'not-text'
  | 'unsafe-directory'
  | 'io';

/**
 * A file that cannot be used. `problem` is what is wrong, as a predicate without the file (`is a named pipe (FIFO),
 * not a regular file`) for diagnostics that print the path themselves; `hint` what to do; `message` the whole
 * sentence, naming the kind of file and the file (`OpenPGP key keys/a.asc is a named pipe ...`). Never carries any
 * of the file's content.
 */
export class FileError extends Error {
  override readonly name = 'FileError';
  constructor(
    readonly path: string,
    readonly what: string,
    readonly reason: FileRefusal,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${what} ${printable(path)} ${problem}`);
  }
}

/** What a file is for, and the most it may hold. `what` names it in messages ("desired-state file"). */
export interface FileLimits {
  what: string;
  maxBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * The limits, one per kind of input. A desired-state file takes 35 to 100 bytes a user, so 16 MiB holds 160,000 to
 * 480,000 users: an organization of 30 to 90 accounts at IAM's quota of 5,000 users each. Parsing one that large
 * takes about 10 s and 700 MB as plain YAML, a minute and 2 GB through the full YAML parser (measured); four times
 * that would exhaust Node's default heap instead of ending in a message. A saved plan is a few times its file.
 */
export const FILE_LIMITS = {
  desiredState: { what: 'desired-state file', maxBytes: 16 * MiB },
  savedPlan: { what: 'saved plan', maxBytes: 128 * MiB },
  ignoreFile: { what: 'ignore file', maxBytes: 1 * MiB },
  pgpKey: { what: 'OpenPGP key', maxBytes: 1 * MiB },
  passwordFile: { what: 'password file', maxBytes: 4 * KiB },
} as const satisfies Record<string, FileLimits>;

/** `64 MiB`, `4 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

/** The sticky bit (not in Node's fs.constants): in such a directory only an entry's owner may rename or remove it. */
const STICKY = 0o1000;

const SPECIAL_ROOTS = ['/proc', '/sys'];

/** True for an absolute path in /proc or /sys, whose files are views of the kernel, not data a user wrote. */
export function underSpecialRoot(path: string): boolean {
  return SPECIAL_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}

function special(path: string, where: string, what: string): FileError {
  return new FileError(
    path,
    what,
    'special-filesystem',
    `${where === path ? 'is' : `leads to ${printable(where)},`} in a kernel file system (/proc, /sys), not a file iampass reads`,
    'give the path of an ordinary file',
  );
}

/** What a non-regular file is, as a refusal. */
function kindOf(path: string, s: Stats, limits: FileLimits): FileError {
  const refuse = (reason: FileRefusal, kind: string, hint = `write the ${limits.what} to a regular file and give its path`) =>
    new FileError(path, limits.what, reason, `is ${kind}, not a regular file`, hint);
  if (s.isDirectory()) return refuse('directory', 'a directory', `give the path of the ${limits.what} itself`);
  if (s.isFIFO()) return refuse('fifo', 'a named pipe (FIFO)');
  if (s.isSocket()) return refuse('socket', 'a socket');
  if (s.isCharacterDevice() || s.isBlockDevice()) return refuse('device', 'a device');
  return refuse('io', 'something other than a file');
}

/** An error from the file system, in words, naming the file. */
async function explainError(path: string, error: unknown, limits: FileLimits): Promise<FileError> {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT': {
      const link = await lstat(path).catch(() => null);
      if (link?.isSymbolicLink()) {
        const target = await readlink(path).catch(() => '?');
        return new FileError(path, limits.what, 'dangling-symlink', `is a symbolic link to ${printable(target)}, which does not exist`, 'point the link at the file, or give the file\'s own path');
      }
      return new FileError(path, limits.what, 'absent', 'does not exist', `check the path (looked for ${printable(resolve(path))})`);
    }
    case 'ELOOP':
      return new FileError(path, limits.what, 'symlink-loop', 'is a loop of symbolic links', 'point the link at the file itself');
    case 'ENOTDIR':
      return new FileError(path, limits.what, 'bad-path', 'cannot exist: a part of its path is a file, not a directory', 'check the path');
    case 'ENAMETOOLONG':
      return new FileError(path, limits.what, 'bad-path', 'is too long a path for this system', 'check the path');
    case 'EISDIR':
      return new FileError(path, limits.what, 'directory', 'is a directory, not a regular file', `give the path of the ${limits.what} itself`);
    case 'EACCES':
    case 'EPERM':
      return new FileError(path, limits.what, 'permission', 'cannot be read: permission denied', `let the user running iampass read the ${limits.what}`);
    default:
      return new FileError(path, limits.what, 'io', `cannot be read (${printable(code ?? (error instanceof Error ? error.message : String(error)))})`, 'check the file');
  }
}

/** The path the open descriptor refers to (Linux), else the path with its links resolved; null when unknown. */
async function openedPath(handle: FileHandle, path: string): Promise<string | null> {
  const viaProc = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => null);
  if (viaProc !== null && viaProc.startsWith('/')) return viaProc;
  return realpath(path).catch(() => null);
}

/**
 * Opens `path` for reading if, and only if, it is a regular file within `limits`: never blocks on a FIFO (opened
 * non-blocking, and refused from its type before that), never opens a device, and judges the descriptor it opened.
 */
async function openRegular(path: string, limits: FileLimits): Promise<{ handle: FileHandle; size: number }> {
  if (underSpecialRoot(resolve(path))) throw special(path, path, limits.what);
  let before: Stats;
  try {
    before = await stat(path);
  } catch (error) {
    throw await explainError(path, error, limits);
  }
  // refused from the path's type first, so a device is never opened (opening some has effects)
  if (!before.isFile()) throw kindOf(path, before, limits);
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw await explainError(path, error, limits);
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw kindOf(path, opened, limits);
    const real = await openedPath(handle, path);
    if (real !== null && underSpecialRoot(real)) throw special(path, real, limits.what);
    if (opened.size > limits.maxBytes) throw tooLarge(path, limits);
    return { handle, size: opened.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function tooLarge(path: string, limits: FileLimits): FileError {
  return new FileError(
    path,
    limits.what,
    'too-large',
    `is over the ${formatBytes(limits.maxBytes)} limit for a${/^[aeiou]/i.test(limits.what) ? 'n' : ''} ${limits.what}`,
    `check that this is the ${limits.what} you meant`,
  );
}

/** The bytes of a regular file of at most `limits.maxBytes`; throws `FileError` otherwise. */
export async function readRegularFile(path: string, limits: FileLimits): Promise<Buffer> {
  const { handle, size } = await openRegular(path, limits);
  try {
    // read until the end, never past the limit: the file may grow after fstat
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const room = limits.maxBytes + 1 - total;
      if (room <= 0) break;
      const chunk = Buffer.allocUnsafe(Math.min(room, Math.max(size + 1 - total, 64 * KiB)));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    if (total > limits.maxBytes) throw tooLarge(path, limits);
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw await explainError(path, error, limits);
  } finally {
    await handle.close();
  }
}

/** UTF-8 text of a regular file (a leading byte-order mark dropped); throws `FileError` for anything else. */
export async function readRegularTextFile(path: string, limits: FileLimits): Promise<string> {
  return decodeText(path, await readRegularFile(path, limits), limits);
}

/** The text of bytes read by `readRegularFile`, refusing what is not UTF-8 (a binary file, UTF-16). */
export function decodeText(path: string, bytes: Uint8Array, limits: FileLimits): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuseText(path, limits);
  }
}

function refuseText(path: string, limits: FileLimits): never {
  throw new FileError(path, limits.what, 'not-text', 'is not UTF-8 text', `save the ${limits.what} as UTF-8`);
}

/**
 * Checks that `path` could be read as `readRegularFile` would read it (opens and closes it, reads nothing).
 * Returns false when nothing at all is at `path` (not even a dangling link); throws `FileError` otherwise.
 */
export async function probeRegularFile(path: string, limits: FileLimits): Promise<boolean> {
  try {
    await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw await explainError(path, error, limits);
  }
  const { handle } = await openRegular(path, limits);
  await handle.close();
  return true;
}

/** The result of `checkPrivateDirectory`: the directory's resolved path, and whether it was just made. */
export interface PrivateDirectory {
  path: string;
  created: boolean;
}

const PRIVATE_DIRECTORY: FileLimits = { what: 'password directory', maxBytes: 0 };

function unsafe(path: string, problem: string, hint: string): FileError {
  return new FileError(path, PRIVATE_DIRECTORY.what, 'unsafe-directory', problem, hint);
}

/** Owner and mode checks; skipped where the platform has no user ids. */
function checkOwnership(path: string, s: Stats, role: 'directory' | 'parent'): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (role === 'directory') {
    if (s.uid !== uid) {
      throw unsafe(path, `is owned by user id ${s.uid}, not by the user running iampass (${uid})`, 'use a directory of your own, e.g. a new one iampass creates');
    }
    if ((s.mode & 0o022) !== 0) {
      throw unsafe(path, `is writable by ${(s.mode & 0o020) !== 0 ? 'its group' : 'others'} (mode ${(s.mode & 0o777).toString(8).padStart(3, '0')}), so others could read or replace passwords written there`, `run \`chmod 700 ${printable(path)}\`, or use a new directory`);
    }
    return;
  }
  // a parent others may write to (without the sticky bit) lets them swap the directory for their own
  if ((s.mode & 0o002) !== 0 && (s.mode & STICKY) === 0) {
    throw unsafe(path, 'is writable by everyone without the sticky bit, so the directory inside it could be replaced', 'create the directory somewhere only you can write');
  }
}

/**
 * Makes sure `path` is a directory only its owner (the user running iampass) can write, fit to receive plain-text
 * passwords: refuses a file, a dangling link, anything in /proc or /sys, a directory that is not writable, owned by
 * someone else, or writable by group or others. Creates it with mode 0700 when absent (its parent must exist and
 * not be writable by everyone without the sticky bit). Throws `FileError` with reason `unsafe-directory` or the
 * reason the path cannot be used.
 */
export async function checkPrivateDirectory(path: string): Promise<PrivateDirectory> {
  const limits = PRIVATE_DIRECTORY;
  if (underSpecialRoot(resolve(path))) throw special(path, path, limits.what);
  let created = false;
  let link: Stats | null = null;
  try {
    link = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw await explainError(path, error, limits);
  }
  if (link === null) created = await makePrivate(path, limits);
  let s: Stats;
  try {
    s = await stat(path);
  } catch (error) {
    throw await explainError(path, error, limits);
  }
  if (!s.isDirectory()) {
    throw new FileError(path, limits.what, 'unsafe-directory', 'is not a directory', 'give the path of a directory (iampass creates it if it does not exist)');
  }
  const real = await realpath(path);
  if (underSpecialRoot(real)) throw special(path, real, limits.what);
  checkOwnership(path, s, 'directory');
  try {
    await access(path, constants.W_OK | constants.X_OK);
  } catch {
    throw unsafe(path, 'is not writable by the user running iampass', `run \`chmod 700 ${printable(path)}\`, or use another directory`);
  }
  return { path: real, created };
}

/** Creates `path` with mode 0700; false when something appeared there meanwhile (then checked like any other). */
async function makePrivate(path: string, limits: FileLimits): Promise<boolean> {
  const parent = dirname(resolve(path));
  let p: Stats;
  try {
    p = await stat(parent);
  } catch (error) {
    const e = await explainError(parent, error, limits);
    throw new FileError(path, limits.what, e.reason, `cannot be created: its parent ${printable(parent)} ${e.problem}`, 'create the parent directory first, or choose another path');
  }
  if (!p.isDirectory()) {
    throw new FileError(path, limits.what, 'bad-path', `cannot be created: its parent ${printable(parent)} is not a directory`, 'choose another path');
  }
  if (underSpecialRoot(await realpath(parent))) throw special(path, parent, limits.what);
  checkOwnership(parent, p, 'parent');
  try {
    // mkdir never follows a link planted at `path`: it fails if anything is there
    await mkdir(path, { mode: 0o700 });
    await chmod(path, 0o700); // the umask may have taken bits away; nothing else has been allowed in
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EACCES' || code === 'EPERM') {
      throw unsafe(path, `cannot be created: ${printable(parent)} is not writable by the user running iampass`, 'create the directory yourself (mode 700), or choose another path');
    }
    throw await explainError(path, error, limits);
  }
}
