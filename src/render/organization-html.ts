/**
 * An organization's drift or status as one self-contained page (the same page, styles and policy as one account's):
 * the organization, the time and the summary first, then the per-account table, then a section per account with
 * that account's own table (drifted items with who changed each, or its users), or why it has none.
 */
import type { OrganizationDocument } from '../plan/organization-report.js';
import { exceedsTolerance } from '../plan/organization-report.js';
import type { DriftReport } from '../plan/drift.js';
import type { StatusReport } from '../plan/status.js';
import { driftSummaryLine } from './describe.js';
import { driftHtmlBody, escapeHtml, htmlPage, statusHtmlBody } from './html.js';
import { organizationSummaryLine, organizationTable } from './organization.js';
import { statusSummaryLine } from './status-words.js';

export function renderHtmlOrganization(doc: OrganizationDocument<'drift'> | OrganizationDocument<'status'>): string {
  return [...htmlOrganizationChunks(doc)].join('');
}

/** The same page, an account's section at a time: for a writer that never holds the whole page. */
export function* htmlOrganizationChunks(doc: OrganizationDocument<'drift'> | OrganizationDocument<'status'>): Generator<string, void, undefined> {
  const noun = doc.kind === 'organization-drift' ? 'drift' : 'status';
  const [columns = [], ...cellRows] = organizationTable(doc).cells;
  const rows = doc.accounts.map((entry, k) => {
    const cells = cellRows[k] ?? [];
    const cls = entry.status === 'error' || entry.status === 'unreachable' ? ' class="bad"' : entry.status === 'changes' ? ' class="warn"' : '';
    return `<tr><td><a href="#account-${escapeHtml(entry.account)}"><code>${escapeHtml(entry.account)}</code></a></td><td>${escapeHtml(entry.name)}</td><td${cls}>${escapeHtml(cells[2] ?? entry.status)}</td>${cells
      .slice(3)
      .map((c) => `<td class="n">${escapeHtml(c)}</td>`)
      .join('')}</tr>`;
  });
  const section = (entry: (typeof doc.accounts)[number]) => {
    const via = entry.roleArn ? `via ${entry.roleArn}` : entry.status === 'unreachable' ? 'unreachable' : 'as the caller';
    const parts = [`<section id="account-${escapeHtml(entry.account)}">`, `<h2>${escapeHtml(`${entry.account} ${entry.name}`)} <span class="muted">${escapeHtml(via)}</span></h2>`];
    if (entry.report) {
      const drift = doc.kind === 'organization-drift';
      const line = drift ? driftSummaryLine(entry.report as DriftReport) : statusSummaryLine(entry.report as StatusReport);
      parts.push(`<p><b>${escapeHtml(line)}</b></p>`, drift ? driftHtmlBody(entry.report as DriftReport) : statusHtmlBody(entry.report as StatusReport));
    }
    if (entry.problem) {
      parts.push(`<p class="bad">${escapeHtml(`${entry.status}: ${entry.problem.message}`)}</p>`);
      if (entry.problem.fix) parts.push(`<p class="muted">${escapeHtml(`fix: ${entry.problem.fix}`)}</p>`);
    }
    parts.push('</section>');
    return parts.join('\n');
  };
  const failed = doc.summary.failed;
  const marker = '\u0000sections';
  const page = htmlPage({
    title: `iampass ${noun} · organization ${doc.organization.id}`,
    meta: [`organization ${doc.organization.id}`, `management account ${doc.organization.managementAccount}`, `read as ${doc.callerArn}`, `checked ${doc.checkedAt}`, `from ${doc.config.file}`],
    headline: organizationSummaryLine(doc),
    attention: doc.summary.changes > 0 || failed > 0,
    notes: [
      ...(failed > 0 ? [`${failed} account${failed === 1 ? '' : 's'} failed; the failure tolerance is ${doc.failureTolerance}${exceedsTolerance(doc) ? ': the run fails' : ''}.`] : []),
      ...doc.targets.skipped.map((s) => `Skipped ${s.id} ${s.name}: ${s.reason}`),
    ],
    body: [
      '<h2>Accounts</h2>',
      `<table id="accounts">\n<thead><tr>${columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
      marker,
    ].join('\n'),
  });
  const at = page.indexOf(marker);
  yield page.slice(0, at);
  for (const entry of doc.accounts) yield `${section(entry)}\n`;
  yield page.slice(at + marker.length + 1);
}
