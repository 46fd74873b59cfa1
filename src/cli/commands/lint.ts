import { formatDiagnostic } from '../../config/diagnostics.js';
import { loadConfig } from '../../config/load.js';
import type { FailOn } from '../../model/desired.js';
import { adviseFile } from '../../plan/advisories.js';
import { COLOR, PLAIN } from '../../render/ansi.js';
import { renderWarnings } from '../../render/text.js';
import { diagnosticsError } from '../../operations/errors.js';
import { useColor, type Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { enforceFailOn, resolveFailOn } from '../fail-on.js';

export interface LintFlags {
  config: string;
  failOn?: FailOn;
  color?: boolean;
}

/**
 * Offline, like `validate`, plus the advisories the file alone can show: the password policy against CIS (IP105)
 * and hardExpiry (IP106). Never loads the AWS SDK; the checks that need live IAM run in `plan`.
 */
export async function lintCommand(flags: LintFlags, environment: Environment): Promise<number> {
  const result = await loadConfig(flags.config);
  if (!result.ok) throw diagnosticsError(result.diagnostics, flags.config);
  for (const w of result.warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
  const style = useColor(environment, flags.color) ? COLOR : PLAIN;
  const warnings = adviseFile(result.state);
  for (const line of renderWarnings(warnings, style)) environment.stdout.write(`${line}\n`);
  const acknowledged = warnings.filter((w) => w.acknowledged).length;
  const counted =
    warnings.length === 0 ? 'no warnings' : `${warnings.length} warning${warnings.length === 1 ? '' : 's'}${acknowledged > 0 ? ` (${acknowledged} acknowledged)` : ''}`;
  environment.stdout.write(`${flags.config}: ${counted} from the file alone; \`iampass plan\` adds the checks that need live IAM.\n`);
  enforceFailOn(warnings, resolveFailOn(flags.failOn, result.state), 'lint');
  return EXIT.ok;
}
