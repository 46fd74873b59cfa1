import { formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import { KeyDirectoryError, resolveKeyDirectory } from '../config/keys.js';
import { parseConfigSource, readConfigFile } from '../config/load.js';
import type { DesiredState } from '../model/desired.js';
import { diagnosticsError } from '../operations/errors.js';
import type { ConfigFingerprint } from '../plan/document.js';
import { sha256 } from '../util/sha256.js';
import type { Environment } from './environment.js';
import { UserError } from '../util/user-error.js';

/**
 * Loads and validates the file; prints warnings; turns errors into one `UserError` listing them all. Used by apply,
 * whose errors say that nothing was changed.
 */
export async function loadOrFail(file: string, environment: Environment): Promise<DesiredState> {
  return (await loadFile(file, environment, { beforeWrites: true })).desired;
}

/**
 * Loads the file as `loadOrFail` does, and fingerprints the very bytes it parsed, so a saved plan names exactly the
 * file it was made from.
 */
export async function loadWithFingerprint(
  file: string,
  environment: Environment,
): Promise<{ desired: DesiredState; config: ConfigFingerprint }> {
  return loadFile(file, environment, { beforeWrites: false });
}

async function loadFile(
  file: string,
  environment: Environment,
  options: { beforeWrites: boolean },
): Promise<{ desired: DesiredState; config: ConfigFingerprint }> {
  const read = await readConfigFile(file);
  if (!read.ok) throw diagnosticsError(read.diagnostics, file, options);
  const result = await parseConfigSource(read.text, file);
  if (!result.ok) throw diagnosticsError(result.diagnostics, file, options);
  printWarnings(result.warnings, environment);
  try {
    return { desired: await resolveKeyDirectory(result.state), config: { file, sha256: sha256(read.bytes) } };
  } catch (error) {
    if (!(error instanceof KeyDirectoryError)) throw error;
    throw new UserError(`${error.message}${options.beforeWrites ? '\nNothing was changed.' : ''}`);
  }
}

export function printWarnings(warnings: readonly Diagnostic[], environment: Environment): void {
  for (const w of warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
}
