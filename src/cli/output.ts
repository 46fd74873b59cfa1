/**
 * Where a report goes: standard output, or a file named by `-o` (and `--html`), replaced atomically so a reader
 * (a CI artifact upload, a web server) never sees half a report.
 */
import { writeFileAtomic } from '../util/atomic-write.js';
import { UserError } from '../util/user-error.js';
import type { Environment } from './environment.js';

/** `text` may come in chunks: a large report (an organization's) is then written a part at a time, never held whole. */
export async function writeReport(text: string | Iterable<string>, file: string | undefined, environment: Environment): Promise<void> {
  if (file === undefined) {
    if (typeof text === 'string') environment.stdout.write(text);
    else for (const chunk of text) await writeOut(environment.stdout, chunk);
    return;
  }
  try {
    await writeFileAtomic(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UserError(`error: cannot write the report to ${file}: ${why}\n  fix: name a file in a directory that exists and that you can write to`);
  }
}

/** Writes a chunk, waiting for the stream to drain when it says its buffer is full (a slow pipe holds no more). */
async function writeOut(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}
