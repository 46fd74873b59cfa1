import { execute, tally, type ApplyReport, type ExecutorEvent } from '../../apply/execute.js';
import type { FailOn } from '../../model/desired.js';
import { unacknowledged } from '../../plan/advisories.js';
import { planOf } from '../../plan/document.js';
import type { Plan } from '../../model/plan.js';
import { createResultLog, renderApplySummary } from '../../render/apply-log.js';
import { summaryLine } from '../../render/describe.js';
import { renderTextPlan } from '../../render/text.js';
import type { AwsFlags } from '../aws-options.js';
import { loadOrFail } from '../config.js';
import type { Environment } from '../environment.js';
import { EXIT, UserError } from '../errors.js';
import { enforceFailOn, resolveFailOn } from '../fail-on.js';
import { configuredKeys, loadKeys, preparePasswords, type DeliveryFlags, type PreparedPasswords } from '../passwords.js';
import { confirmOnTerminal } from '../prompt.js';
import { connect, type Session } from '../refresh.js';
import { revealOnce } from '../reveal.js';
import { readPlanFile, verifyPlan } from '../saved-plan.js';
import type { StopSignal } from '../stop.js';
import { planHeader, presentation, readPlan, type Presentation } from './plan.js';

export interface ApplyFlags extends AwsFlags, DeliveryFlags {
  /** Absent: `iampass.yaml`, or with a saved plan, the file the plan was made from. */
  config?: string;
  autoApprove?: boolean;
  failOn?: FailOn;
  color?: boolean;
  interactive?: boolean;
}

export const DEFAULT_CONFIG = 'iampass.yaml';

export async function applyCommand(
  planFile: string | undefined,
  flags: ApplyFlags,
  environment: Environment,
  stop: StopSignal,
): Promise<number> {
  if (planFile !== undefined) return applySavedPlan(planFile, flags, environment, stop);
  const config = flags.config ?? DEFAULT_CONFIG;
  const desired = await loadOrFail(config, environment);
  const keys = await loadKeys(configuredKeys(desired));
  const shown = presentation(environment, flags);
  const session = await connect(flags, environment);
  const plan = await readPlan(session, desired, { ...flags, config }, environment, shown, stop);

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
  // Without a way to approve, nothing else matters yet: refuse first, so every fix named after it can work.
  if (!flags.autoApprove && !shown.interactive) refuseWithoutApproval(plan, environment, shown);
  const passwords = await preparePasswords(plan, flags, environment, shown.interactive, keys);
  if (!(await approved(plan, { ...flags, config }, environment, shown))) {
    environment.stderr.write('\nApply cancelled. Nothing was changed.\n');
    return EXIT.error;
  }
  if (stop.requested()) throw new UserError('Interrupted before applying. Nothing was changed.');
  return carryOut(plan, session, passwords, flags, environment, shown, stop);
}

/**
 * `apply FILE`: exactly the saved actions, never a new diff. The file was the review, so there is no prompt (as
 * `terraform apply PLANFILE`); instead everything the plan depends on is checked first, and a stale plan is
 * refused before any write. Passwords are resolved now: the saved plan holds only their references.
 */
async function applySavedPlan(file: string, flags: ApplyFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const doc = await readPlanFile(file);
  const plan = planOf(doc);
  const shown = presentation(environment, flags);
  const passwords = await preparePasswords(plan, flags, environment, shown.interactive);
  const session = await connect(flags, environment);
  environment.stderr.write(`Checking the saved plan ${file} against ${flags.config ?? doc.config.file} and live IAM...\n`);
  const { notes } = await verifyPlan(file, doc, flags.config ?? doc.config.file, session, flags, () => stop.requested());
  for (const note of notes) environment.stderr.write(`note: ${note}\n`);
  environment.stderr.write('The saved plan still holds.\n\n');
  environment.stdout.write(renderTextPlan(plan, shown.style));
  if (plan.actions.length === 0) return EXIT.ok;
  if (stop.requested()) throw new UserError('Interrupted before applying. Nothing was changed.');
  return carryOut(plan, session, passwords, flags, environment, shown, stop);
}

/** Executes `plan` with the live view at a terminal, one line per action elsewhere, and the closing summary. */
async function carryOut(
  plan: Plan,
  session: Session,
  passwords: PreparedPasswords,
  flags: ApplyFlags,
  environment: Environment,
  shown: Presentation,
  stop: StopSignal,
): Promise<number> {
  const view = shown.interactive ? await followInTerminal(plan, shown) : null;
  const log = createResultLog((line) => environment.stdout.write(`${line}\n`), shown.style);
  if (!view) environment.stdout.write('\n');
  stop.onRequest(() =>
    view ? view.stopping() : environment.stderr.write('\nInterrupt received: finishing calls in flight, starting no new ones...\n'),
  );
  const report: ApplyReport = await execute(plan, {
    gateway: session.gateway,
    passwords: passwords.handling,
    concurrency: flags.concurrency,
    shouldStop: () => stop.requested(),
    onEvent: (event: ExecutorEvent) => (view ? view.onEvent(event) : log.onEvent(event)),
  });
  if (view) await view.finish(report);
  else {
    log.finish(report);
    environment.stdout.write(`\n${renderApplySummary(report, shown.style)}`);
  }
  if (passwords.reveal) await revealOnce(passwords.reveal.take(), environment);
  const counts = tally(report);
  return counts.failed > 0 || counts['not-run'] > 0 ? EXIT.error : EXIT.ok;
}

/** `--auto-approve`, or a person who typed `yes` (the command has already refused when there is no one to ask). */
async function approved(
  plan: Plan,
  flags: ApplyFlags & { config: string },
  environment: Environment,
  shown: Presentation,
): Promise<boolean> {
  if (flags.autoApprove) {
    environment.stdout.write(renderTextPlan(plan, shown.style));
    return true;
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

/** Shows the plan, then refuses: there is no terminal to ask on and no `--auto-approve`. */
function refuseWithoutApproval(plan: Plan, environment: Environment, shown: Presentation): never {
  environment.stdout.write(renderTextPlan(plan, shown.style));
  throw new UserError(
    'apply needs approval, and there is no terminal to ask on.\n' +
      '  fix: review the plan above, then run again with --auto-approve\nNothing was changed.',
  );
}

async function followInTerminal(plan: Plan, shown: Presentation) {
  const { followApply } = await import('../../ui/run.js');
  return followApply(plan, shown.ui);
}
