import type { Plan, PlanWarning } from '../plan/types.js';
import type { Style } from './ansi.js';
import {
  actionSymbol,
  describeAction,
  policyDiffLines,
  reportLine,
  subject,
  summaryLine,
  untouchedLine,
  warningDetail,
  warningsHeading,
} from './describe.js';

/** The Terraform-style text plan: one line per action with its reason, the policy as a field diff, a summary. */
export function renderTextPlan(plan: Plan, style: Style): string {
  const out: string[] = [];
  const header = `Account ${plan.account} (as ${plan.callerArn})`;
  out.push(style.bold(header), '');
  if (plan.actions.length > 0) {
    out.push('iampass will perform the following actions:', '');
    const width = Math.max(...plan.actions.map((a) => subject(a).length));
    for (const action of plan.actions) {
      const symbol = actionSymbol(action);
      const paint = symbol === '+' ? style.green : symbol === '~' ? style.yellow : style.red;
      out.push(`  ${paint(symbol)} ${style.bold(subject(action).padEnd(width))}  ${describeAction(action)}`);
      out.push(`    ${' '.repeat(width)}  ${style.dim(`# ${action.reason}`)}`);
      if (action.kind === 'update-password-policy' || action.kind === 'delete-password-policy') {
        for (const line of policyDiffLines(action)) {
          const painted = line.startsWith('+') ? style.green(line) : line.startsWith('-') ? style.red(line) : line;
          out.push(`      ${painted}`);
        }
      }
    }
    out.push('');
  }
  for (const k of plan.kept) out.push(`  ${style.cyan('=')} ${style.bold(k.user)}  kept: ${k.reason}`);
  if (plan.kept.length > 0) out.push('');
  out.push(...renderWarnings(plan.warnings, style));
  if (plan.credentialReport) out.push(style.dim(reportLine(plan.credentialReport)), '');
  const untouched = untouchedLine(plan);
  if (untouched) out.push(style.dim(untouched), '');
  out.push(style.bold(summaryLine(plan.summary)));
  return `${out.join('\n')}\n`;
}

/**
 * The warnings section: each id (yellow while it still fails `--fail-on warning`), its message, and its fix, or
 * the reason it is acknowledged. Empty when there are none. Shared by `plan` and `lint`.
 */
export function renderWarnings(warnings: readonly PlanWarning[], style: Style): string[] {
  if (warnings.length === 0) return [];
  const out = [style.yellow(style.bold(warningsHeading(warnings)))];
  for (const w of warnings) {
    out.push(`  ${w.acknowledged ? w.id : style.yellow(w.id)} ${w.message}`, `         ${style.dim(warningDetail(w))}`);
  }
  out.push('');
  return out;
}
