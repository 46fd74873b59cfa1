/**
 * `plan` on an organization file: each target account's plan, made exactly as `plan` makes one account's, at most
 * N accounts at a time; then one document (text: a section per account and a closing table; json: the versioned
 * organization document, also what `--out` saves; markdown: a per-account table first), and the exit code.
 */
import { dirname, resolve } from 'node:path';
import { configuredKeys, resolveKeyDirectory } from '../../config/keys.js';
import type { EncryptionKey } from '../../apply/pgp.js';
import { readRequestOf } from '../../model/read-request.js';
import { desiredFor, type OrganizationDesired } from '../../model/organization.js';
import type { AccountOutcome } from '../../operations/org-loop.js';
import { refreshAccount } from '../../operations/refresh.js';
import type { Session } from '../../operations/session.js';
import { unacknowledged } from '../../plan/advisories.js';
import { deliveryKeys, planBasis, planDocument, type ConfigFingerprint, type PlanDocument } from '../../plan/document.js';
import { exceedsTolerance, organizationDocument, storeReport, type OrganizationDocument, type StoredReport } from '../../plan/organization-report.js';
import { jsonOrganizationChunks, renderMarkdownOrganization, textOrganizationChunks } from '../../render/organization.js';
import { writeReport } from '../output.js';
import { summaryLine } from '../../render/describe.js';
import type { PlanFormat } from '../../render/formats.js';
import { UserError } from '../../util/user-error.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { Environment } from '../environment.js';
import { EXIT } from '../errors.js';
import { resolveFailOn } from '../fail-on.js';
import { entryOf, failureText, runAccounts, startOrganizationRun, type OrganizationRun } from '../organization.js';
import type { OrganizationFlags } from '../organization-options.js';
import { checkSuppliedPasswords, loadKeys } from '../passwords.js';
import { presentation, type Presentation } from '../presentation.js';
import type { StopSignal } from '../stop.js';
import type { PlanFlags } from './plan.js';

/** Each format as chunks (an account at a time) or, for the size-bounded comment, one string. */
export const ORGANIZATION_PLAN_RENDERERS = {
  text: (doc, shown) => textOrganizationChunks(doc, shown.style),
  json: (doc) => jsonOrganizationChunks(doc),
  markdown: (doc) => renderMarkdownOrganization(doc),
} satisfies Record<PlanFormat, (doc: OrganizationDocument<'plan'>, shown: Presentation) => string | Iterable<string>>;

export async function organizationPlanCommand(
  org: OrganizationDesired,
  config: ConfigFingerprint,
  flags: PlanFlags & OrganizationFlags,
  environment: Environment,
  stop: StopSignal,
): Promise<number> {
  const shown = presentation(environment, { ...flags, interactive: flags.format === 'text' ? flags.interactive : false });
  const keys = await organizationKeys(org);
  const run = await startOrganizationRun(org, config, flags, environment);
  let doc: OrganizationDocument<'plan'>;
  try {
    doc = await planOrganization(run, org, config, keys, flags, environment, stop);
  } finally {
    run.access.close();
  }
  if (flags.out !== undefined) {
    await writeOrganizationPlan(flags.out, doc);
    environment.stderr.write(`Saved the organization plan to ${flags.out}; \`iampass apply ${flags.out}\` applies exactly these actions, account by account.\n`);
  }
  if (flags.format === 'text' && shown.interactive) {
    const { browseOrganization } = await import('../../ui/run.js');
    await browseOrganization(doc, dirname(resolve(environment.cwd, config.file)), shown.ui);
  } else {
    await writeReport(ORGANIZATION_PLAN_RENDERERS[flags.format](doc, shown), undefined, environment);
  }
  return organizationPlanExit(doc, org, flags);
}

/** Every target's plan document, in the organization document. Shared by `plan` and `apply` on an organization file. */
export async function planOrganization(
  run: OrganizationRun,
  org: OrganizationDesired,
  config: ConfigFingerprint,
  keys: ReadonlyMap<string, EncryptionKey>,
  flags: OrganizationFlags,
  environment: Environment,
  stop: StopSignal,
): Promise<OrganizationDocument<'plan'>> {
  const outcomes = await runAccounts(
    run,
    org,
    flags,
    environment,
    stop,
    async (target, { session }) => {
      const doc = await planAccount(session, org, target.id, config, keys, environment, stop);
      return { status: doc.actions.length > 0 ? 'changes' : 'in-sync', result: storeReport(doc) };
    },
    describePlanOutcome,
  );
  return organizationDocument('plan', run.header, outcomes.map(entryOf));
}

/** One account's plan, as `plan` makes it, reduced to its document: live state is dropped here, in the account's turn. */
export async function planAccount(
  session: Session,
  org: OrganizationDesired,
  account: string,
  config: ConfigFingerprint,
  keys: ReadonlyMap<string, EncryptionKey>,
  environment: Environment,
  stop: StopSignal,
): Promise<PlanDocument> {
  const desired = await resolveKeyDirectory(desiredFor(org, account));
  const { plan, live } = await refreshAccount(session, desired, config.file, { aborted: () => stop.requested() });
  await checkSuppliedPasswords(plan, environment);
  const fingerprints = [...deliveryKeys(plan)].map((path) => ({ path, fingerprint: keys.get(path)?.fingerprint ?? '' }));
  return planDocument(plan, config, planBasis(plan, live, readRequestOf(desired)), fingerprints, dirname(resolve(environment.cwd, config.file)));
}

export function describePlanOutcome(outcome: AccountOutcome<StoredReport<PlanDocument>>): string {
  return outcome.result ? summaryLine(outcome.result.read().summary) : failureText(outcome);
}

/** Every OpenPGP key any account's deliveries may use, loaded and checked before the first call to AWS. */
export async function organizationKeys(org: OrganizationDesired): Promise<Map<string, EncryptionKey>> {
  const states = [org.baseline, ...[...org.sections.values()].map((s) => s.desired)];
  const paths = new Set<string>();
  for (const state of states) for (const path of configuredKeys(await resolveKeyDirectory(state))) paths.add(path);
  return loadKeys([...paths]);
}

/** Written atomically, so a reader (an upload step) never sees half a plan. */
export async function writeOrganizationPlan(path: string, doc: OrganizationDocument<'plan'>): Promise<void> {
  try {
    await writeFileAtomic(path, jsonOrganizationChunks(doc));
  } catch (error) {
    throw new UserError(`cannot write the saved plan to ${path}: ${(error as Error).message}`);
  }
}

/**
 * 1 when more accounts failed than tolerated, or when an account's warnings fail its `--fail-on` (naming each); else
 * 2 with `--detailed-exitcode` when any account has changes; else 0.
 */
export function organizationPlanExit(doc: OrganizationDocument<'plan'>, org: OrganizationDesired, flags: PlanFlags & OrganizationFlags): number {
  const failing = doc.accounts.flatMap((entry) => {
    if (!entry.report || resolveFailOn(flags.failOn, desiredFor(org, entry.account)).level !== 'warning') return [];
    const warnings = unacknowledged(entry.report.warnings);
    return warnings.length > 0 ? [`  ${entry.account}: ${warnings.map((w) => (w.user === undefined ? w.id : `${w.id} ${w.user}`)).join(', ')}`] : [];
  });
  if (failing.length > 0) {
    throw new UserError(
      `plan failed: warnings are not acknowledged (--fail-on warning, or advisories.failOn: warning) in ${failing.length} account${failing.length === 1 ? '' : 's'}:\n${failing.join('\n')}\n` +
        '  fix: resolve each one, or accept it with a reason in the file: users.NAME.acknowledge.ID, or advisories.acknowledge.ID (in the baseline or the account\'s section)',
    );
  }
  if (exceedsTolerance(doc)) return EXIT.error;
  return flags.detailedExitcode && doc.summary.changes > 0 ? EXIT.changes : EXIT.ok;
}
