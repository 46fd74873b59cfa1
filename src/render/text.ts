import type { Plan } from '../plan/types.js';
import type { Style } from './ansi.js';
import { actionSymbol, describeAction, policyDiffLines, subject, summaryLine, untouchedLine } from './describe.js';

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
  if (plan.warnings.length > 0) {
    out.push(style.yellow(style.bold(`Warnings (${plan.warnings.length}):`)));
    for (const w of plan.warnings) {
      out.push(`  ${style.yellow(w.id)} ${w.message}`, `         ${style.dim(`fix: ${w.fix}`)}`);
    }
    out.push('');
  }
  const untouched = untouchedLine(plan);
  if (untouched) out.push(style.dim(untouched), '');
  out.push(style.bold(summaryLine(plan.summary)));
  return `${out.join('\n')}\n`;
}
