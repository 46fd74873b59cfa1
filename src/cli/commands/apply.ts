import { execute, tally, type ApplyReport, type ExecutorEvent } from '../../apply/execute.js';
import type { FailOn } from '../../config/types.js';
import type { Plan } from '../../plan/types.js';
import { unacknowledged } from '../../plan/advisories.js';
import { formatExecutorEvent, renderApplySummary } from '../../render/apply-log.js';
import { summaryLine } from '../../render/describe.js';
import { renderTextPlan } from '../../render/text.js';
import type { AwsFlags } from '../aws-options.js';
import { loadOrFail } from '../config.js';
import { preparePasswords, type DeliveryFlags } from '../passwords.js';
import { revealOnce } from '../reveal.js';
import type { Environment } from '../environment.js';
import { EXIT, UserError } from '../errors.js';
import { enforceFailOn, resolveFailOn } from '../fail-on.js';
import { confirmOnTerminal } from '../prompt.js';
import { connect } from '../refresh.js';
import type { StopSignal } from '../stop.js';
import { planHeader, presentation, readPlan, type Presentation } from './plan.js';

export interface ApplyFlags extends AwsFlags, DeliveryFlags {
  config: string;
  autoApprove?: boolean;
  failOn?: FailOn;
  color?: boolean;
  interactive?: boolean;
}

export async function applyCommand(flags: ApplyFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const desired = await loadOrFail(flags.config, environment);
  const shown = presentation(environment, flags);
  const session = await connect(flags, environment);
  const plan = await readPlan(session, desired, flags, environment, shown, stop);

  const failOn = resolveFailOn(flags.failOn, desired);
  if (plan.actions.length === 0) {
    environment.stdout.write(shown.interactive ? `${summaryLine(plan.summary)}\n` : renderTextPlan(plan, shown.style));
    enforceFailOn(plan.warnings, failOn, 'apply');
    return EXIT.ok;
  }
  // Warnings that fail the gate fail apply too, before anything is asked or written.
  if (failOn.level === 'warning' && unacknowledged(plan.warnings).length > 0) {
    environment.stdout.write(renderTextPlan(plan, shown.style));
    enforceFailOn(plan.warnings, failOn, 'apply', '\nNothing was changed.');
  }
  const passwords = await preparePasswords(plan, flags, environment, shown.interactive);
  if (!(await approved(plan, flags, environment, shown))) {
    environment.stderr.write('\nApply cancelled. Nothing was changed.\n');
    return EXIT.error;
  }
  if (stop.requested()) throw new UserError('Interrupted before applying. Nothing was changed.');

  const view = shown.interactive ? await followInTerminal(plan, shown) : null;
  const log = (event: ExecutorEvent) => {
    const line = formatExecutorEvent(event, shown.style);
    if (line) environment.stdout.write(`${line}\n`);
  };
  if (!view) environment.stdout.write('\n');
  stop.onRequest(() =>
    view ? view.stopping() : environment.stderr.write('\nInterrupt received: finishing calls in flight, starting no new ones...\n'),
  );
  const report: ApplyReport = await execute(plan, {
    gateway: session.gateway,
    passwords: passwords.handling,
    concurrency: flags.concurrency,
    shouldStop: () => stop.requested(),
    onEvent: view ? (event) => view.onEvent(event) : log,
  });
  if (view) await view.finish(report);
  else environment.stdout.write(`\n${renderApplySummary(report, shown.style)}`);
  if (passwords.reveal) await revealOnce(passwords.reveal.take(), environment);
  const counts = tally(report);
  return counts.failed > 0 || counts['not-run'] > 0 ? EXIT.error : EXIT.ok;
}

/** `--auto-approve`, or a person who typed `yes`; without a terminal to ask on, a refusal naming the flag. */
async function approved(plan: Plan, flags: ApplyFlags, environment: Environment, shown: Presentation): Promise<boolean> {
  if (flags.autoApprove) {
    environment.stdout.write(renderTextPlan(plan, shown.style));
    return true;
  }
  if (!shown.interactive) {
    environment.stdout.write(renderTextPlan(plan, shown.style));
    throw new UserError(
      'apply needs approval, and there is no terminal to ask on.\n' +
        '  fix: review the plan above, then run again with --auto-approve\nNothing was changed.',
    );
  }
  if (environment.stdin.isTTY) {
    const { reviewAndConfirm } = await import('../../ui/run.js');
    return reviewAndConfirm(plan, planHeader(plan, flags.config), shown.ui);
  }
  // --interactive forced without a key-by-key terminal: a line prompt.
  environment.stdout.write(renderTextPlan(plan, shown.style));
  const destructive = plan.summary.destroy;
  return confirmOnTerminal(
    `\nApply ${plan.actions.length} change${plan.actions.length === 1 ? '' : 's'} to account ${plan.account}?` +
      (destructive > 0 ? ` (${destructive} destructive)` : ''),
    environment,
  );
}

async function followInTerminal(plan: Plan, shown: Presentation) {
  const { followApply } = await import('../../ui/run.js');
  return followApply(plan, shown.ui);
}
