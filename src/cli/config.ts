import { readFile } from 'node:fs/promises';
import { formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import { resolveKeyDirectory } from '../config/keys.js';
import { loadConfig, parseConfigSource } from '../config/load.js';
import type { DesiredState } from '../model/desired.js';
import type { OrganizationDesired } from '../model/organization.js';
import { diagnosticsError } from '../operations/errors.js';
import type { ConfigFingerprint } from '../plan/document.js';
import { sha256 } from '../util/sha256.js';
import type { Environment } from './environment.js';
import { UserError } from '../util/user-error.js';

/** Loads and validates the file; prints warnings; turns errors into one `UserError` listing them all. */
export async function loadOrFail(file: string, environment: Environment): Promise<DesiredState> {
  const result = await loadConfig(file);
  if (!result.ok) throw diagnosticsError(result.diagnostics, file);
  printWarnings(result.warnings, environment);
  return resolveKeyDirectory(result.state);
}

/**
 * Loads the file as `loadOrFail` does, and fingerprints the very bytes it parsed, so a saved plan names exactly the
 * file it was made from.
 */
export async function loadWithFingerprint(
  file: string,
  environment: Environment,
): Promise<{ desired: DesiredState; config: ConfigFingerprint }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    await loadOrFail(file, environment); // words the read error as a diagnostic, and throws it
    throw new UserError(`cannot read ${file}`);
  }
  const result = await parseConfigSource(bytes.toString('utf8'), file);
  if (!result.ok) throw diagnosticsError(result.diagnostics, file);
  printWarnings(result.warnings, environment);
  return { desired: await resolveKeyDirectory(result.state), config: { file, sha256: sha256(bytes) } };
}

export function printWarnings(warnings: readonly Diagnostic[], environment: Environment): void {
  for (const w of warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
}


/** What `-c FILE` holds, loaded and validated, with the fingerprint of the main file's bytes. */
export type LoadedConfiguration =
  | { kind: 'account'; desired: DesiredState; config: ConfigFingerprint }
  | { kind: 'organization'; organization: OrganizationDesired; config: ConfigFingerprint };

/**
 * The one call to the configuration loader that every command reading accounts makes: an account file as always,
 * or an organization file (`organization:` and `accounts:` sections) as `OrganizationDesired`.
 *
 * Until the organization loader lands (branch org-config), every file loads as an account file, exactly as before.
 */
export async function loadConfiguration(file: string, environment: Environment): Promise<LoadedConfiguration> {
  const { desired, config } = await loadWithFingerprint(file, environment);
  return { kind: 'account', desired, config };
}
