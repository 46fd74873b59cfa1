import { loadConfig } from '../../config/load.js';
import { formatDiagnostic, summarizeDiagnostics } from '../../config/diagnostics.js';
import { diagnosticsError } from '../../operations/errors.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';

/** Offline: schema and semantic checks only. Never loads the AWS SDK. */
export async function validateCommand(file: string, environment: Environment): Promise<number> {
  const result = await loadConfig(file);
  if (!result.ok) throw diagnosticsError(result.diagnostics, file);
  for (const w of result.warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
  const users = result.state.users.length;
  const note = result.warnings.length > 0 ? ` (${summarizeDiagnostics(result.warnings, file)})` : '';
  environment.stdout.write(`${file} is valid: ${users} user${users === 1 ? '' : 's'} listed${note}.\n`);
  return EXIT.ok;
}
