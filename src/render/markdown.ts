/**
 * Markdown for a pull-request comment (GitHub-flavoured): a title with the account and the summary line, every
 * warning, then the changes in a ```diff block (`+` / `-` / `~` in column 0, so GitHub colours them), folded into
 * `<details>` when long. A comment must stay under GitHub's 65,536-character limit: the middle of the block gives
 * way first (replaced by one line saying how much was left out), never the title, the summary or a warning.
 */
import type { PlanDocument } from '../plan/document.js';
import type { DriftReport } from '../plan/drift.js';
import type { PlanWarning } from '../model/plan.js';
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
  ignoredCount,
  policyDiffLines,
  subject,
  summaryLine,
  untouchedLine,
} from './describe.js';
import { grouped } from '../util/count.js';

/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Blocks longer than this many lines are folded into `<details>`. */
export const FOLD_LINES = 30;

export function renderMarkdownPlan(doc: PlanDocument, limit = GITHUB_COMMENT_LIMIT): string {
  const title = `### iampass plan · account ${doc.account} · ${summaryLine(doc.summary)}`;
  const head = [
    `<!-- iampass:plan account=${doc.account} config=${doc.config.file} -->`,
    title,
    '',
    `From \`${doc.config.file}\` (sha256 \`${doc.config.sha256.slice(0, 12)}\`), read as \`${doc.callerArn}\`.`,
  ];
  const body: string[] = [];
  for (const action of doc.actions) {
    body.push(`${actionSymbol(action)} ${subject(action)}: ${describeAction(action)}`, `#   ${action.reason}`);
    if (action.kind === 'update-password-policy' || action.kind === 'delete-password-policy') {
      for (const line of policyDiffLines(action)) {
        const field = line.slice(1).trim();
        if (field === '{' || field === '}') continue;
        body.push(`${line[0] === '+' || line[0] === '-' ? line[0] : ' '}     ${field}`);
      }
    }
  }
  for (const k of doc.kept) body.push(`= ${k.user}: kept: ${k.reason}`);
  const untouched = untouchedLine(doc);
  const cost = doc.factsCost ? factsCostLine(doc.factsCost) : null;
  return fitComment({
    head,
    warnings: doc.warnings,
    body,
    summary: `${doc.actions.length} action${doc.actions.length === 1 ? '' : 's'}`,
    tail: [...(untouched ? [`_${untouched}_`] : []), ...(cost ? [...(untouched ? [''] : []), `_${escapeMarkdown(cost)}_`] : [])],
    omittedHint: 'the saved plan and the job log have every action',
    limit,
  });
}

export function renderMarkdownDrift(report: DriftReport, limit = GITHUB_COMMENT_LIMIT): string {
  const head = [
    `<!-- iampass:drift account=${report.account} config=${report.config.file} -->`,
    `### iampass drift · account ${report.account} · ${driftSummaryLine(report)}`,
    '',
    `Checked ${report.checkedAt} against \`${report.config.file}\` (sha256 \`${report.config.sha256.slice(0, 12)}\`), read as \`${report.callerArn}\`.`,
    ...fastDriftLines(report).flatMap((l) => ['', `_${escapeMarkdown(l)}_`]),
  ];
  const body: string[] = [];
  for (const item of report.items) {
    body.push(`${driftSymbol(item)} ${item.address}`, `    live IAM:  ${driftLiveText(item)}`, `    the file:  ${driftDesiredText(item)}`);
    const who = attributionLine(item);
    if (who !== null) body.push(`    changed:   ${who}`);
  }
  const tail: string[] = [];
  if (report.attribution) tail.push(`_${escapeMarkdown(report.attribution.note)}_`, '');
  if (report.ignored.length > 0) {
    tail.push('**Ignore rules**', '', ...report.ignored.map((t) => `- \`${t.rule}\` (${t.source}): ${ignoredCount(t.matched)}`));
  }
  const untouched = untouchedLine(report);
  if (untouched) tail.push('', `_${untouched}_`);
  return fitComment({
    head,
    warnings: report.warnings,
    body,
    summary: `${report.items.length} drifted item${report.items.length === 1 ? '' : 's'}`,
    tail,
    omittedHint: 'the job log has every item',
    limit,
  });
}

interface Comment {
  head: string[];
  warnings: readonly PlanWarning[];
  /** Lines of the diff block; the only part that may be cut. */
  body: string[];
  /** What the block holds, for the `<details>` summary. */
  summary: string;
  tail: string[];
  omittedHint: string;
  limit: number;
}

function fitComment(c: Comment): string {
  let fixed = { head: c.head, warnings: warningBlock(c.warnings, false), tail: c.tail };
  const whole = assemble(fixed, c, c.body);
  if (whole.length <= c.limit) return whole;
  // Everything but the block must fit; with thousands of warnings, they are grouped by id (each id still shown).
  if (assemble(fixed, c, []).length > c.limit / 2) fixed = { ...fixed, warnings: warningBlock(c.warnings, true) };

  const marker = (n: number) => `@@ ${grouped(n)} line${n === 1 ? '' : 's'} not shown here: ${c.omittedHint} @@`;
  const room = c.limit - assemble(fixed, c, [marker(c.body.length)]).length;
  const head: string[] = [];
  const tail: string[] = [];
  let used = 0;
  // Alternate from both ends so the start and the end of the block both survive.
  for (let i = 0, j = c.body.length - 1; i <= j; ) {
    const fromHead = head.length <= tail.length;
    const line = (fromHead ? c.body[i] : c.body[j]) as string;
    if (used + line.length + 1 > room) break;
    used += line.length + 1;
    if (fromHead) head.push(c.body[i++] as string);
    else tail.unshift(c.body[j--] as string);
  }
  const omitted = c.body.length - head.length - tail.length;
  return assemble(fixed, c, [...head, marker(omitted), ...tail]);
}

function assemble(fixed: { head: string[]; warnings: string[]; tail: string[] }, c: Comment, body: string[]): string {
  const out = [...fixed.head, ''];
  if (fixed.warnings.length > 0) out.push(...fixed.warnings, '');
  if (body.length > 0) {
    const block = ['```diff', ...body, '```'];
    if (c.body.length > FOLD_LINES) {
      out.push(`<details><summary>Show ${c.summary} (${grouped(c.body.length)} lines)</summary>`, '', ...block, '', '</details>', '');
    } else {
      out.push(...block, '');
    }
  }
  if (fixed.tail.length > 0) out.push(...fixed.tail, '');
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** Every warning with its fix; `grouped`: one line per id with how many users it concerns. */
function warningBlock(warnings: readonly PlanWarning[], grouped: boolean): string[] {
  if (warnings.length === 0) return [];
  const out = [`**Warnings (${warnings.length})**`, ''];
  if (!grouped) {
    for (const w of warnings) out.push(`- \`${w.id}\` ${escapeMarkdown(w.message)}. Fix: ${escapeMarkdown(w.fix)}`);
    return out;
  }
  const byId = new Map<string, PlanWarning[]>();
  for (const w of warnings) byId.set(w.id, [...(byId.get(w.id) ?? []), w]);
  for (const [id, group] of byId) {
    const first = group[0] as PlanWarning;
    const users = group.flatMap((w) => (w.user ? [w.user] : []));
    const who = users.length > 0 ? ` (${users.slice(0, 5).join(', ')}${users.length > 5 ? ', …' : ''})` : '';
    out.push(`- \`${id}\` × ${group.length}${who}: ${escapeMarkdown(first.message)}. Fix: ${escapeMarkdown(first.fix)}`);
  }
  return out;
}

/** Keeps text from opening HTML or breaking the list; code spans are left to the caller. */
function escapeMarkdown(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\.$/, '');
}
