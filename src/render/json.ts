/**
 * The machine-readable renderers: the saved-plan document for plans, the drift report for drift. Both have a
 * format version, a schema in `schema/`, and a stable key order, so the same input always gives the same bytes.
 */
import { serializePlanDocument, type PlanDocument } from '../plan/document.js';
import type { DriftItem, DriftReport } from '../plan/drift.js';
import { POLICY_FIELDS, type PasswordPolicy } from '../plan/policy.js';
import { driftDesiredText, driftLiveText, driftSummaryLine } from './describe.js';

export function renderJsonPlan(doc: PlanDocument): string {
  return serializePlanDocument(doc);
}

/** The drift report plus `text`, a one-message summary a Slack (or compatible) incoming webhook shows as it is. */
export interface DriftDocument extends DriftReport {
  text: string;
}

export function driftDocument(report: DriftReport): DriftDocument {
  return { ...canonicalDrift(report), text: slackText(report) };
}

export function renderJsonDrift(report: DriftReport): string {
  return `${JSON.stringify(driftDocument(report), null, 2)}\n`;
}

function canonicalDrift(r: DriftReport): DriftReport {
  return {
    formatVersion: r.formatVersion,
    kind: r.kind,
    status: r.status,
    account: r.account,
    callerArn: r.callerArn,
    config: { file: r.config.file, sha256: r.config.sha256 },
    checkedAt: r.checkedAt,
    summary: { drifted: r.summary.drifted, ignored: r.summary.ignored },
    items: r.items.map(canonicalItem),
    ignored: r.ignored.map((t) => ({ rule: t.rule, source: t.source, matched: t.matched })),
    kept: r.kept.map((k) => ({ user: k.user, reason: k.reason })),
    warnings: r.warnings.map((w) => ({ id: w.id, ...(w.user !== undefined ? { user: w.user } : {}), message: w.message, fix: w.fix })),
    unchangedCount: r.unchangedCount,
    unlistedIgnoredCount: r.unlistedIgnoredCount,
    outOfScopeCount: r.outOfScopeCount,
  };
}

function canonicalItem(i: DriftItem): DriftItem {
  const head = { kind: i.kind, address: i.address } as const;
  switch (i.kind) {
    case 'policy-field':
      return { ...head, kind: i.kind, field: i.field, live: i.live, desired: i.desired, reason: i.reason, fix: i.fix };
    case 'policy':
      return { ...head, kind: i.kind, live: policy(i.live), desired: policy(i.desired), reason: i.reason, fix: i.fix };
    case 'console':
    case 'pending-reset':
      return {
        ...head,
        kind: i.kind,
        user: i.user,
        live: i.live,
        desired: i.desired,
        reason: i.reason,
        fix: i.fix,
        loginProfileCreated: i.loginProfileCreated,
        passwordLastUsed: i.passwordLastUsed,
      };
  }
}

function policy(p: PasswordPolicy | null): PasswordPolicy | null {
  return p === null ? null : (Object.fromEntries(POLICY_FIELDS.map((f) => [f, p[f]])) as unknown as PasswordPolicy);
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
