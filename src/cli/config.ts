import { formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import { KeyDirectoryError, resolveKeyDirectory } from '../config/keys.js';
import { loadConfiguration as readConfiguration } from '../config/load.js';
import type { DesiredState } from '../model/desired.js';
import type { OrganizationDesired } from '../model/organization.js';
import { diagnosticsError } from '../operations/errors.js';
import type { ConfigFingerprint } from '../plan/document.js';
import type { Environment } from './environment.js';
import { UserError } from '../util/user-error.js';

export function printWarnings(warnings: readonly Diagnostic[], environment: Environment): void {
  for (const w of warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
}

/** What `-c FILE` holds, loaded and validated, with the fingerprint of the main file's bytes. */
export type LoadedConfiguration =
  | { kind: 'account'; desired: DesiredState; config: ConfigFingerprint }
  | { kind: 'organization'; organization: OrganizationDesired; config: ConfigFingerprint };

/**
 * The one call to the configuration loader that every command reading accounts makes: an account file exactly as
 * `loadWithFingerprint` loads it, or an organization file (`organization:`, `accounts:` sections, section files) as
 * `OrganizationDesired`, whose `files` fingerprint every file read. Prints the warnings; throws one `UserError` listing
 * every problem of every file (`beforeWrites`: apply's, which also say that nothing was changed). An organization's `defaults.pgpKeyDir` is resolved per account by the caller
 * (`resolveKeyDirectory(desiredFor(org, id))`): it may differ from one account to the next.
 */
export async function loadConfiguration(
  file: string,
  environment: Environment,
  options: { beforeWrites?: boolean } = {},
): Promise<LoadedConfiguration> {
  const result = await readConfiguration(file);
  if (!result.ok) throw diagnosticsError(result.diagnostics, file, options);
  printWarnings(result.warnings, environment);
  const config = result.files[0] ?? { file, sha256: '' };
  if (result.state.kind === 'organization') return { kind: 'organization', organization: result.state.organization, config };
  try {
    return { kind: 'account', desired: await resolveKeyDirectory(result.state.desired), config };
  } catch (error) {
    if (!(error instanceof KeyDirectoryError)) throw error;
    throw new UserError(`${error.message}${options.beforeWrites ? '\nNothing was changed.' : ''}`);
  }
}
