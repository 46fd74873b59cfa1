/**
 * `drift` on an organization file: each target account's drift report, made exactly as `drift` makes one
 * account's (ignore rules, CloudTrail attribution through the account's own session), at most N accounts at a
 * time; then one organization document. Exit codes as for one account: 0 in sync, 2 drifted, 1 error (more
 * accounts failed or unreachable than `--failure-tolerance` allows).
 */
import { desiredFor, type OrganizationDesired } from '../../model/organization.js';
import { attributeDrift } from '../../operations/attribution.js';
import type { AccountOutcome } from '../../operations/org-loop.js';
import { driftOfAccount } from '../../operations/drift.js';
import type { Session } from '../../operations/session.js';
import type { ConfigFingerprint } from '../../plan/document.js';
import { isDrifted, type DriftMode, type DriftReport } from '../../plan/drift.js';
import type { IgnoreRule } from '../../plan/ignore.js';
import { exceedsTolerance, organizationDocument, storeReport, type OrganizationDocument, type StoredReport } from '../../plan/organization-report.js';
import { driftSummaryLine } from '../../render/describe.js';
import type { DriftFormat } from '../../render/formats.js';
import { driftDocument } from '../../render/json.js';
import { htmlOrganizationChunks } from '../../render/organization-html.js';
import { jsonOrganizationChunks, organizationSummaryLine, renderMarkdownOrganization, textOrganizationChunks } from '../../render/organization.js';
import { UserError } from '../../util/user-error.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { entryOf, failureText, runAccounts, startOrganizationRun } from '../organization.js';
import type { OrganizationFlags } from '../organization-options.js';
import { writeReport } from '../output.js';
import { presentation, type Presentation } from '../presentation.js';
import type { StopSignal } from '../stop.js';
import { postJson, webhookUrl } from '../webhook.js';
import { loadIgnoreRules, type DriftFlags } from './drift.js';

/** Each format as chunks (an account at a time) or, for the size-bounded comment, one string. */
export const ORGANIZATION_DRIFT_RENDERERS = {
  text: (doc, shown) => textOrganizationChunks(doc, shown.style),
  json: (doc) => jsonOrganizationChunks(doc),
  markdown: (doc) => renderMarkdownOrganization(doc),
  html: (doc) => htmlOrganizationChunks(doc),
} satisfies Record<DriftFormat, (doc: OrganizationDocument<'drift'>, shown: Presentation) => string | Iterable<string>>;

export async function organizationDriftCommand(
  org: OrganizationDesired,
  config: ConfigFingerprint,
  flags: DriftFlags & OrganizationFlags,
  environment: Environment,
  stop: StopSignal,
): Promise<number> {
  const webhook = flags.webhook ? webhookUrl(flags.webhook) : null;
  if (flags.heartbeat && !webhook) throw new UserError('error: --heartbeat needs --webhook (or IAMPASS_WEBHOOK_URL)');
  const rules = await loadIgnoreRules(flags);
  const shown = presentation(environment, { ...(flags.color !== undefined ? { color: flags.color } : {}), interactive: false });
  const run = await startOrganizationRun(org, config, flags, environment);
  let doc: OrganizationDocument<'drift'>;
  try {
    const outcomes = await runAccounts(
      run,
      org,
      flags,
      environment,
      stop,
      async (target, { session }) => {
        const report = await driftOfTarget(session, org, target.id, { config, rules, mode: flags.fast ? 'fast' : 'exact', attribution: flags.attribution !== false, stop });
        return { status: isDrifted(report) ? 'changes' : 'in-sync', result: storeReport<DriftReport>(driftDocument(report)) };
      },
      describeDriftOutcome,
    );
    doc = organizationDocument('drift', run.header, outcomes.map(entryOf));
  } finally {
    run.access.close();
  }
  await writeReport(ORGANIZATION_DRIFT_RENDERERS[flags.format](doc, shown), flags.output, environment);
  if (flags.html !== undefined) {
    await writeReport(htmlOrganizationChunks(doc), flags.html, environment);
    environment.stderr.write(`Wrote the HTML drift report to ${flags.html}.\n`);
  }
  const drifted = doc.summary.changes > 0;
  if (webhook && (drifted || exceedsTolerance(doc) || flags.heartbeat)) {
    // Slack shows `text`; anything else reads the organization document beside it.
    await postJson(webhook, { text: `*iampass drift* in organization \`${doc.organization.id}\`: ${organizationSummaryLine(doc)}`, report: doc });
    environment.stderr.write(`Posted the ${drifted ? 'drift' : 'heartbeat'} report to ${webhook.origin}.\n`);
  }
  if (exceedsTolerance(doc)) return EXIT.error;
  return drifted ? EXIT.changes : EXIT.ok;
}

/** One account's drift report, as `drift` makes it (exact, or `--fast` from the credential report), attributed through the account's own CloudTrail. */
async function driftOfTarget(
  session: Session,
  org: OrganizationDesired,
  account: string,
  options: { config: ConfigFingerprint; rules: readonly IgnoreRule[]; mode: DriftMode; attribution: boolean; stop: StopSignal },
): Promise<DriftReport> {
  const aborted = () => options.stop.requested();
  const report = await driftOfAccount(session, desiredFor(org, account), options.config.file, { mode: options.mode, config: options.config, rules: options.rules, hooks: { aborted } });
  if (!options.attribution || report.items.length === 0) return report;
  return attributeDrift(session, report, { aborted });
}

function describeDriftOutcome(outcome: AccountOutcome<StoredReport<DriftReport>>): string {
  return outcome.result ? driftSummaryLine(outcome.result.read()) : failureText(outcome);
}
