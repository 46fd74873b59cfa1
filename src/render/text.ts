import type { DriftReport } from '../plan/drift.js';
import type { Plan, PlanWarning } from '../model/plan.js';
import type { Style } from './ansi.js';
import {
  actionSymbol,
  attributionLine,
  describeAction,
  driftDesiredText,
  driftLiveText,
  driftSummaryLine,
  driftSymbol,
  factsCostLine,
  fastDriftLines,
  ignoredLines,
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
  out.push(...renderWarnings(plan.warnings, style));
  if (plan.credentialReport) out.push(style.dim(reportLine(plan.credentialReport)), '');
  const cost = plan.factsCost ? factsCostLine(plan.factsCost) : null;
  if (cost) out.push(style.dim(cost), '');
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

/**
 * The drift report for a terminal or a cron log: per item, what live IAM has and what the file wants (with the
 * dates IAM reported), the ignore rules and what they quieted, then one summary line.
 */
export function renderTextDrift(report: DriftReport, style: Style): string {
  const out: string[] = [style.bold(`Account ${report.account} (as ${report.callerArn})`), ''];
  const fast = fastDriftLines(report);
  if (fast.length > 0) out.push(...fast.map((l) => style.dim(l)), '');
  if (report.items.length > 0) {
    for (const item of report.items) {
      const symbol = driftSymbol(item);
      out.push(`  ${paintFor(symbol, style)(symbol)} ${style.bold(item.address)}`);
      out.push(`      live IAM:  ${driftLiveText(item)}`);
      out.push(`      the file:  ${driftDesiredText(item)}`);
      const who = attributionLine(item);
      if (who !== null) out.push(`      changed:   ${who}`);
      out.push(`      ${style.dim(`# ${item.reason}`)}`);
    }
    out.push('');
  }
  if (report.attribution) out.push(style.dim(report.attribution.note), '');
  if (report.ignored.length > 0) {
    out.push('Ignore rules:', ...ignoredLines(report).map((l) => `  ${l}`), '');
  }
  out.push(...renderWarnings(report.warnings, style));
  const untouched = untouchedLine(report);
  if (untouched) out.push(style.dim(untouched), '');
  const head = driftSummaryLine(report);
  out.push(report.status === 'drifted' ? style.yellow(style.bold(head)) : style.bold(head));
  if (report.status === 'drifted') {
    out.push(`Run \`iampass plan -c ${report.config.file}\` to see the changes that converge it; \`iampass apply\` makes them.`);
  }
  return `${out.join('\n')}\n`;
}

function paintFor(symbol: '+' | '~' | '-', style: Style): (s: string) => string {
  return symbol === '+' ? style.green : symbol === '~' ? style.yellow : style.red;
}
