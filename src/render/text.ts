import type { DriftReport } from '../plan/drift.js';
import type { Plan } from '../plan/types.js';
import type { Style } from './ansi.js';
import {
  actionSymbol,
  describeAction,
  driftDesiredText,
  driftLiveText,
  driftSummaryLine,
  driftSymbol,
  ignoredLines,
  policyDiffLines,
  subject,
  summaryLine,
  untouchedLine,
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
      const paint = paintFor(symbol, style);
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
  out.push(...warningLines(plan, style));
  const untouched = untouchedLine(plan);
  if (untouched) out.push(style.dim(untouched), '');
  out.push(style.bold(summaryLine(plan.summary)));
  return `${out.join('\n')}\n`;
}

/**
 * The drift report for a terminal or a cron log: per item, what live IAM has and what the file wants (with the
 * dates IAM reported), the ignore rules and what they quieted, then one summary line.
 */
export function renderTextDrift(report: DriftReport, style: Style): string {
  const out: string[] = [style.bold(`Account ${report.account} (as ${report.callerArn})`), ''];
  if (report.items.length > 0) {
    for (const item of report.items) {
      const symbol = driftSymbol(item);
      out.push(`  ${paintFor(symbol, style)(symbol)} ${style.bold(item.address)}`);
      out.push(`      live IAM:  ${driftLiveText(item)}`);
      out.push(`      the file:  ${driftDesiredText(item)}`);
      out.push(`      ${style.dim(`# ${item.reason}`)}`);
    }
    out.push('');
  }
  if (report.ignored.length > 0) {
    out.push('Ignore rules:', ...ignoredLines(report).map((l) => `  ${l}`), '');
  }
  out.push(...warningLines(report, style));
  const untouched = untouchedLine(report);
  if (untouched) out.push(style.dim(untouched), '');
  const head = driftSummaryLine(report);
  out.push(report.status === 'drifted' ? style.yellow(style.bold(head)) : style.bold(head));
  if (report.status === 'drifted') {
    out.push(`Run \`iampass plan -c ${report.config.file}\` to see the changes that converge it; \`iampass apply\` makes them.`);
  }
  return `${out.join('\n')}\n`;
}

function warningLines(from: Pick<Plan, 'warnings'>, style: Style): string[] {
  if (from.warnings.length === 0) return [];
  const out = [style.yellow(style.bold(`Warnings (${from.warnings.length}):`))];
  for (const w of from.warnings) out.push(`  ${style.yellow(w.id)} ${w.message}`, `         ${style.dim(`fix: ${w.fix}`)}`);
  out.push('');
  return out;
}

function paintFor(symbol: '+' | '~' | '-', style: Style): (s: string) => string {
  return symbol === '+' ? style.green : symbol === '~' ? style.yellow : style.red;
}
