/**
 * Where a report goes: standard output, or a file named by `-o` (and `--html`), replaced atomically so a reader
 * (a CI artifact upload, a web server) never sees half a report.
 */
import { writeFileAtomic } from '../util/atomic-write.js';
import { UserError } from '../util/user-error.js';
import type { Environment } from './environment.js';

export async function writeReport(text: string, file: string | undefined, environment: Environment): Promise<void> {
  if (file === undefined) {
    environment.stdout.write(text);
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
