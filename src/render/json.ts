/**
 * The machine-readable renderers: the saved-plan document for plans, the drift and status reports. Each has a
 * format version, a schema in `schema/`, and a stable key order, so the same input always gives the same bytes.
 */
import { serializePlanDocument, type PlanDocument } from '../plan/document.js';
import { canonicalize } from '../plan/canonical.js';
import { DRIFT_KEY_ORDER, type DriftReport } from '../plan/drift.js';
import { STATUS_KEY_ORDER, type StatusReport } from '../plan/status.js';
import { attributionLine, driftDesiredText, driftLiveText, driftSummaryLine } from './describe.js';

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
  const fast = report.fast && !('unavailable' in report.fast.credentialReport) ? report.fast : undefined;
  const head =
    `*iampass drift* in account \`${report.account}\`: ${escapeSlack(driftSummaryLine(report))}` +
    (fast && 'generatedTime' in fast.credentialReport ? ` (fast: from the credential report of ${fast.credentialReport.generatedTime}; pending resets not checked)` : '');
  const lines = [head];
  let used = head.length;
  let shown = 0;
  for (const item of report.items) {
    const who = attributionLine(item);
    const line =
      `• \`${item.address}\`: live IAM has ${escapeSlack(driftLiveText(item))}; the file wants ${escapeSlack(driftDesiredText(item))}` +
      (who === null ? '' : `; changed by ${escapeSlack(who.replace(/`/g, "'"))}`);
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

/** The status report with its keys in the schema's order (`schema/status.schema.json`). */
export function renderJsonStatus(report: StatusReport): string {
  return `${JSON.stringify(canonicalize(report, STATUS_KEY_ORDER), null, 2)}\n`;
}
