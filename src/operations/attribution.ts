/**
 * Drift attribution for one account: plan the LookupEvents queries (pure), run them against the account's
 * CloudTrail, and match each drifted item to the call that made it so (pure). CloudTrail that cannot be read makes
 * every item `unavailable` with the reason; the drift is reported all the same.
 */
import { attribute, planLookups } from '../plan/attribution.js';
import type { DriftReport } from '../plan/drift.js';
import type { Session } from './session.js';

export interface AttributionOptions {
  aborted?: () => boolean;
  /** Pages per query at most (50 events each); default 5. */
  maxPages?: number;
}

export async function attributeDrift(session: Session, report: DriftReport, options: AttributionOptions = {}): Promise<DriftReport> {
  if (report.items.length === 0) return report;
  const queries = planLookups(report.items, report.checkedAt);
  const [{ runLookups }, trail] = await Promise.all([import('../iam/trail-read.js'), session.trail()]);
  const { outcomes, events } = await runLookups(trail.gateway, queries, report.items, {
    ...(options.aborted ? { aborted: options.aborted } : {}),
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
  });
  return attribute(report, outcomes, events, trail.caller.stats.calls);
}
