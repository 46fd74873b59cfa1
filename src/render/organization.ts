/**
 * Organization documents for people: text (a section per account, each rendered exactly as the one-account command
 * renders it, then one closing table) and markdown (a per-account summary table first, then each account's comment
 * folded, the whole within GitHub's comment limit). JSON is the document itself (plan/organization-report.ts).
 */
import type { OrganizationAccountEntry, OrganizationDocument, OrganizationKind, OrganizationReports } from '../plan/organization-report.js';
import { exceedsTolerance, organizationDocumentChunks, serializeOrganizationDocument } from '../plan/organization-report.js';
import type { PlanDocument } from '../plan/document.js';
import type { DriftReport } from '../plan/drift.js';
import type { StatusReport } from '../plan/status.js';
import type { Style } from './ansi.js';
import { driftSummaryLine, summaryLine } from './describe.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdownDrift, renderMarkdownPlan } from './markdown.js';
import { renderTextStatus } from './status-text.js';
import { renderTextDrift, renderTextPlan } from './text.js';
import { grouped } from '../util/count.js';

type Entry<K extends OrganizationKind> = OrganizationAccountEntry<OrganizationReports[K]>;

/** How each kind shows one account: its text section, its markdown comment, and its table columns. */
interface KindView<K extends OrganizationKind> {
  noun: string;
  /** What `changes` means for this kind, in the table. */
  changed: string;
  text(report: OrganizationReports[K], style: Style): string;
  markdown?(report: OrganizationReports[K], limit: number): string;
  columns: string[];
  cells(report: OrganizationReports[K] | null): string[];
}

const VIEWS: { [K in OrganizationKind]: KindView<K> } = {
  plan: {
    noun: 'plan',
    changed: 'changes',
    text: (doc: PlanDocument, style) => renderTextPlan(doc, style),
    markdown: (doc: PlanDocument, limit) => renderMarkdownPlan(doc, limit),
    columns: ['ADD', 'CHANGE', 'DESTROY', 'WARNINGS'],
    cells: (doc) => (doc ? [doc.summary.add, doc.summary.change, doc.summary.destroy, doc.warnings.length].map(String) : ['-', '-', '-', '-']),
  },
  drift: {
    noun: 'drift',
    changed: 'drifted',
    text: (report: DriftReport, style) => renderTextDrift(report, style),
    markdown: (report: DriftReport, limit) => renderMarkdownDrift(report, limit),
    columns: ['DRIFTED', 'IGNORED'],
    cells: (report) => (report ? [report.summary.drifted, report.summary.ignored].map(String) : ['-', '-']),
  },
  status: {
    noun: 'status',
    changed: 'differs',
    text: (report: StatusReport, style) => renderTextStatus(report, style),
    columns: ['USERS', 'CONSOLE', 'NO MFA', 'EXPIRED'],
    cells: (report) =>
      report ? [report.summary.users, report.summary.console, report.summary.withoutMfa, report.summary.expired].map(String) : ['-', '-', '-', '-'],
  },
};

const STATUS_WORDS = { 'in-sync': 'in sync', changes: 'changes', error: 'error', unreachable: 'unreachable' } as const;

function statusWord(status: keyof typeof STATUS_WORDS, view: { changed: string }): string {
  return status === 'changes' ? view.changed : STATUS_WORDS[status];
}

function kindOf<K extends OrganizationKind>(doc: OrganizationDocument<K>): K {
  return doc.kind.slice('organization-'.length) as K;
}

function viewOf<K extends OrganizationKind>(doc: OrganizationDocument<K>): KindView<K> {
  return VIEWS[kindOf(doc)] as unknown as KindView<K>;
}

/** The text report: the targets, a section per account, one closing table and the verdict. */
export function renderTextOrganization<K extends OrganizationKind>(doc: OrganizationDocument<K>, style: Style): string {
  return [...textOrganizationChunks(doc, style)].join('');
}

/** The same text, an account's section at a time: for a writer that never holds the whole report. */
export function* textOrganizationChunks<K extends OrganizationKind>(doc: OrganizationDocument<K>, style: Style): Generator<string, void, undefined> {
  const view = viewOf(doc);
  yield `${[...headLines(doc).map((l, i) => (i === 0 ? style.bold(l) : l)), ''].join('\n')}\n`;
  for (const entry of doc.accounts) {
    const via = entry.roleArn ? `via ${entry.roleArn}` : entry.status === 'unreachable' ? 'unreachable' : 'as the caller';
    const out = [style.bold(`══ ${entry.account} ${entry.name} ══ ${via}`), ''];
    const report = entry.report;
    if (report) out.push(view.text(report, style).trimEnd(), '');
    if (entry.problem) {
      const paint = entry.status === 'unreachable' ? style.red : style.yellow;
      out.push(paint(`  ${entry.status}: ${indent(entry.problem.message)}`));
      if (entry.problem.fix) out.push(`  fix: ${indent(entry.problem.fix)}`);
      out.push('');
    }
    yield `${out.join('\n')}\n`;
  }
  yield `${[...tableLines(doc, view), '', ...verdictLines(doc, style)].join('\n')}\n`;
}

function indent(text: string): string {
  return text.split('\n').join('\n    ');
}

function headLines(doc: OrganizationDocument): string[] {
  const t = doc.targets;
  const lines = [`Organization ${doc.organization.id} (management account ${doc.organization.managementAccount}), as ${doc.callerArn}`];
  const narrowed = t.narrowedTo.length > 0 ? ` (--account ${t.narrowedTo.join(', ')})` : '';
  const shard = t.shard ? `; shard ${t.shard.index}/${t.shard.count}: ${t.targets.length}` : '';
  lines.push(`Targets: ${plural(t.resolved.length, 'account')}${narrowed}${shard}, from ${doc.config.file}`);
  for (const s of t.skipped) lines.push(`Skipped: ${s.id} ${s.name}: ${s.reason}`);
  return lines;
}

function tableCells<K extends OrganizationKind>(doc: OrganizationDocument<K>, view: KindView<K>): string[][] {
  return [['ACCOUNT', 'NAME', 'STATUS', ...view.columns], ...doc.accounts.map((e: Entry<K>) => [e.account, e.name, statusWord(e.status, view), ...view.cells(e.report)])];
}

function tableLines<K extends OrganizationKind>(doc: OrganizationDocument<K>, view: KindView<K>): string[] {
  const rows = tableCells(doc, view);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

/** The closing table: its lines (the heading, then one per account, in `doc.accounts` order) and their cells. */
export function organizationTable(doc: OrganizationDocument): { heading: string; rows: string[]; cells: string[][] } {
  const view = viewOf(doc);
  const [heading = '', ...rows] = tableLines(doc, view);
  return { heading, rows, cells: tableCells(doc, view) };
}

/** The lines above the sections: the organization and caller, the targets, what was skipped. */
export function organizationHeadLines(doc: OrganizationDocument): string[] {
  return headLines(doc);
}

/** The one-line count of accounts by status, and for plans the actions over all of them. */
export function organizationSummaryLine(doc: OrganizationDocument): string {
  const s = doc.summary;
  const changed = doc.kind === 'organization-drift' ? 'drifted' : doc.kind === 'organization-status' ? 'not as the file says' : 'with changes';
  const parts = [`${s.inSync} in sync`, `${s.changes} ${changed}`, `${s.error} ${s.error === 1 ? 'error' : 'errors'}`, `${s.unreachable} unreachable`];
  const skipped = s.skipped > 0 ? `; ${s.skipped} skipped` : '';
  // Not the one-account "No changes" sentence: with accounts that failed, nothing is known to match.
  const actions = s.add !== undefined ? ` Plan: ${s.add} to add, ${s.change ?? 0} to change, ${s.destroy ?? 0} to destroy.` : '';
  return `${plural(s.accounts, 'account')}: ${parts.join(', ')}${skipped}.${actions}`;
}

function verdictLines(doc: OrganizationDocument, style: Style): string[] {
  const lines = [style.bold(organizationSummaryLine(doc))];
  const failed = doc.summary.failed;
  if (failed > 0) {
    const verdict = `${plural(failed, 'account')} failed; the failure tolerance is ${doc.failureTolerance}`;
    lines.push(exceedsTolerance(doc) ? style.red(`${verdict}: the run fails.`) : style.yellow(`${verdict}: within it.`));
  }
  return lines;
}

function plural(n: number, noun: string): string {
  return `${grouped(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A pull-request comment: the title and the per-account table first (never cut), then each account's own comment
 * in a `<details>` block, each given an equal share of what is left (a share an account does not use passes on).
 * An account whose comment cannot fit even cut down says so in one line.
 */
export function renderMarkdownOrganization<K extends OrganizationKind>(doc: OrganizationDocument<K>, limit = GITHUB_COMMENT_LIMIT): string {
  const view = viewOf(doc);
  const head = [
    `<!-- iampass:${doc.kind} organization=${doc.organization.id} config=${doc.config.file} -->`,
    `### iampass ${view.noun} · organization ${doc.organization.id} · ${organizationSummaryLine(doc)}`,
    '',
    ...headLines(doc).slice(1).map((l) => `${l.replace(/^(Targets|Skipped):/, '**$1**:')}  `),
    '',
    `| account | name | status | ${view.columns.map((c) => c.toLowerCase()).join(' | ')} |`,
    `| --- | --- | --- |${' ---: |'.repeat(view.columns.length)}`,
    ...doc.accounts.map((e: Entry<K>) => `| \`${e.account}\` | ${cell(e.name)} | ${statusWord(e.status, view)} | ${view.cells(e.report).join(' | ')} |`),
    '',
  ];
  if (doc.summary.failed > 0) head.push(`**${plural(doc.summary.failed, 'account')} failed** (tolerance ${doc.failureTolerance}${exceedsTolerance(doc) ? ': the run fails' : ''}).`, '');
  const out = [...head];
  let room = limit - out.join('\n').length - 200;
  const shown = doc.accounts.filter((e: Entry<K>) => e.report !== null || e.problem !== null);
  shown.forEach((entry: Entry<K>, k) => {
    const share = Math.floor(room / (shown.length - k));
    const section = accountSection(entry, view, share);
    room -= section.length + 1;
    out.push(section);
  });
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function accountSection<K extends OrganizationKind>(entry: Entry<K>, view: KindView<K>, share: number): string {
  const summary = `<details><summary><code>${entry.account}</code> ${cell(entry.name)}: ${entry.report ? reportSummary(entry.report) : STATUS_WORDS[entry.status]}</summary>\n\n`;
  const close = '\n</details>\n';
  let body: string;
  if (entry.problem) {
    body = `**${entry.status}**: ${cell(entry.problem.message)}${entry.problem.fix ? `\n\nFix: ${cell(entry.problem.fix)}` : ''}\n`;
  } else {
    const budget = share - summary.length - close.length;
    body = view.markdown && budget > 600 ? view.markdown(entry.report!, budget) : `_The ${view.noun} of this account does not fit in this comment; the job log and the JSON report have it._\n`;
  }
  const whole = `${summary}${body}${close}`;
  return whole.length <= Math.max(share, 0) ? whole : `- \`${entry.account}\` ${cell(entry.name)}: ${STATUS_WORDS[entry.status]} (details left out: the comment is full; the job log has them)\n`;
}

function reportSummary(report: PlanDocument | DriftReport | StatusReport): string {
  if (!('kind' in report) || report.kind === undefined) return summaryLine((report as PlanDocument).summary);
  if (report.kind === 'drift') return driftSummaryLine(report);
  return `${plural((report as StatusReport).summary.users, 'user')}`;
}

/** Text for a table cell or a line: no pipes or HTML, on one line. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** JSON: the document itself, keys in a fixed order. */
export function renderJsonOrganization(doc: OrganizationDocument): string {
  return serializeOrganizationDocument(doc);
}

/** The same JSON, an account at a time. */
export function jsonOrganizationChunks(doc: OrganizationDocument): Iterable<string> {
  return organizationDocumentChunks(doc);
}
