/**
 * `iampass drift`: for a schedule. The plan's semantics, worded as drift, with plan --detailed-exitcode's exit
 * codes (0 in sync, 2 drifted, 1 error) so one convention holds across iampass; driftctl differs (1 drifted,
 * 2 error), see the README. Optionally posts the JSON report to a webhook: on drift, or on every run with
 * `--heartbeat` (so a silent receiver means the check itself stopped running).
 */
import { dirname, join } from 'node:path';
import { FILE_LIMITS, FileError, readRegularTextFile } from '../../util/files.js';
import { isDrifted } from '../../plan/drift.js';
import { parseIgnoreRules, type IgnoreProblem, type IgnoreRule } from '../../plan/ignore.js';
import { DRIFT_RENDERERS, type DriftFormat } from '../../render/formats.js';
import { renderHtmlDrift } from '../../render/html.js';
import { driftDocument } from '../../render/json.js';
import { attributeDrift } from '../../operations/attribution.js';
import { driftOfAccount } from '../../operations/drift.js';
import { connect } from '../../operations/session.js';
import { connectionSettings, type AwsFlags } from '../aws-options.js';
import { loadConfiguration } from '../config.js';
import { refuseOrganizationFlags, type OrganizationFlags } from '../organization-options.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { UserError } from '../../util/user-error.js';
import type { StopSignal } from '../stop.js';
import { writeReport } from '../output.js';
import { postJson, webhookUrl } from '../webhook.js';
import { followRefresh, presentation } from '../presentation.js';

export interface DriftFlags extends AwsFlags, OrganizationFlags {
  config: string;
  format: DriftFormat;
  output?: string;
  /** Also write the HTML report here. */
  html?: string;
  /** `--no-attribution`: false. */
  attribution?: boolean;
  webhook?: string;
  heartbeat?: boolean;
  ignore: string[];
  /** `--fast`: user rows from the credential report; a login profile read only where it cannot settle the user. */
  fast?: boolean;
  /** Default: `.iampassignore` next to the config file, when it exists. */
  ignoreFile?: string;
  color?: boolean;
}

export const IGNORE_FILE = '.iampassignore';

export async function driftCommand(flags: DriftFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const webhook = flags.webhook ? webhookUrl(flags.webhook) : null;
  if (flags.heartbeat && !webhook) throw new UserError('error: --heartbeat needs --webhook (or IAMPASS_WEBHOOK_URL)');
  const loaded = await loadConfiguration(flags.config, environment);
  if (loaded.kind === 'organization') {
    const { organizationDriftCommand } = await import('./org-drift.js');
    return organizationDriftCommand(loaded.organization, loaded.config, flags, environment, stop);
  }
  refuseOrganizationFlags(flags, flags.config);
  const { desired, config } = loaded;
  const rules = await loadIgnoreRules(flags);
  const shown = presentation(environment, { ...(flags.color !== undefined ? { color: flags.color } : {}), interactive: false });
  const session = await connect(connectionSettings(flags, environment));
  const mode = flags.fast ? 'fast' : 'exact';
  let report = await followRefresh((view) => driftOfAccount(session, desired, flags.config, { mode, config, rules, hooks: view }), session, environment, shown, stop);
  if (flags.attribution !== false && report.items.length > 0) {
    environment.stderr.write(`Asking CloudTrail who changed ${report.items.length} drifted item${report.items.length === 1 ? '' : 's'}...\n`);
    report = await attributeDrift(session, report, { aborted: () => stop.requested() });
    if (report.attribution) environment.stderr.write(`${report.attribution.note}\n\n`);
  }
  await writeReport(DRIFT_RENDERERS[flags.format](report, shown.style), flags.output, environment);
  if (flags.html !== undefined) {
    await writeReport(renderHtmlDrift(report), flags.html, environment);
    environment.stderr.write(`Wrote the HTML drift report to ${flags.html}.\n`);
  }
  if (webhook && (isDrifted(report) || flags.heartbeat)) {
    await postJson(webhook, driftDocument(report));
    environment.stderr.write(`Posted the ${isDrifted(report) ? 'drift' : 'heartbeat'} report to ${webhook.origin}.\n`);
  }
  return isDrifted(report) ? EXIT.changes : EXIT.ok;
}

/** `--ignore` rules, then the ignore file's; every problem in either is reported at once. */
export async function loadIgnoreRules(flags: DriftFlags): Promise<IgnoreRule[]> {
  const rules: IgnoreRule[] = [];
  const problems: IgnoreProblem[] = [];
  for (const text of flags.ignore) {
    const parsed = parseIgnoreRules(text, '--ignore', false);
    rules.push(...parsed.rules);
    problems.push(...parsed.problems);
  }
  const file = flags.ignoreFile ?? join(dirname(flags.config), IGNORE_FILE);
  let text: string | null = null;
  try {
    text = await readRegularTextFile(file, FILE_LIMITS.ignoreFile);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    // The default file is optional; one named on the command line is not.
    if (flags.ignoreFile !== undefined || error.reason !== 'absent') throw new UserError(`error: ${error.message}\n  fix: ${error.hint}`);
  }
  if (text !== null) {
    const parsed = parseIgnoreRules(text, file);
    rules.push(...parsed.rules);
    problems.push(...parsed.problems);
  }
  if (problems.length > 0) {
    throw new UserError(
      `${problems.map((p) => `${p.source}: error: ${p.message}\n  fix: ${p.hint}`).join('\n')}\n` +
        `${problems.length} problem${problems.length === 1 ? '' : 's'} in the ignore rules; nothing was read.`,
    );
  }
  return rules;
}
