import { formatDiagnostic, summarizeDiagnostics, type Diagnostic } from '../config/diagnostics.js';
import { resolveKeyDirectory } from '../config/keys.js';
import { loadConfig } from '../config/load.js';
import type { DesiredState } from '../config/types.js';
import type { Environment } from './environment.js';
import { UserError } from './errors.js';

/** Loads and validates the file; prints warnings; turns errors into one `UserError` listing them all. */
export async function loadOrFail(file: string, environment: Environment): Promise<DesiredState> {
  const result = await loadConfig(file);
  if (!result.ok) throw diagnosticsError(result.diagnostics, file);
  printWarnings(result.warnings, environment);
  return resolveKeyDirectory(result.state);
}

export function printWarnings(warnings: readonly Diagnostic[], environment: Environment): void {
  for (const w of warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
}

export function diagnosticsError(diagnostics: readonly Diagnostic[], file: string): UserError {
  const sorted = [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
  return new UserError(`${sorted.map(formatDiagnostic).join('\n')}\n${summarizeDiagnostics(sorted, file)}; nothing was changed.`);
}
