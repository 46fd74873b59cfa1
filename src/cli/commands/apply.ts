import { PasswordDirectory } from '../../apply/delivery.js';
import { execute, tally, type ApplyReport } from '../../apply/execute.js';
import { generatePassword } from '../../apply/password.js';
import { formatExecutorEvent, renderApplySummary } from '../../render/apply-log.js';
import { renderTextPlan } from '../../render/text.js';
import type { AwsFlags } from '../aws-options.js';
import { loadOrFail } from '../config.js';
import { isInteractive, type Environment } from '../environment.js';
import { EXIT, UserError } from '../errors.js';
import { confirmOnTerminal } from '../prompt.js';
import { connect } from '../refresh.js';
import { readPlan, styleFor } from './plan.js';

export interface ApplyFlags extends AwsFlags {
  config: string;
  autoApprove?: boolean;
  passwordDir?: string;
  color?: boolean;
  interactive?: boolean;
}

/** Signals that ask apply to stop: in-flight calls finish, no new one starts, the summary says what was done. */
export interface StopSignal {
  requested(): boolean;
}

export async function applyCommand(flags: ApplyFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const style = styleFor(environment, flags.color);
  const desired = await loadOrFail(flags.config, environment);
  const session = await connect(flags, environment);
  const plan = await readPlan(session, desired, flags, environment);
  environment.stdout.write(renderTextPlan(plan, style));
  if (plan.actions.length === 0) return EXIT.ok;

  const creates = plan.actions.filter((a) => a.kind === 'create-login-profile').map((a) => ('user' in a ? a.user : ''));
  if (creates.length > 0 && !flags.passwordDir) {
    throw new UserError(
      `apply would create ${creates.length} login profile${creates.length === 1 ? '' : 's'} (${creates.join(', ')}) ` +
        'but has nowhere to deliver the generated passwords.\n' +
        '  fix: pass --password-dir DIR (each password is written to DIR/<user>.password, mode 0600)\nNothing was changed.',
    );
  }

  if (!flags.autoApprove) {
    if (!isInteractive(environment, flags.interactive)) {
      throw new UserError(
        'apply needs approval, and there is no terminal to ask on.\n' +
          '  fix: review the plan above, then run again with --auto-approve\nNothing was changed.',
      );
    }
    const destructive = plan.summary.destroy;
    const approved = await confirmOnTerminal(
      `\nApply ${plan.actions.length} change${plan.actions.length === 1 ? '' : 's'} to account ${plan.account}?` +
        (destructive > 0 ? ` (${destructive} destructive)` : ''),
      environment,
    );
    if (!approved) {
      environment.stderr.write('\nApply cancelled. Nothing was changed.\n');
      return EXIT.error;
    }
  }

  environment.stdout.write('\n');
  const passwordSink = flags.passwordDir ? new PasswordDirectory(flags.passwordDir) : null;
  const rules = plan.passwordRules;
  const report: ApplyReport = await execute(plan, {
    gateway: session.gateway,
    passwordSink,
    generatePassword: () => generatePassword(rules),
    concurrency: flags.concurrency,
    shouldStop: () => stop.requested(),
    onEvent: (event) => {
      const line = formatExecutorEvent(event, style);
      if (line) environment.stdout.write(`${line}\n`);
    },
  });
  environment.stdout.write(`\n${renderApplySummary(report, style)}`);
  const counts = tally(report);
  return counts.failed > 0 || counts['not-run'] > 0 ? EXIT.error : EXIT.ok;
}
