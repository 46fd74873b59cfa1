/**
 * The one way iampass replaces a file: written in full to a temporary name in the same directory (created
 * exclusively, so an attacker's file or link there is never followed), flushed, then renamed over the target. A
 * reader never sees half a file, and a crash leaves at most a temporary file, never a partial one under the final
 * name. Temporary names start with `.NAME.` and end with `.tmp`, so leftovers can be recognised and swept.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file; default 0o644 less the umask. */
  mode?: number;
}

export function temporaryNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** `content` may come in chunks (a large report written a part at a time, never held whole). */
export async function writeFileAtomic(path: string, content: string | Uint8Array | Iterable<string>, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = temporaryNameFor(path);
  const handle = await open(temp, 'wx', options.mode ?? 0o644);
  try {
    try {
      if (typeof content === 'string' || content instanceof Uint8Array) await handle.writeFile(content);
      else for (const chunk of content) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
