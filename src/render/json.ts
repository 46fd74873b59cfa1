/**
 * The machine-readable renderers: the saved-plan document for plans, the drift report for drift. Both have a
 * format version, a schema in `schema/`, and a stable key order, so the same input always gives the same bytes.
 */
import { serializePlanDocument, type PlanDocument } from '../plan/document.js';
import { canonicalize } from '../plan/canonical.js';
import { DRIFT_KEY_ORDER, type DriftReport } from '../plan/drift.js';
import { driftDesiredText, driftLiveText, driftSummaryLine } from './describe.js';

export function renderJsonPlan(doc: PlanDocument): string {
  return serializePlanDocument(doc);
}

/** The drift report plus `text`, a one-message summary a Slack (or compatible) incoming webhook shows as it is. */
export interface DriftDocument extends DriftReport {
  text: string;
}

export function driftDocument(report: DriftReport): DriftDocument {
  return canonicalize({ ...report, text: slackText(report) }, DRIFT_KEY_ORDER) as DriftDocument;
}

export function renderJsonDrift(report: DriftReport): string {
  return `${JSON.stringify(driftDocument(report), null, 2)}\n`;
}

/** Slack shows at most a few thousand characters comfortably: the head line, then items until this budget. */
const SLACK_BUDGET = 3_000;

/**
 * Slack mrkdwn (`*bold*`, `` `code` ``, `&<>` escaped): the summary line with the account, then one bullet per item
 * while they fit, then how many more.
 */
export function slackText(report: DriftReport): string {
  const head = `*iampass drift* in account \`${report.account}\`: ${escapeSlack(driftSummaryLine(report))}`;
  const lines = [head];
  let used = head.length;
  let shown = 0;
  for (const item of report.items) {
    const line = `• \`${item.address}\`: live IAM has ${escapeSlack(driftLiveText(item))}; the file wants ${escapeSlack(driftDesiredText(item))}`;
    if (used + line.length + 1 > SLACK_BUDGET) break;
    lines.push(line);
    used += line.length + 1;
    shown += 1;
  }
  if (shown < report.items.length) lines.push(`…and ${report.items.length - shown} more (see the job log).`);
  return lines.join('\n');
}

function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
