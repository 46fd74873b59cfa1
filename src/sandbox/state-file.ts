/** The state file: the whole sandbox as JSON, replaced atomically after every change. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setImmediate } from 'node:timers';
import { SandboxSetupError } from './errors.js';
import { STATE_FORMAT, type SandboxData } from './state.js';

/** The saved sandbox, or `undefined` when there is no state file yet. */
export function readStateFile(path: string): SandboxData | undefined {
  if (!existsSync(path)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SandboxSetupError(`sandbox state file ${path} is not valid JSON (${(error as Error).message}); delete it to start again from the seed`);
  }
  const candidate = data as Partial<SandboxData> | null;
  const format = (candidate as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format !== STATE_FORMAT && Number.isInteger(format)) {
    const age = format < STATE_FORMAT ? 'an older' : 'a newer';
    throw new SandboxSetupError(
      `sandbox state file ${path} was written by ${age} iampass sandbox (format ${format}; this one reads format ${STATE_FORMAT}); ` +
        'delete it to start again from the seed',
    );
  }
  if (format !== STATE_FORMAT || !Array.isArray(candidate?.accounts) || typeof candidate.defaultCaller !== 'object') {
    throw new SandboxSetupError(`sandbox state file ${path} is not an iampass sandbox state (format ${STATE_FORMAT}); delete it to start again from the seed`);
  }
  return candidate as SandboxData;
}

/**
 * Replaces the state file atomically (write a temporary file beside it, then rename over it), so another
 * process reading it never sees half a file. Mode 0600 because it holds password hashes.
 */
export function writeStateFile(path: string, data: SandboxData): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * Saves after changes, with group commit: changes made in the same turn of the event loop share one write
 * (scheduled with setImmediate), which matters once the account has thousands of users. Each write is a whole
 * snapshot taken when it runs, so it includes every change made before `save` was called.
 */
export class StateFile {
  private pending: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  /** Resolves once a write including every change made so far is on disk. `data` is read when the write runs. */
  save(data: () => SandboxData): Promise<void> {
    this.pending ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.pending = undefined;
        try {
          writeStateFile(this.path, data());
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    return this.pending;
  }
}
