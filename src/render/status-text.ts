/**
 * The status report as a text table for a terminal or a log: the account and how current the facts are first,
 * then one row per governed user, the summary, and what each column cost.
 */
import type { StatusReport } from '../plan/status.js';
import type { Style } from './ansi.js';
import { untouchedLine } from './describe.js';
import { STATUS_COLUMNS, statusHeading, statusPolicyLine, statusReportLine, statusSummaryLine } from './status-words.js';

export function renderTextStatus(report: StatusReport, style: Style): string {
  const out: string[] = [
    style.bold(statusHeading(report)),
    style.dim(`Config ${report.config.file} (sha256 ${report.config.sha256.slice(0, 12)}), checked ${report.checkedAt}`),
    '',
    statusPolicyLine(report),
    statusReportLine(report),
    '',
  ];
  if (report.users.length > 0) {
    const cells = report.users.map((u) => STATUS_COLUMNS.map((c) => c.cell(u)));
    const widths = STATUS_COLUMNS.map((c, i) => Math.max(c.heading.length, ...cells.map((row) => (row[i] as string).length)));
    const line = (row: readonly string[]) => row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd();
    out.push(style.bold(line(STATUS_COLUMNS.map((c) => c.heading))));
    for (const row of cells) out.push(line(row));
    out.push('');
    out.push(style.dim('? not known (see --format json for why), - does not apply (no console password)'), '');
  }
  out.push(style.bold(statusSummaryLine(report)));
  const untouched = untouchedLine({ unchangedCount: 0, unlistedIgnoredCount: report.unlistedIgnoredCount, outOfScopeCount: report.outOfScopeCount });
  if (untouched) out.push(style.dim(untouched));
  out.push('', `What each column cost (${report.cost.calls} IAM call${report.cost.calls === 1 ? '' : 's'} in all):`);
  for (const s of report.cost.sources) {
    out.push(`  ${s.columns.join(', ')}: ${s.calls} call${s.calls === 1 ? '' : 's'}; ${style.dim(s.source)}`);
  }
  return `${out.join('\n')}\n`;
}
