import { configuredKeys } from '../../config/keys.js';
import type { DesiredState, FailOn } from '../../model/desired.js';
import { unacknowledged } from '../../plan/advisories.js';
import { planBasis, planDocument, planOf } from '../../plan/document.js';
import type { Plan } from '../../model/plan.js';
import { summaryLine } from '../../render/describe.js';
import { renderTextPlan } from '../../render/text.js';
import { refreshAccount } from '../../operations/refresh.js';
import { connect, type Session } from '../../operations/session.js';
import { liveStaleness, verifySavedPlanLive, verifySavedPlanOffline } from '../../operations/verify-plan.js';
import { readRequestOf } from '../../model/read-request.js';
import type { EncryptionKey } from '../../apply/pgp.js';
import { applyAccount, applyFailed, type AccountApplied, type ApplyOutput } from '../apply-account.js';
import { connectionSettings, type AwsFlags } from '../aws-options.js';
import { loadConfiguration } from '../config.js';
import { refuseOrganizationFlags, type OrganizationFlags } from '../organization-options.js';
import type { Environment } from '../environment.js';
import { EXIT, nothingChanged } from '../errors.js';
import { UserError } from '../../util/user-error.js';
import { enforceFailOn, resolveFailOn } from '../fail-on.js';
import { loadKeys, preparePasswords, type DeliveryFlags, type PreparedPasswords } from '../passwords.js';
import { confirmOnTerminal } from '../prompt.js';
import { revealOnce } from '../reveal.js';
import { readPlanFile } from '../saved-plan.js';
import type { OrganizationDocument } from '../../plan/organization-report.js';
import { readFile } from 'node:fs/promises';
import type { StopSignal } from '../stop.js';
import { followRefresh, planHeader, presentation, type Presentation } from '../presentation.js';

export interface ApplyFlags extends AwsFlags, DeliveryFlags, OrganizationFlags {
  /** Absent: `iampass.yaml`, or with a saved plan, the file the plan was made from. */
  config?: string;
  autoApprove?: boolean;
  failOn?: FailOn;
  color?: boolean;
  interactive?: boolean;
  /** How long to wait for another apply's lock on the account, in ms; 0 refuses at once. */
  lockTimeout?: number;
}

export const DEFAULT_CONFIG = 'iampass.yaml';

export async function applyCommand(
  planFile: string | undefined,
  flags: ApplyFlags,
  environment: Environment,
  stop: StopSignal,
): Promise<number> {
  if (planFile !== undefined) {
    const organizationPlan = await readOrganizationPlan(planFile);
    if (organizationPlan !== null) return applySavedOrganizationPlan(planFile, organizationPlan, flags, environment, stop);
    refuseOrganizationFlags(flags, planFile);
    return applySavedPlan(planFile, flags, environment, stop);
  }
  const config = flags.config ?? DEFAULT_CONFIG;
  const loaded = await loadConfiguration(config, environment, { beforeWrites: true });
  if (loaded.kind === 'organization') {
    const { organizationApplyCommand } = await import('./org-apply.js');
    return organizationApplyCommand(loaded.organization, loaded.config, flags, environment, stop);
  }
  refuseOrganizationFlags(flags, config);
  const { desired } = loaded;
  const keys = await loadKeys(configuredKeys(desired)).catch(nothingChanged);
  const shown = presentation(environment, flags);
  const session = await connect(connectionSettings(flags, environment));
  const context: ApplyContext = { desired, keys, session, flags: { ...flags, config }, environment, shown, stop };
  const refresh = () => followRefresh((view) => refreshAccount(session, desired, config, view), session, environment, shown, stop);
  // Read without the lock: an apply with nothing to do, or one its gates refuse, writes nothing at all.
  const first = await refresh().catch(nothingChanged);
  const ready = await gates(first.plan, context);
  if (ready === null) return EXIT.ok;
  const applied = await applyAccount(
    session,
    first.plan.account,
    async () => {
      // Under the lock, what the plan depends on is read again: another apply may have changed it while this one
      // waited. If so, the plan is made again (and shown again) rather than applied stale.
      let refreshed = first;
      let passwords = ready;
      const basis = planBasis(first.plan, first.live, readRequestOf(desired));
      const stale = await liveStaleness(planDocument(first.plan, { file: config, sha256: '' }, basis, [], environment.cwd), session, () => stop.requested());
      if (stale.changes.length > 0) {
        environment.stderr.write(`Live IAM changed since it was read (${stale.changes.join('; ')}): reading it again.\n`);
        refreshed = await refresh().catch(nothingChanged);
        const again = await gates(refreshed.plan, context);
        if (again === null) return null;
        passwords = again;
      }
      const { plan, live } = refreshed;
      if (!(await approved(plan, context.flags, environment, shown))) throw new UserError('\nApply cancelled. Nothing was changed.');
      return { plan, passwords, journaled: new Set(live.users.filter((u) => u.unconfirmed).map((u) => u.name)) };
    },
    { flags, output: terminalOutput(environment, shown), shown, stop },
  );
  return finished(applied, environment);
}

/** What an apply from the config carries from one step to the next. */
interface ApplyContext {
  desired: DesiredState;
  keys: ReadonlyMap<string, EncryptionKey>;
  session: Session;
  flags: ApplyFlags & { config: string };
  environment: Environment;
  shown: Presentation;
  stop: StopSignal;
}

/**
 * Before anything is asked or written: nothing to do (`null`, after saying so), the warning gate, and every password
 * the plan would set checked and given somewhere to go.
 */
async function gates(plan: Plan, { desired, keys, flags, environment, shown }: ApplyContext): Promise<PreparedPasswords | null> {
  const failOn = resolveFailOn(flags.failOn, desired);
  if (plan.actions.length === 0) {
    environment.stdout.write(shown.interactive ? `${summaryLine(plan.summary)}\n` : renderTextPlan(plan, shown.style));
    enforceFailOn(plan.warnings, failOn, 'apply');
    return null;
  }
  // Warnings that fail the gate fail apply too, before anything is asked or written.
  if (failOn.level === 'warning' && unacknowledged(plan.warnings).length > 0) {
    environment.stdout.write(renderTextPlan(plan, shown.style));
    enforceFailOn(plan.warnings, failOn, 'apply', '\nNothing was changed.');
  }
  // Without a way to approve, nothing else matters yet: refuse first, so every fix named after it can work.
  if (!flags.autoApprove && !shown.interactive) refuseWithoutApproval(plan, environment, shown);
  return preparePasswords(plan, flags, environment, shown.interactive, keys);
}

/**
 * `apply FILE`: exactly the saved actions, never a new diff. The file was the review, so there is no prompt (as
 * `terraform apply PLANFILE`); instead everything the plan depends on is checked first, and a stale plan is
 * refused before any write. Passwords are resolved now: the saved plan holds only their references.
 */
async function applySavedPlan(file: string, flags: ApplyFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const doc = await readPlanFile(file);
  const configFile = flags.config ?? doc.config.file;
  const shown = presentation(environment, flags);
  environment.stderr.write(`Checking the saved plan ${file} against ${configFile} and live IAM...\n`);
  const { configDir, keys } = await verifySavedPlanOffline(file, doc, configFile, environment.cwd, loadKeys).catch(nothingChanged);
  const plan = planOf(doc, configDir);
  const passwords = await preparePasswords(plan, flags, environment, shown.interactive, keys);
  const session = await connect(connectionSettings(flags, environment));
  // Checked once before the lock (a stale plan is refused without a single write), and again under it.
  const { notes } = await verifySavedPlanLive(file, doc, session, () => stop.requested()).catch(nothingChanged);
  const applied = await applyAccount(
    session,
    doc.account,
    async () => {
      await verifySavedPlanLive(file, doc, session, () => stop.requested()).catch(nothingChanged);
      for (const note of notes) environment.stderr.write(`note: ${note}\n`);
      environment.stderr.write('The saved plan still holds.\n\n');
      environment.stdout.write(renderTextPlan(plan, shown.style));
      if (plan.actions.length === 0) return null;
      return { plan, passwords, journaled: new Set(doc.basis.users.filter((u) => u.unconfirmed).map((u) => u.name)) };
    },
    { flags, output: terminalOutput(environment, shown), shown, stop },
  );
  return finished(applied, environment);
}

/** A saved plan that is an organization plan (by its `kind`), or `null` for any other file (read as one account's). */
async function readOrganizationPlan(file: string): Promise<OrganizationDocument<'plan'> | null> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null; // readPlanFile says what is wrong with it
  }
  const { isOrganizationDocument, parseOrganizationDocument } = await import('../../plan/organization-saved.js');
  if (!isOrganizationDocument(data)) return null;
  const parsed = parseOrganizationDocument(data);
  if (!parsed.ok) throw new UserError(`error: saved plan ${file} cannot be applied: ${parsed.problem}\n  fix: give the file \`iampass plan --out FILE\` wrote, unmodified\nNothing was changed.`);
  if (parsed.doc.kind !== 'organization-plan') {
    throw new UserError(`error: ${file} is an organization ${parsed.doc.kind.slice('organization-'.length)} report, not a plan\n  fix: give the file \`iampass plan --out FILE\` wrote\nNothing was changed.`);
  }
  return parsed.doc as OrganizationDocument<'plan'>;
}

/** `apply PLANFILE` of an organization plan: its configuration must still be an organization file. */
async function applySavedOrganizationPlan(file: string, doc: OrganizationDocument<'plan'>, flags: ApplyFlags, environment: Environment, stop: StopSignal): Promise<number> {
  const configFile = flags.config ?? doc.config.file;
  const loaded = await loadConfiguration(configFile, environment, { beforeWrites: true });
  if (loaded.kind !== 'organization') {
    throw new UserError(`error: saved plan ${file} is an organization plan, but ${configFile} governs one account (it has no \`organization\` section)\n  fix: pass the organization file it was made from with -c\nNothing was changed.`);
  }
  const { organizationApplySaved } = await import('./org-apply.js');
  return organizationApplySaved(file, doc, loaded.organization, loaded.config, flags, environment, stop);
}

/** A lone account's apply writes straight to the terminal, with the live view when there is one. */
function terminalOutput(environment: Environment, shown: Presentation): ApplyOutput {
  return { out: (text) => environment.stdout.write(text), err: (text) => environment.stderr.write(text), live: shown.interactive };
}

/** Shows `--reveal`'s passwords once, then the exit code: 1 when any action failed or did not run. */
async function finished(applied: AccountApplied, environment: Environment): Promise<number> {
  if (applied.passwords?.reveal) {
    const shownOnce = applied.passwords.reveal.take().map(({ user, password, confirmed }): [string, string] => [confirmed ? user : `${user} (unconfirmed)`, password]);
    await revealOnce(shownOnce, environment);
  }
  return applied.report !== null && applyFailed(applied.report) ? EXIT.error : EXIT.ok;
}

/** `--auto-approve`, or a person who typed `yes` (the command has already refused when there is no one to ask). */
async function approved(
  plan: Plan,
  flags: ApplyFlags & { config: string },
  environment: Environment,
  shown: Presentation,
): Promise<boolean> {
  if (flags.autoApprove) {
    environment.stdout.write(renderTextPlan(plan, shown.style));
    return true;
  }
  if (environment.stdin.isTTY) {
    const { reviewAndConfirm } = await import('../../ui/run.js');
    return reviewAndConfirm(plan, planHeader(plan, flags.config), shown.ui);
  }
  // --interactive forced without a key-by-key terminal: a line prompt.
  environment.stdout.write(renderTextPlan(plan, shown.style));
  const destructive = plan.summary.destroy;
  return confirmOnTerminal(
    `\nApply ${plan.actions.length} change${plan.actions.length === 1 ? '' : 's'} to account ${plan.account}?` +
      (destructive > 0 ? ` (${destructive} destructive)` : ''),
    environment,
  );
}

/** Shows the plan, then refuses: there is no terminal to ask on and no `--auto-approve`. */
function refuseWithoutApproval(plan: Plan, environment: Environment, shown: Presentation): never {
  environment.stdout.write(renderTextPlan(plan, shown.style));
  throw new UserError(
    'apply needs approval, and there is no terminal to ask on.\n' +
      '  fix: review the plan above, then run again with --auto-approve\nNothing was changed.',
  );
}
