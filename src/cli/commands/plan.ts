import type { DesiredState, FailOn } from '../../config/types.js';
import type { ReadProgress } from '../../iam/read.js';
import type { Plan } from '../../plan/types.js';
import { COLOR, PLAIN, type Style } from '../../render/ansi.js';
import { renderTextPlan } from '../../render/text.js';
import type { PlanHeader, UiOptions } from '../../ui/types.js';
import type { AwsFlags } from '../aws-options.js';
import { loadOrFail } from '../config.js';
import { checkSuppliedPasswords } from '../passwords.js';
import { isInteractive, useColor, type Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { enforceFailOn, resolveFailOn } from '../fail-on.js';
import { connect, refresh, type Session } from '../refresh.js';
import type { StopSignal } from '../stop.js';

export interface PlanFlags extends AwsFlags {
  config: string;
  detailedExitcode?: boolean;
  failOn?: FailOn;
  format: 'text' | 'json';
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
  const desired = await loadOrFail(flags.config, environment);
  const shown = presentation(environment, { ...flags, interactive: flags.format === 'json' ? false : flags.interactive });
  const session = await connect(flags, environment);
  const plan = await readPlan(session, desired, flags, environment, shown, stop);
  await checkSuppliedPasswords(plan, environment);
  if (flags.format === 'json') {
    environment.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  } else if (shown.interactive) {
    const { browsePlan } = await import('../../ui/run.js');
    await browsePlan(plan, planHeader(plan, flags.config), shown.ui);
  } else {
    environment.stdout.write(renderTextPlan(plan, shown.style));
  }
  enforceFailOn(plan.warnings, resolveFailOn(flags.failOn, desired), 'plan');
  return flags.detailedExitcode && plan.actions.length > 0 ? EXIT.changes : EXIT.ok;
}

/**
 * Reads live IAM and diffs it. At a terminal a live progress line moves while it reads; otherwise one line
 * before and one after on stderr, which suits CI logs.
 */
export async function readPlan(
  session: Session,
  desired: DesiredState,
  flags: AwsFlags & { config: string },
  environment: Environment,
  shown: Presentation,
  stop: StopSignal,
): Promise<Plan> {
  const started = Date.now();
  let latest: ReadProgress = { phase: 'identity', usersListed: 0, usersInScope: 0, profilesRead: 0, profilesToRead: 0 };
  const work = refresh(session, desired, flags.config, flags, {
    onProgress: (p) => (latest = p),
    aborted: () => stop.requested(),
  });
  if (shown.interactive) {
    const { showRefresh } = await import('../../ui/run.js');
    return showRefresh(work, () => ({ progress: latest, stats: session.caller.stats }), shown.ui);
  }
  environment.stderr.write('Reading live IAM...\n');
  const unsubscribe = stop.onRequest(() => environment.stderr.write('\nInterrupt received: stopping the read...\n'));
  const plan = await work.finally(unsubscribe);
  const { calls, throttled } = session.caller.stats;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  environment.stderr.write(
    `Read ${latest.usersListed} users (${latest.usersInScope} in scope) with ${calls} calls, ${throttled} throttled, in ${seconds}s.\n\n`,
  );
  return plan;
}
