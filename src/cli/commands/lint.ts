import { formatDiagnostic } from '../../config/diagnostics.js';
import { loadConfiguration } from '../../config/load.js';
import type { DesiredState, FailOn } from '../../model/desired.js';
import type { OrganizationDesired } from '../../model/organization.js';
import type { PlanWarning } from '../../model/plan.js';
import { adviseFile } from '../../plan/advisories.js';
import { COLOR, PLAIN, type Style } from '../../render/ansi.js';
import { renderWarnings } from '../../render/text.js';
import { diagnosticsError } from '../../operations/errors.js';
import { UserError } from '../../util/user-error.js';
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
 * and hardExpiry (IP106). Never loads the AWS SDK; the checks that need live IAM run in `plan`. For an organization
 * file, once per account section and once for the baseline (what every target account without a section gets),
 * each headed by the account it is about; `--fail-on` and `advisories.failOn` are judged per account.
 */
export async function lintCommand(flags: LintFlags, environment: Environment): Promise<number> {
  const result = await loadConfiguration(flags.config);
  if (!result.ok) throw diagnosticsError(result.diagnostics, flags.config);
  for (const w of result.warnings) environment.stderr.write(`${formatDiagnostic(w)}\n`);
  const style = useColor(environment, flags.color) ? COLOR : PLAIN;
  const { state } = result;
  if (state.kind === 'account') {
    const warnings = adviseFile(state.desired);
    printWarnings(warnings, environment, style);
    environment.stdout.write(`${flags.config}: ${counted(warnings)} from the file alone; ${PLAN_ADDS}\n`);
    enforceFailOn(warnings, resolveFailOn(flags.failOn, state.desired), 'lint');
    return EXIT.ok;
  }
  const failures: string[] = [];
  for (const { heading, desired } of lintTargets(state.organization)) {
    const warnings = adviseFile(desired);
    environment.stdout.write(`${style.bold(heading)}: ${counted(warnings)} from the file alone\n`);
    printWarnings(warnings, environment, style);
    try {
      enforceFailOn(warnings, resolveFailOn(flags.failOn, desired), `lint of ${heading}`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      failures.push(error.message);
    }
  }
  environment.stdout.write(`${PLAN_ADDS}\n`);
  if (failures.length > 0) throw new UserError(failures.join('\n'));
  return EXIT.ok;
}

const PLAN_ADDS = '`iampass plan` adds the checks that need live IAM.';

/** What an organization file is linted as: each section's merged state, then the baseline's. */
function lintTargets(org: OrganizationDesired): Array<{ heading: string; desired: DesiredState }> {
  const main = org.files[0]?.file;
  const sections = [...org.sections.values()].map((s) => ({
    heading: `account ${s.account}${s.at !== undefined && s.at.file !== main ? ` (${s.at.file})` : ''}`,
    desired: s.desired,
  }));
  return [...sections, { heading: 'accounts without a section (the baseline)', desired: org.baseline }];
}

function printWarnings(warnings: readonly PlanWarning[], environment: Environment, style: Style): void {
  for (const line of renderWarnings(warnings, style)) environment.stdout.write(`${line}\n`);
}

function counted(warnings: readonly PlanWarning[]): string {
  const acknowledged = warnings.filter((w) => w.acknowledged).length;
  if (warnings.length === 0) return 'no warnings';
  return `${warnings.length} warning${warnings.length === 1 ? '' : 's'}${acknowledged > 0 ? ` (${acknowledged} acknowledged)` : ''}`;
}
