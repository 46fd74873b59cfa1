/**
 * `iampass status`: every governed user's console access and the facts around it, for people (a sortable table at
 * a terminal, a text table elsewhere), machines (JSON) and keeping (HTML). Reads only; exit 0 unless it fails.
 */
import { statusOfAccount } from '../../operations/status.js';
import { connect } from '../../operations/session.js';
import { STATUS_RENDERERS, type StatusFormat } from '../../render/formats.js';
import { connectionSettings, type AwsFlags } from '../aws-options.js';
import { loadConfiguration } from '../config.js';
import { refuseOrganizationFlags, type OrganizationFlags } from '../organization-options.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { writeReport } from '../output.js';
import { followRefresh, presentation } from '../presentation.js';
import type { StopSignal } from '../stop.js';

export interface StatusFlags extends AwsFlags, OrganizationFlags {
  config: string;
  format: StatusFormat;
  output?: string;
  fast?: boolean;
  color?: boolean;
  interactive?: boolean;
}

export async function statusCommand(flags: StatusFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const loaded = await loadConfiguration(flags.config, environment);
  if (loaded.kind === 'organization') {
    const { organizationStatusCommand } = await import('./org-status.js');
    return organizationStatusCommand(loaded.organization, loaded.config, flags, environment, stop);
  }
  refuseOrganizationFlags(flags, flags.config);
  const { desired, config } = loaded;
  // Only the text format at a terminal, and not into a file, is the live table.
  const live = flags.format === 'text' && flags.output === undefined;
  const shown = presentation(environment, { ...flags, interactive: live ? flags.interactive : false });
  const session = await connect(connectionSettings(flags, environment));
  const report = await followRefresh(
    (view) => statusOfAccount(session, desired, flags.config, { mode: flags.fast ? 'fast' : 'exact', config, hooks: view }),
    session,
    environment,
    shown,
    stop,
  );
  if (shown.interactive) {
    const { browseStatus } = await import('../../ui/run.js');
    await browseStatus(report, shown.ui);
  } else {
    await writeReport(STATUS_RENDERERS[flags.format](report, shown.style), flags.output, environment);
    if (flags.output !== undefined) environment.stderr.write(`Wrote the ${flags.format} status report to ${flags.output}.\n`);
  }
  return EXIT.ok;
}
