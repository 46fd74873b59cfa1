/**
 * One self-contained HTML page per report, to keep as a CI artifact, open in any browser, or print: inline CSS only
 * (no script, font, image or stylesheet from anywhere), the account, the time and the summary first, then a table.
 * Everything that came from AWS or the file (user names, ARNs, user agents, reasons) is escaped; a
 * Content-Security-Policy that allows no script at all stands behind the escaping, should it ever miss.
 */
import type { DriftItem, DriftReport } from '../plan/drift.js';
import type { StatusReport, StatusUser } from '../plan/status.js';
import { VERSION } from '../util/version.js';
import {
  attributionParts,
  driftDesiredText,
  driftLiveText,
  driftSummaryLine,
  driftSymbol,
  fastDriftLines,
  ignoredLines,
  untouchedLine,
  warningDetail,
  warningsHeading,
} from './describe.js';
import { STATUS_COLUMNS, statusPolicyLine, statusReportLine, statusSummaryLine } from './status-words.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in an element or a quoted attribute; control characters (a terminal escape, a NUL) become U+FFFD. */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\uFFFD');
}

const STYLE = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bad: #b42318; --warn: #8a5a00; --ok: #1a7f37; --head: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 2rem; color: var(--fg); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.summary { border: 1px solid var(--line); border-left: 6px solid var(--ok); padding: .75rem 1rem; margin: 0 0 1rem; }
.summary.attention { border-left-color: var(--bad); }
.summary p { margin: .2rem 0; }
.summary .headline { font-size: 1.15rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .92em; overflow-wrap: anywhere; }
.bad { color: var(--bad); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.muted { color: var(--muted); }
.sym { font-family: ui-monospace, monospace; font-weight: 700; }
ul.plain { margin: .25rem 0; padding-left: 1.25rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .summary { break-inside: avoid; }
  th { background: none; border-bottom: 2px solid #000; }
}
`;

/** One self-contained page: a title, what it is about, the summary first, then the body. */
export interface Page {
  title: string;
  meta: string[];
  headline: string;
  attention: boolean;
  notes: string[];
  /** Already-escaped HTML. */
  body: string;
}

export function htmlPage(p: Page): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(p.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(p.title)}</h1>
<p class="meta">${p.meta.map(escapeHtml).join(' · ')}</p>
</header>
<section id="summary" class="summary${p.attention ? ' attention' : ''}">
<p class="headline">${escapeHtml(p.headline)}</p>
${p.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join('\n')}
</section>
${p.body}
<footer>Made by iampass ${escapeHtml(VERSION)}.</footer>
</body>
</html>
`;
}

const cell = (text: string, cls?: string) => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;

export function renderHtmlStatus(report: StatusReport): string {
  const untouched = untouchedLine({ unchangedCount: 0, unlistedIgnoredCount: report.unlistedIgnoredCount, outOfScopeCount: report.outOfScopeCount });
  const s = report.summary;
  return htmlPage({
    title: `iampass status · account ${report.account}`,
    meta: [`account ${report.account}`, `read as ${report.callerArn}`, `checked ${report.checkedAt}`, `from ${report.config.file}`, ...(report.mode === 'fast' ? ['--fast'] : [])],
    headline: statusSummaryLine(report),
    attention: s.expired > 0 || s.withoutMfa > 0,
    notes: [statusPolicyLine(report), statusReportLine(report), ...(untouched ? [untouched] : [])],
    body: statusHtmlBody(report),
  });
}

/** The status page's body: the users table, what is not known, and what each column cost. Already escaped. */
export function statusHtmlBody(report: StatusReport): string {
  const head = `<tr>${STATUS_COLUMNS.map((c) => `<th scope="col">${escapeHtml(c.heading)}</th>`).join('')}</tr>`;
  const rows = report.users.map((u) => `<tr id="user-${escapeHtml(u.user)}">${STATUS_COLUMNS.map((c) => cell(c.cell(u), statusCellClass(c.id, u))).join('')}</tr>`);
  const unknowns = report.users.filter((u) => u.unknown.length > 0);
  const costs = report.cost.sources.map((s) => `<li><b>${escapeHtml(s.columns.join(', '))}</b>: ${s.calls} call${s.calls === 1 ? '' : 's'}; ${escapeHtml(s.source)}</li>`);
  const body = [
    '<h2>Users</h2>',
    report.users.length === 0
      ? '<p class="muted">The file governs no user.</p>'
      : `<table id="users">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>\n<p class="muted">? not known, - does not apply (no console password).</p>`,
    unknowns.length > 0
      ? `<h2>Not known</h2>\n<ul class="plain">${unknowns.map((u) => `<li><code>${escapeHtml(u.user)}</code>: ${escapeHtml(u.unknown.join('; '))}</li>`).join('\n')}</ul>`
      : '',
    `<h2>What each column cost</h2>\n<p>${report.cost.calls} IAM call${report.cost.calls === 1 ? '' : 's'} in all.</p>\n<ul class="plain">${costs.join('\n')}</ul>`,
  ];
  return body.filter((b) => b !== '').join('\n');
}

function statusCellClass(id: string, u: StatusUser): string | undefined {
  if (id === 'expires' && u.expired) return 'bad';
  if (id === 'mfa' && u.console === true && u.mfa === false) return 'bad';
  if (id === 'reset' && u.resetPending === true) return 'warn';
  if (id === 'keys' || id === 'age') return 'n';
  return undefined;
}

export function renderHtmlDrift(report: DriftReport): string {
  const untouched = untouchedLine(report);
  return htmlPage({
    title: `iampass drift · account ${report.account}`,
    meta: [`account ${report.account}`, `read as ${report.callerArn}`, `checked ${report.checkedAt}`, `from ${report.config.file}`],
    headline: driftSummaryLine(report),
    attention: report.status === 'drifted',
    notes: [...fastDriftLines(report), ...(report.attribution ? [report.attribution.note] : []), ...(untouched ? [untouched] : [])],
    body: driftHtmlBody(report),
  });
}

/** The drift page's body: the drifted items with who changed each, the warnings, the ignore rules. Already escaped. */
export function driftHtmlBody(report: DriftReport): string {
  const rows = report.items.map((item) => driftRow(item));
  const body: string[] = ['<h2>Drifted items</h2>'];
  if (report.items.length === 0) body.push('<p class="muted">Nothing drifted.</p>');
  else {
    body.push(
      '<table id="items">',
      '<thead><tr><th scope="col"></th><th scope="col">Item</th><th scope="col">Live IAM</th><th scope="col">The file</th><th scope="col">Changed by</th><th scope="col">When</th><th scope="col">From</th></tr></thead>',
      `<tbody>\n${rows.join('\n')}\n</tbody>`,
      '</table>',
    );
  }
  if (report.warnings.length > 0) {
    body.push(
      `<h2>${escapeHtml(warningsHeading(report.warnings).replace(/:$/, ''))}</h2>`,
      `<ul class="plain">${report.warnings.map((w) => `<li><b>${escapeHtml(w.id)}</b> ${escapeHtml(w.message)}<br><span class="muted">${escapeHtml(warningDetail(w))}</span></li>`).join('\n')}</ul>`,
    );
  }
  if (report.ignored.length > 0) {
    body.push('<h2>Ignore rules</h2>', `<ul class="plain">${ignoredLines(report).map((l) => `<li><code>${escapeHtml(l)}</code></li>`).join('\n')}</ul>`);
  }
  return body.join('\n');
}

function driftRow(item: DriftItem): string {
  const who = attributionParts(item);
  const symbol = driftSymbol(item);
  return [
    '<tr>',
    `<td class="sym ${symbol === '-' ? 'bad' : symbol === '+' ? '' : 'warn'}">${escapeHtml(symbol)}</td>`,
    `<td><code>${escapeHtml(item.address)}</code><br><span class="muted">${escapeHtml(item.reason)}</span></td>`,
    cell(driftLiveText(item)),
    cell(driftDesiredText(item)),
    `<td>${escapeHtml(who.who)}${who.detail ? `<br><span class="muted mono">${escapeHtml(who.detail)}</span>` : ''}</td>`,
    cell(who.when),
    `<td>${escapeHtml(who.from)}${who.agent ? `<br><span class="muted mono">${escapeHtml(who.agent)}</span>` : ''}</td>`,
    '</tr>',
  ].join('');
}
