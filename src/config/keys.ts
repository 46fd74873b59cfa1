import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_LIMITS, FileError, probeRegularFile, underSpecialRoot } from '../util/files.js';
import { printable } from '../util/printable.js';
import { mapLimit } from '../util/pool.js';
import type { DesiredState } from '../model/desired.js';

/**
 * `defaults.pgpKeyDir` cannot be used: the directory is missing or not a directory, or keys in it exist but cannot
 * be read (a loop of links, a dangling link, a directory or a FIFO where a key should be, no permission). Never "no
 * key": a key that silently counted as missing would send its user's password elsewhere, possibly in plain text.
 * The message names every such file and what to do.
 */
export class KeyDirectoryError extends Error {
  override readonly name = 'KeyDirectoryError';
}

/**
 * Applies the `defaults.pgpKeyDir` convention: a user without `pgpKey` whose `<dir>/<user>.asc` exists gets it. A
 * key that does not exist means no key; one that exists must be a readable regular file, or this throws
 * `KeyDirectoryError`. Kept apart from parsing, which is pure: this looks at the file system.
 */
export async function resolveKeyDirectory(state: DesiredState): Promise<DesiredState> {
  const dir = state.defaults.pgpKeyDir;
  if (dir === null) return state;
  await checkDirectory(dir);
  const problems: FileError[] = [];
  const users = await mapLimit(state.users, 32, async (u) => {
    if (u.pgpKey !== null) return u;
    const candidate = join(dir, `${u.name}.asc`);
    try {
      return (await probeRegularFile(candidate, FILE_LIMITS.pgpKey)) ? { ...u, pgpKey: candidate } : u;
    } catch (error) {
      if (!(error instanceof FileError)) throw error;
      problems.push(error);
      return u;
    }
  });
  if (problems.length > 0) {
    problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const lines = problems.map((p) => `  ${p.message}\n    fix: ${p.hint}`);
    throw new KeyDirectoryError(
      `error: ${problems.length === 1 ? 'a key' : `${problems.length} keys`} in defaults.pgpKeyDir cannot be read:\n${lines.join('\n')}\n` +
        '  (a user without a <name>.asc file has no key; a file that is there must be a readable OpenPGP public key)',
    );
  }
  return { ...state, users };
}

async function checkDirectory(dir: string): Promise<void> {
  const where = `defaults.pgpKeyDir ${printable(dir)}`;
  let s;
  try {
    s = await stat(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : code === 'ELOOP' ? 'is a loop of symbolic links' : `cannot be read (${code ?? 'unknown error'})`;
    throw new KeyDirectoryError(
      `error: ${where} ${problem}\n  fix: create it with each user's public key as <name>.asc, or correct or remove defaults.pgpKeyDir`,
    );
  }
  if (!s.isDirectory()) {
    throw new KeyDirectoryError(`error: ${where} is not a directory\n  fix: give the directory that holds the <name>.asc keys`);
  }
  if (underSpecialRoot(await realpath(dir))) {
    throw new KeyDirectoryError(`error: ${where} is in a kernel file system (/proc, /sys)\n  fix: give the directory that holds the <name>.asc keys`);
  }
}

/** The keys of users who may be given a generated password (console: true): checked before any IAM call. */
export function configuredKeys(desired: DesiredState): string[] {
  return [...new Set(desired.users.flatMap((u) => (u.console && u.password.kind === 'generate' && u.pgpKey !== null ? [u.pgpKey] : [])))];
}
