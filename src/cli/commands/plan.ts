import type { DesiredState, FailOn } from '../../model/desired.js';
import type { ReadProgress } from '../../iam/read.js';
import { planBasis, planDocument } from '../../plan/document.js';
import type { LiveState } from '../../model/live.js';
import type { Plan } from '../../model/plan.js';
import { COLOR, PLAIN, type Style } from '../../render/ansi.js';
import { PLAN_RENDERERS, type Format } from '../../render/formats.js';
import type { PlanHeader, UiOptions } from '../../ui/types.js';
import type { AwsFlags } from '../aws-options.js';
import { loadWithFingerprint } from '../config.js';
import { checkSuppliedPasswords, configuredKeys, loadKeys } from '../passwords.js';
import { isInteractive, useColor, type Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { enforceFailOn, resolveFailOn } from '../fail-on.js';
import { connect, refreshState, type Session } from '../refresh.js';
import { writePlanFile } from '../saved-plan.js';
import type { StopSignal } from '../stop.js';

export interface PlanFlags extends AwsFlags {
  config: string;
  detailedExitcode?: boolean;
  failOn?: FailOn;
  format: Format;
  /** Save the plan here, for `apply FILE`. */
  out?: string;
  color?: boolean;
  interactive?: boolean;
}

/** How a command talks to the person: live Ink views, or plain text for pipes, logs and CI. Decided once. */
export interface Presentation {
  interactive: boolean;
  style: Style;
  ui: UiOptions;
}

export function presentation(environment: Environment, flags: { color?: boolean; interactive?: boolean }): Presentation {
  const color = useColor(environment, flags.color);
  return {
    interactive: isInteractive(environment, flags.interactive),
    style: color ? COLOR : PLAIN,
    ui: { stdout: environment.stdout, stdin: environment.stdin, stderr: environment.stderr, color },
  };
}

export function planHeader(plan: Plan, configFile: string): PlanHeader {
  return { account: plan.account, callerArn: plan.callerArn, configFile };
}

export async function planCommand(flags: PlanFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const { desired, config } = await loadWithFingerprint(flags.config, environment);
  // Only the terminal format can be a live view; json and markdown are for machines and comments.
  const shown = presentation(environment, { ...flags, interactive: flags.format === 'text' ? flags.interactive : false });
  await loadKeys(configuredKeys(desired));
  const session = await connect(flags, environment);
  const { plan, live } = await readState(session, desired, flags, environment, shown, stop);
  await checkSuppliedPasswords(plan, environment);
  const doc = planDocument(plan, config, planBasis(plan, live));
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

/** Reads live IAM and diffs it (see `readState`). */
export async function readPlan(
  session: Session,
  desired: DesiredState,
  flags: AwsFlags & { config: string },
  environment: Environment,
  shown: Presentation,
  stop: StopSignal,
): Promise<Plan> {
  return (await readState(session, desired, flags, environment, shown, stop)).plan;
}

/**
 * Reads live IAM and diffs it, keeping the live state for what needs more than the plan (a saved plan's basis,
 * the dates in a drift report). At a terminal a live progress line moves while it reads; otherwise one line
 * before and one after on stderr, which suits CI logs.
 */
export async function readState(
  session: Session,
  desired: DesiredState,
  flags: AwsFlags & { config: string },
  environment: Environment,
  shown: Presentation,
  stop: StopSignal,
): Promise<{ plan: Plan; live: LiveState }> {
  const started = Date.now();
  let latest: ReadProgress = { phase: 'identity', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 };
  const work = refreshState(session, desired, flags.config, flags, {
    onProgress: (p) => (latest = p),
    aborted: () => stop.requested(),
  });
  if (shown.interactive) {
    const { showRefresh } = await import('../../ui/run.js');
    return showRefresh(work, () => ({ progress: latest, stats: session.caller.stats }), shown.ui);
  }
  environment.stderr.write('Reading live IAM...\n');
  const unsubscribe = stop.onRequest(() => environment.stderr.write('\nInterrupt received: stopping the read...\n'));
  const result = await work.finally(unsubscribe);
  const { calls, throttled } = session.caller.stats;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  environment.stderr.write(
    `Read ${latest.usersListed} users (${latest.usersInScope} in scope) with ${calls} calls, ${throttled} throttled, in ${seconds}s.\n\n`,
  );
  return result;
}
