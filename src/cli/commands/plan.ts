import { dirname, resolve } from 'node:path';
import { configuredKeys } from '../../config/keys.js';
import type { FailOn } from '../../model/desired.js';
import { readRequestOf } from '../../model/read-request.js';
import { refreshAccount } from '../../operations/refresh.js';
import { connect } from '../../operations/session.js';
import { deliveryKeys, planBasis, planDocument } from '../../plan/document.js';
import { PLAN_RENDERERS, type PlanFormat } from '../../render/formats.js';
import { connectionSettings, type AwsFlags } from '../aws-options.js';
import { loadConfiguration } from '../config.js';
import { refuseOrganizationFlags, type OrganizationFlags } from '../organization-options.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { enforceFailOn, resolveFailOn } from '../fail-on.js';
import { checkSuppliedPasswords, loadKeys } from '../passwords.js';
import { followRefresh, planHeader, presentation } from '../presentation.js';
import { writePlanFile } from '../saved-plan.js';
import type { StopSignal } from '../stop.js';

export interface PlanFlags extends AwsFlags, OrganizationFlags {
  config: string;
  detailedExitcode?: boolean;
  failOn?: FailOn;
  format: PlanFormat;
  /** Save the plan here, for `apply FILE`. */
  out?: string;
  color?: boolean;
  interactive?: boolean;
}

export async function planCommand(flags: PlanFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const loaded = await loadConfiguration(flags.config, environment);
  if (loaded.kind === 'organization') {
    const { organizationPlanCommand } = await import('./org-plan.js');
    return organizationPlanCommand(loaded.organization, loaded.config, flags, environment, stop);
  }
  refuseOrganizationFlags(flags, flags.config);
  const { desired, config } = loaded;
  // Only the terminal format can be a live view; json and markdown are for machines and comments.
  const shown = presentation(environment, { ...flags, interactive: flags.format === 'text' ? flags.interactive : false });
  const keys = await loadKeys(configuredKeys(desired));
  const session = await connect(connectionSettings(flags, environment));
  const { plan, live } = await followRefresh((view) => refreshAccount(session, desired, flags.config, view), session, environment, shown, stop);
  await checkSuppliedPasswords(plan, environment);
  const fingerprints = [...deliveryKeys(plan)].map((path) => ({ path, fingerprint: keys.get(path)?.fingerprint ?? '' }));
  const doc = planDocument(plan, config, planBasis(plan, live, readRequestOf(desired)), fingerprints, dirname(resolve(environment.cwd, flags.config)));
  if (flags.out !== undefined) {
    await writePlanFile(flags.out, doc);
    environment.stderr.write(`Saved the plan to ${flags.out}; \`iampass apply ${flags.out}\` applies exactly these actions.\n`);
  }
  if (flags.format === 'text' && shown.interactive) {
    const { browsePlan } = await import('../../ui/run.js');
    await browsePlan(plan, planHeader(plan, flags.config), shown.ui);
  } else {
    environment.stdout.write(PLAN_RENDERERS[flags.format](doc, shown.style));
  }
  enforceFailOn(plan.warnings, resolveFailOn(flags.failOn, desired), 'plan');
  return flags.detailedExitcode && plan.actions.length > 0 ? EXIT.changes : EXIT.ok;
}
