/**
 * `apply` on an organization file, and `apply PLANFILE` for a saved organization plan. Per account, exactly what
 * `apply` does for one: the plan's gates (warnings, password delivery), then `applyAccount`: the account's apply
 * lock, the re-check under it, execution with the journal, deliveries to DIR/ACCOUNT/. Across accounts: one
 * approval for the whole organization plan (or none, for a saved plan: it was the review), at most N accounts at a
 * time, one account's failure never stopping the others, and the failure tolerance deciding the exit code.
 *
 * Kept per account between planning and applying: its plan document (never its live state). Each account's apply
 * output is gathered while it runs and printed as one section when it ends, so concurrent accounts never interleave.
 */
import { dirname, resolve } from 'node:path';
import type { ApplyReport } from '../../apply/execute.js';
import { tally } from '../../apply/execute.js';
import type { EncryptionKey } from '../../apply/pgp.js';
import { desiredFor, type OrganizationDesired } from '../../model/organization.js';
import type { TargetAccount } from '../../model/organization-tree.js';
import type { Session } from '../../operations/session.js';
import { liveStaleness, verifySavedPlanLive } from '../../operations/verify-plan.js';
import { unacknowledged } from '../../plan/advisories.js';
import { planOf, type ConfigFingerprint, type PlanDocument } from '../../plan/document.js';
import type { OrganizationAccountEntry, OrganizationDocument } from '../../plan/organization-report.js';
import { textOrganizationChunks } from '../../render/organization.js';
import { writeReport } from '../output.js';
import { renderTextPlan } from '../../render/text.js';
import { UserError } from '../../util/user-error.js';
import { applyAccount, applyFailed, type ApplyOutput, type ReadyToApply } from '../apply-account.js';
import type { Environment } from '../environment.js';
import { EXIT, nothingChanged } from '../errors.js';
import { resolveFailOn } from '../fail-on.js';
import { runAccounts, startOrganizationRun, type OrganizationRun } from '../organization.js';
import type { OrganizationFlags } from '../organization-options.js';
import { preparePasswords, type PreparedPasswords } from '../passwords.js';
import { presentation, type Presentation } from '../presentation.js';
import { confirmOnTerminal } from '../prompt.js';
import { revealOnce } from '../reveal.js';
import type { StopSignal } from '../stop.js';
import type { ApplyFlags } from './apply.js';
import { organizationKeys, planAccount, planOrganization } from './org-plan.js';

type Flags = ApplyFlags & OrganizationFlags;

/** What one account's apply ended with, for the closing table. */
export interface AppliedAccount {
  report: ApplyReport | null;
  /** Set when nothing was executed: why (nothing to do, refused, stale). */
  note: string | null;
}

/** One account ready to apply: its reviewed plan document (read back when needed) and its passwords, checked. */
interface Ready {
  target: TargetAccount;
  read: () => PlanDocument;
  passwords: PreparedPasswords;
}

interface Context {
  org: OrganizationDesired;
  config: ConfigFingerprint;
  keys: ReadonlyMap<string, EncryptionKey>;
  flags: Flags;
  environment: Environment;
  shown: Presentation;
  stop: StopSignal;
  configDir: string;
}

export async function organizationApplyCommand(org: OrganizationDesired, config: ConfigFingerprint, flags: Flags, environment: Environment, stop: StopSignal): Promise<number> {
  // Each account's output is gathered, so there is no live view; a terminal still gets the approval prompt.
  const shown = presentation(environment, flags);
  const context: Context = { org, config, keys: await organizationKeys(org).catch(nothingChanged), flags, environment, shown, stop, configDir: dirname(resolve(environment.cwd, config.file)) };
  const run = await startOrganizationRun(org, config, flags, environment).catch(nothingChanged);
  try {
    const planned = await planOrganization(run, org, config, context.keys, flags, environment, stop);
    await writeReport(textOrganizationChunks(planned, shown.style), undefined, environment);
    const { ready, refused } = await gateAccounts(planned, context);
    if (ready.length === 0) return finish(planned, refused, new Map(), context);
    await approveOrganization(ready, context);
    const applied = await applyAccounts(run, ready, context, (account, session, output) => underLockFromConfig(account, session, output, context));
    return finish(planned, refused, applied, context);
  } finally {
    run.access.close();
  }
}

/** Each account with changes through the same gates as `apply`: warnings that fail it, passwords that cannot go. */
async function gateAccounts(doc: OrganizationDocument<'plan'>, context: Context): Promise<{ ready: Ready[]; refused: Map<string, string> }> {
  const ready: Ready[] = [];
  const refused = new Map<string, string>();
  for (const entry of doc.accounts) {
    const plan = entry.report;
    if (!plan || plan.actions.length === 0) continue;
    try {
      ready.push({ target: { id: entry.account, name: entry.name }, read: () => entry.report as PlanDocument, passwords: await gatePlan(plan, context) });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      refused.set(entry.account, error.message.replace(/\nNothing was changed\.$/, ''));
    }
  }
  return { ready, refused };
}

async function gatePlan(doc: PlanDocument, context: Context): Promise<PreparedPasswords> {
  const failOn = resolveFailOn(context.flags.failOn, desiredFor(context.org, doc.account));
  const failing = failOn.level === 'warning' ? unacknowledged(doc.warnings) : [];
  if (failing.length > 0) {
    throw new UserError(`refused: ${failing.length} warning${failing.length === 1 ? ' is' : 's are'} not acknowledged (${failOn.from}: warning): ${failing.map((w) => (w.user ? `${w.id} ${w.user}` : w.id)).join(', ')}`);
  }
  return preparePasswords(planOf(doc, context.configDir), context.flags, context.environment, context.shown.interactive, context.keys);
}

/** `--auto-approve`, or `yes` typed once for the whole organization plan; without either, refuse before any write. */
async function approveOrganization(ready: readonly Ready[], { flags, environment, shown }: Context): Promise<void> {
  if (flags.autoApprove) return;
  const summaries = ready.map((r) => r.read().summary);
  const actions = summaries.reduce((n, s) => n + s.add + s.change + s.destroy, 0);
  const destructive = summaries.reduce((n, s) => n + s.destroy, 0);
  if (!shown.interactive) {
    throw new UserError('apply needs approval, and there is no terminal to ask on.\n  fix: review the plan above, then run again with --auto-approve\nNothing was changed in any account.');
  }
  const question = `\nApply ${actions} change${actions === 1 ? '' : 's'} in ${ready.length} account${ready.length === 1 ? '' : 's'}?${destructive > 0 ? ` (${destructive} destructive)` : ''}`;
  if (!(await confirmOnTerminal(question, environment))) throw new UserError('\nApply cancelled. Nothing was changed in any account.');
}

/** Under the account's lock: if live IAM moved since the reviewed plan, plan again (only with --auto-approve). */
async function underLockFromConfig({ target, read, passwords }: Ready, session: Session, output: ApplyOutput, context: Context): Promise<ReadyToApply | null> {
  const { environment, stop, flags } = context;
  const doc = read();
  const stale = await liveStaleness(doc, session, () => stop.requested());
  let current = doc;
  if (stale.changes.length > 0) {
    if (!flags.autoApprove) {
      throw new UserError(`live IAM changed since the plan was reviewed (${stale.changes.join('; ')})\n  fix: run apply again and review the new plan`);
    }
    output.err(`Live IAM changed since it was read (${stale.changes.join('; ')}): planning again.\n`);
    current = await planAccount(session, context.org, target.id, context.config, context.keys, environment, stop);
    if (current.actions.length === 0) {
      output.out('Nothing to do any more.\n');
      return null;
    }
  }
  const plan = planOf(current, context.configDir);
  output.out(renderTextPlan(plan, context.shown.style));
  return { plan, passwords: current === doc ? passwords : await gatePlan(current, context), journaled: journaledOf(current) };
}

function journaledOf(doc: PlanDocument): Set<string> {
  return new Set(doc.basis.users.filter((u) => u.unconfirmed).map((u) => u.name));
}

type UnderLock = (account: Ready, session: Session, output: ApplyOutput) => Promise<ReadyToApply | null>;

/** Applies each ready account through `applyAccount`, its output gathered and printed as one section when it ends. */
async function applyAccounts(
  run: OrganizationRun,
  ready: readonly Ready[],
  context: Context,
  underLock: UnderLock,
  /** Checked before the lock is taken (taking it is a write): a saved plan already stale is refused without one. */
  beforeLock: (account: Ready, session: Session, output: ApplyOutput) => Promise<void> = async () => {},
): Promise<Map<string, AppliedAccount>> {
  const { environment, flags, shown, stop } = context;
  const byAccount = new Map(ready.map((r) => [r.target.id, r]));
  const reveals: Array<[string, string]> = [];
  const outcomes = await runAccounts(
    run,
    context.org,
    flags,
    environment,
    stop,
    async (target, { session }) => {
      const account = byAccount.get(target.id) as Ready;
      const gathered: string[] = [];
      const output: ApplyOutput = { out: (t) => gathered.push(t), err: (t) => gathered.push(t), live: false };
      try {
        await beforeLock(account, session, output);
        const applied = await applyAccount(session, target.id, () => underLock(account, session, output), { flags, output, shown, stop });
        for (const r of applied.passwords?.reveal?.take() ?? []) reveals.push([`${target.id} ${r.user}${r.confirmed ? '' : ' (unconfirmed)'}`, r.password]);
        const result: AppliedAccount = { report: applied.report, note: applied.report ? null : 'nothing to do' };
        return { status: applied.report && applyFailed(applied.report) ? 'error' : 'changes', result };
      } finally {
        environment.stdout.write(`\n${shown.style.bold(`══ ${target.id} ${target.name} ══ apply`)}\n${gathered.join('')}`);
      }
    },
    (o) => (o.result?.report ? applySummary(o.result.report) : `${o.status}: ${(o.problem?.message ?? o.result?.note ?? '').split('\n')[0]}`),
    ready.map((r) => r.target),
  );
  if (reveals.length > 0) await revealOnce(reveals, environment);
  return new Map(outcomes.map((o) => [o.account, o.result ?? { report: null, note: [o.problem?.message, o.problem?.fix ? `fix: ${o.problem.fix}` : null].filter(Boolean).join('\n  ') }]));
}

function applySummary(report: ApplyReport): string {
  const counts = tally(report);
  return `${counts.ok} done, ${counts.failed} failed${counts['not-run'] > 0 ? `, ${counts['not-run']} not started` : ''}`;
}

/** The closing table of an organization apply, and the exit code: 1 when more accounts failed than tolerated. */
function finish(planned: OrganizationDocument<'plan'>, refused: ReadonlyMap<string, string>, applied: ReadonlyMap<string, AppliedAccount>, { environment, flags, shown }: Context): number {
  const rows = planned.accounts.map((entry) => applyRow(entry, refused.get(entry.account), applied.get(entry.account)));
  const widths = [0, 1, 2].map((c) => Math.max(...[['ACCOUNT', 'NAME', 'RESULT'], ...rows].map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] ?? 0) : cell)).join('  ').trimEnd();
  environment.stdout.write(`\n${[line(['ACCOUNT', 'NAME', 'RESULT', 'DETAIL']), ...rows.map(line)].join('\n')}\n`);
  const failed = rows.filter((r) => r[2] === 'failed' || r[2] === 'unreachable' || r[2] === 'refused' || r[2] === 'error').length;
  const tolerance = flags.failureTolerance ?? 0;
  const verdict = `${rows.length} account${rows.length === 1 ? '' : 's'}: ${failed} failed (tolerance ${tolerance})`;
  environment.stdout.write(`\n${failed > tolerance ? shown.style.red(`${verdict}: the run fails.`) : shown.style.bold(`${verdict}.`)}\n`);
  return failed > tolerance ? EXIT.error : EXIT.ok;
}

function applyRow(entry: OrganizationAccountEntry<PlanDocument>, refusal: string | undefined, applied: AppliedAccount | undefined): string[] {
  const base = [entry.account, entry.name];
  if (entry.status === 'unreachable' || entry.status === 'error') return [...base, entry.status, (entry.problem?.message ?? '').split('\n')[0] ?? ''];
  if (refusal !== undefined) return [...base, 'refused', refusal.split('\n')[0] ?? ''];
  const plan = entry.report;
  if (!plan || plan.actions.length === 0) return [...base, 'in sync', 'nothing to do'];
  if (!applied) return [...base, 'not run', 'the run stopped before this account'];
  if (!applied.report) return [...base, applied.note === 'nothing to do' ? 'in sync' : 'failed', (applied.note ?? '').split('\n')[0] ?? ''];
  return [...base, applyFailed(applied.report) ? 'failed' : 'applied', applySummary(applied.report)];
}

/**
 * `apply PLANFILE` for a saved organization plan: no prompt (the saved plan was the review). Offline first, before
 * any call to AWS: every configuration file's bytes, and each account's actions recomputed from its desired state
 * and recorded values. Then per account, as for one: the recorded values must still hold, before the lock and
 * under it. An account that fails its live check changes nothing and counts as failed.
 */
export async function organizationApplySaved(
  file: string,
  doc: OrganizationDocument<'plan'>,
  org: OrganizationDesired,
  config: ConfigFingerprint,
  flags: Flags,
  environment: Environment,
  stop: StopSignal,
): Promise<number> {
  const shown = presentation(environment, flags);
  environment.stderr.write(`Checking the saved organization plan ${file} against ${config.file} and live IAM...\n`);
  refuseChangedFiles(file, doc, org, config);
  const context: Context = { org, config, keys: await organizationKeys(org).catch(nothingChanged), flags, environment, shown, stop, configDir: dirname(resolve(environment.cwd, config.file)) };
  const ready = await verifyOrganizationPlanOffline(file, doc, context);
  const run = await startOrganizationRun(org, config, { ...flags, account: [], shard: undefined }, environment).catch(nothingChanged);
  try {
    if (run.header.organization.id !== doc.organization.id) {
      throw new UserError(`error: saved plan ${file} is for organization ${doc.organization.id}, but the caller is in ${run.header.organization.id}\n  fix: apply it with credentials of that organization\nNothing was changed.`);
    }
    const current = new Set(run.targets.targets.map((t) => t.id));
    const refused = new Map(ready.filter((r) => !current.has(r.target.id)).map((r) => [r.target.id, 'no longer a target of the file\'s organization.targets']));
    const still = ready.filter((r) => current.has(r.target.id));
    const check = async (account: Ready, session: Session, output: ApplyOutput) => {
      const { notes } = await verifySavedPlanLive(file, account.read(), session, () => stop.requested());
      for (const note of notes) output.err(`note: ${note}\n`);
    };
    const applied = await applyAccounts(run, still, context, async (account, session, output) => {
      await check(account, session, output);
      output.err('The saved plan still holds.\n');
      const doc = account.read();
      const plan = planOf(doc, context.configDir);
      output.out(renderTextPlan(plan, shown.style));
      return { plan, passwords: account.passwords, journaled: journaledOf(doc) };
    }, check);
    return finish(doc, refused, applied, context);
  } finally {
    run.access.close();
  }
}

/** The configuration's files must be byte for byte those the plan was made from (by sha256), the same files. */
function refuseChangedFiles(file: string, doc: OrganizationDocument<'plan'>, org: OrganizationDesired, config: ConfigFingerprint): void {
  const now = new Map((org.files.length > 0 ? org.files : [config]).map((f) => [f.file, f.sha256]));
  const then = new Map(doc.files.map((f) => [f.file, f.sha256]));
  const changes: string[] = [];
  for (const [name, sha] of then) {
    const current = now.get(name);
    if (current === undefined) changes.push(`${name} is no longer part of the configuration`);
    else if (current !== sha) changes.push(`${name} changed (sha256 ${sha.slice(0, 12)} when planned, ${current.slice(0, 12)} now)`);
  }
  for (const name of now.keys()) if (!then.has(name)) changes.push(`${name} is part of the configuration now, and was not when planned`);
  if (changes.length > 0) {
    throw new UserError(
      `error: saved plan ${file} is stale: ${changes.length} thing${changes.length === 1 ? '' : 's'} changed since it was made\n` +
        changes.map((c) => `  - ${c}`).join('\n') +
        `\n  fix: make a new plan (\`iampass plan -c ${doc.config.file} --out ${file}\`), review it, and apply that\nNothing was changed.`,
    );
  }
}

/** Every account's saved plan against its desired state, and its passwords; any difference refuses the whole plan. */
async function verifyOrganizationPlanOffline(file: string, doc: OrganizationDocument<'plan'>, context: Context): Promise<Ready[]> {
  const { verifyAgainstConfiguration } = await import('../../operations/verify-plan.js');
  const { resolveKeyDirectory } = await import('../../config/keys.js');
  const ready: Ready[] = [];
  for (const entry of doc.accounts) {
    const plan = entry.report;
    if (!plan || plan.actions.length === 0) continue;
    const desired = await resolveKeyDirectory(desiredFor(context.org, entry.account));
    verifyAgainstConfiguration(file, plan, desired, context.configDir, context.keys, context.config.file, true);
    ready.push({ target: { id: entry.account, name: entry.name }, read: () => plan, passwords: await gatePlan(plan, context) });
  }
  return ready;
}
