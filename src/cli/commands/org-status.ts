/**
 * `status` on an organization file: each target account's status, made exactly as `status` makes one account's
 * (`statusOfAccount`), at most N accounts at a time; then one organization document. Exit 0, or 1 when more
 * accounts failed or were unreachable than `--failure-tolerance` allows.
 */
import { desiredFor, type OrganizationDesired } from '../../model/organization.js';
import type { AccountOutcome } from '../../operations/org-loop.js';
import { statusOfAccount } from '../../operations/status.js';
import type { ConfigFingerprint } from '../../plan/document.js';
import { exceedsTolerance, organizationDocument, statusReportStatus, storeReport, type OrganizationDocument, type StoredReport } from '../../plan/organization-report.js';
import type { StatusReport } from '../../plan/status.js';
import type { StatusFormat } from '../../render/formats.js';
import { htmlOrganizationChunks } from '../../render/organization-html.js';
import { jsonOrganizationChunks, textOrganizationChunks } from '../../render/organization.js';
import { statusSummaryLine } from '../../render/status-words.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { entryOf, failureText, runAccounts, startOrganizationRun } from '../organization.js';
import type { OrganizationFlags } from '../organization-options.js';
import { writeReport } from '../output.js';
import { presentation, type Presentation } from '../presentation.js';
import type { StopSignal } from '../stop.js';
import type { StatusFlags } from './status.js';

/** Each format as chunks: an account at a time. */
export const ORGANIZATION_STATUS_RENDERERS = {
  text: (doc, shown) => textOrganizationChunks(doc, shown.style),
  json: (doc) => jsonOrganizationChunks(doc),
  html: (doc) => htmlOrganizationChunks(doc),
} satisfies Record<StatusFormat, (doc: OrganizationDocument<'status'>, shown: Presentation) => Iterable<string>>;

export async function organizationStatusCommand(
  org: OrganizationDesired,
  config: ConfigFingerprint,
  flags: StatusFlags & OrganizationFlags,
  environment: Environment,
  stop: StopSignal,
): Promise<number> {
  const shown = presentation(environment, { ...(flags.color !== undefined ? { color: flags.color } : {}), interactive: false });
  const run = await startOrganizationRun(org, config, flags, environment);
  let doc: OrganizationDocument<'status'>;
  try {
    const outcomes = await runAccounts(
      run,
      org,
      flags,
      environment,
      stop,
      async (target, { session }) => {
        const report = await statusOfAccount(session, desiredFor(org, target.id), config.file, {
          mode: flags.fast ? 'fast' : 'exact',
          config,
          hooks: { aborted: () => stop.requested() },
        });
        return { status: statusReportStatus(report), result: storeReport(report) };
      },
      describeStatusOutcome,
    );
    doc = organizationDocument('status', run.header, outcomes.map(entryOf));
  } finally {
    run.access.close();
  }
  await writeReport(ORGANIZATION_STATUS_RENDERERS[flags.format](doc, shown), flags.output, environment);
  if (flags.output !== undefined) environment.stderr.write(`Wrote the ${flags.format} status report to ${flags.output}.\n`);
  return exceedsTolerance(doc) ? EXIT.error : EXIT.ok;
}

function describeStatusOutcome(outcome: AccountOutcome<StoredReport<StatusReport>>): string {
  return outcome.result ? statusSummaryLine(outcome.result.read()) : failureText(outcome);
}
