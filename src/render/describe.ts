/**
 * Words for plan elements, shared by every renderer (text, markdown, Ink) so they describe a change the same way.
 */
import type * as JsonDiff from 'json-diff';
import type { Attribution } from '../model/attribution.js';
import { POLICY_FIELDS, type PasswordPolicy } from '../model/policy.js';
import type { DriftItem, DriftReport } from '../plan/drift.js';
import {
  actionSymbol,
  type Action,
  type Delivery,
  type FactsCost,
  type PasswordSource,
  type Plan,
  type PlanSummary,
  type PlanWarning,
  type ReportNote,
} from '../model/plan.js';
import { requireCjs } from '../util/cjs.js';
import { grouped } from '../util/count.js';

/** The subject of an action: a user name, or the account password policy. */
export function subject(action: Action): string {
  return 'user' in action ? action.user : 'password policy';
}

/** What an action does, in a few words, without the reason. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'update-password-policy':
      return action.before === null ? 'set a custom password policy' : 'update the password policy';
    case 'delete-password-policy':
      return 'delete the custom password policy (the AWS default applies)';
    case 'create-login-profile':
      return `enable console access with ${passwordWords(action.after.password)}${
        action.after.passwordResetRequired ? ', reset required at first sign-in' : ''
      }`;
    case 'update-login-profile':
      if (action.after.password !== null) {
        return `${action.rotation ? 'rotate the password to' : 'set a new, known password:'} ${passwordWords(action.after.password)}${
          action.after.passwordResetRequired ? ', reset required at next sign-in' : ''
        }`;
      }
      return action.after.passwordResetRequired ? 'require a password reset' : 'clear the pending password reset';
    case 'delete-login-profile': {
      const used = action.passwordLastUsed ? `last sign-in ${action.passwordLastUsed.slice(0, 10)}` : 'no recorded sign-in';
      return `disable console access (${used}; access keys, if any, keep working)`;
    }
  }
}

function passwordWords(source: PasswordSource): string {
  switch (source.kind) {
    case 'generate':
      return 'a generated password';
    case 'env':
      return `the password in environment variable ${source.name}`;
    case 'file':
      return `the password in file ${source.path}`;
  }
}

/**
 * The new password of an action, for details views: always `(sensitive value)`, where it comes from and where it
 * goes. Never the value: there is none in a plan.
 */
export function describeNewPassword(source: PasswordSource | null, delivery: Delivery | null): string {
  if (source === null) return 'unchanged';
  const origin =
    source.kind === 'generate'
      ? `generated at apply, ${source.length}+ characters`
      : source.kind === 'env'
        ? `from environment variable ${source.name}`
        : `from file ${source.path}`;
  const to =
    delivery === null || delivery.kind === 'supplied'
      ? ''
      : delivery.kind === 'pgp'
        ? `; encrypted to ${delivery.key}`
        : '; delivered by --password-dir or --reveal';
  return `(sensitive value) ${origin}${to}`;
}

export function summaryLine(summary: PlanSummary): string {
  if (summary.add + summary.change + summary.destroy === 0) {
    return 'No changes. Live IAM matches the configuration.';
  }
  return `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy.`;
}

/** Counts of users the plan considered and left alone, as one sentence, or null when there are none. */
export function untouchedLine(plan: Pick<Plan, 'unchangedCount' | 'unlistedIgnoredCount' | 'outOfScopeCount'>): string | null {
  const parts: string[] = [];
  if (plan.unchangedCount > 0) parts.push(`${plan.unchangedCount} governed user${s(plan.unchangedCount)} unchanged`);
  if (plan.unlistedIgnoredCount > 0) {
    parts.push(`${plan.unlistedIgnoredCount} unlisted user${s(plan.unlistedIgnoredCount)} ignored (scope.unlisted: ignore)`);
  }
  if (plan.outOfScopeCount > 0) parts.push(`${plan.outOfScopeCount} user${s(plan.outOfScopeCount)} out of scope`);
  return parts.length > 0 ? `${parts.join(', ')}.` : null;
}

const s = (n: number) => (n === 1 ? '' : 's');

/** `Warnings (3):`, or `Warnings (3, 1 acknowledged):`. */
export function warningsHeading(warnings: readonly PlanWarning[]): string {
  const acknowledged = warnings.filter((w) => w.acknowledged !== undefined).length;
  return `Warnings (${warnings.length}${acknowledged > 0 ? `, ${acknowledged} acknowledged` : ''}):`;
}

/** The second line of a warning: its fix, or, when the file acknowledges it, the reason given. */
export function warningDetail(warning: PlanWarning): string {
  return warning.acknowledged ? `acknowledged: ${warning.acknowledged.reason}` : `fix: ${warning.fix}`;
}

/** How current the advisories' facts are, as one sentence. */
export function reportLine(note: ReportNote): string {
  const at = `${note.generatedTime.slice(0, 10)} ${note.generatedTime.slice(11, 16)} UTC`;
  return `Advisories used the credential report generated ${at}, ${formatAge(note.ageMinutes)} before this plan.`;
}

/**
 * What the advisories cost in IAM calls, by operation, and how the `iam:ChangePassword` answers were had. `null`
 * when they cost nothing (nobody governed, or an offline plan). `brief` (the terminal's warnings pane, where space
 * is short) leaves out the explanation of how users were grouped.
 */
export function factsCostLine(cost: FactsCost, options: { brief?: boolean } = {}): string | null {
  if (cost.calls === 0) return null;
  const ops = Object.entries(cost.byOperation).map(([op, n]) => `${op} ${grouped(n)}`).join(', ');
  const line = `The advisories cost ${grouped(cost.calls)} IAM call${s(cost.calls)} (${ops}).`;
  const c = cost.changePassword;
  if (!c) return line;
  const simulations = `iam:ChangePassword: ${grouped(c.simulations)} simulation${s(c.simulations)} for ${grouped(c.usersAsked)} user${s(c.usersAsked)}`;
  if (options.brief) return `${line} ${simulations}.`;
  const shared = c.shared.classes > 0 ? `, ${grouped(c.shared.members)} of them in ${c.shared.classes} class${c.shared.classes === 1 ? '' : 'es'} of identical permissions` : '';
  return `${line} ${simulations}${shared} (${c.why}).`;
}

function formatAge(minutes: number): string {
  if (minutes < 1) return 'less than a minute';
  if (minutes < 120) return `${minutes} minute${s(minutes)}`;
  return `${Math.floor(minutes / 60)} hours ${minutes % 60} minutes`;
}

/** A policy as people read it: `null` limits spelled out. */
function displayPolicy(p: PasswordPolicy | null): Record<string, unknown> {
  if (p === null) return {};
  const out: Record<string, unknown> = {};
  for (const f of POLICY_FIELDS) {
    const v = p[f];
    out[f] = v === null ? (f === 'maxAgeDays' ? 'never' : 'off') : v;
  }
  return out;
}

/**
 * The field-by-field difference of a policy action as json-diff lines (`+`, `-` or ` ` in column 0), without
 * colour: each renderer colours them itself. The AWS default is shown as no fields.
 */
export function policyDiffLines(action: Extract<Action, { kind: 'update-password-policy' | 'delete-password-policy' }>): string[] {
  // Loaded by the plans that change the policy (its load cost a plan of the example account 4% of its CPU).
  const { diffString } = requireCjs('json-diff') as typeof JsonDiff;
  const text = diffString(displayPolicy(action.before), displayPolicy(action.after), { color: false, full: true });
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.replace(/: "(never|off)"$/, ': $1'));
}

export { actionSymbol };

/** A policy field's value as people read it. */
export function policyValueText(field: keyof PasswordPolicy, value: PasswordPolicy[keyof PasswordPolicy]): string {
  if (value === null) return field === 'maxAgeDays' ? 'never' : 'off';
  return String(value);
}

/** A whole policy on one line: `minimumLength 14, requireUppercase true, ...`, or the AWS default. */
export function policyText(p: PasswordPolicy | null): string {
  if (p === null) return 'the AWS default (no custom policy)';
  return `a custom policy (${POLICY_FIELDS.map((f) => `${f} ${policyValueText(f, p[f])}`).join(', ')})`;
}

/** What live IAM has, for one drift item, in a few words with the dates IAM reported. */
export function driftLiveText(item: DriftItem): string {
  switch (item.kind) {
    case 'policy-field':
      return policyValueText(item.field, item.live);
    case 'policy':
      return policyText(item.live);
    case 'console':
      return item.live
        ? `a console password${profileDates(item)}`
        : `no console password${item.passwordLastUsed ? ` (a password was last used ${item.passwordLastUsed})` : ''}`;
    case 'pending-reset':
      return `a password reset pending${profileDates(item)}`;
    case 'password':
      return item.unconfirmed
        ? `a password nobody could confirm (an earlier apply lost IAM's answer)${profileDates(item)}`
        : `a password under rotation token ${item.live === null ? '(none recorded)' : `"${item.live}"`}${profileDates(item)}`;
  }
}

/** What the file wants, for one drift item. */
export function driftDesiredText(item: DriftItem): string {
  switch (item.kind) {
    case 'policy-field':
      return policyValueText(item.field, item.desired);
    case 'policy':
      return item.desired === null ? 'passwordPolicy: default (no custom policy)' : policyText(item.desired);
    case 'console':
      return item.desired ? 'a console password (console: true)' : 'no console password';
    case 'pending-reset':
      return 'no pending reset (passwordResetRequired: false)';
    case 'password':
      return item.desired === null ? 'a password apply has set and delivered' : `a password set under rotation token "${item.desired}"`;
  }
}

function profileDates(item: Extract<DriftItem, { kind: 'console' | 'pending-reset' | 'password' }>): string {
  const parts: string[] = [];
  if (item.loginProfileCreated) parts.push(`created ${item.loginProfileCreated}`);
  if (item.passwordLastChanged) parts.push(`set ${item.passwordLastChanged}`);
  parts.push(item.passwordLastUsed ? `last used ${item.passwordLastUsed}` : 'no recorded sign-in');
  return ` (${parts.join(', ')})`;
}

/**
 * What a fast drift check rests on and leaves out, one sentence a line, for every format to show as it is; empty
 * for an exact check.
 */
export function fastDriftLines(report: DriftReport): string[] {
  const fast = report.fast;
  if (report.mode !== 'fast' || !fast) return [];
  const r = fast.credentialReport;
  const lines =
    'unavailable' in r
      ? [`Fast check (--fast), but the credential report could not be read (${r.unavailable}): every governed user was read exactly.`]
      : [
          `Fast check (--fast): console access, last sign-in and password age come from the credential report generated ${r.generatedTime.slice(0, 10)} ${r.generatedTime.slice(11, 16)} UTC, ${formatAge(r.ageMinutes)} before this check. A change made since then is not seen until IAM makes a new report (at most every 4 hours).`,
          `${fast.fromReport} user${s(fast.fromReport)} from the report, ${fast.readExactly} read exactly (not in the report, created after it; or a password an earlier apply could not confirm).`,
        ];
  if (fast.notChecked.length > 0) lines.push(`Not checked: ${fast.notChecked.join('; ')}.`);
  lines.push(`${fast.calls} IAM call${s(fast.calls)}.`);
  return lines;
}

/** The Terraform symbol of what apply would do about a drift item. */
export function driftSymbol(item: DriftItem): '+' | '~' | '-' {
  if (item.fix === 'create-login-profile') return '+';
  if (item.fix === 'delete-login-profile' || item.fix === 'delete-password-policy') return '-';
  if (item.kind === 'policy' && item.live === null) return '+';
  return '~';
}

/** `Drift: 3 items differ from iampass.yaml.` or `No drift: ...`. */
export function driftSummaryLine(report: DriftReport): string {
  const n = report.summary.drifted;
  const ignored = report.summary.ignored > 0 ? ` (${report.summary.ignored} ignored)` : '';
  if (n === 0) return `No drift: live IAM matches ${report.config.file}${ignored}.`;
  return `Drift: ${n} item${s(n)} in live IAM differ${n === 1 ? 's' : ''} from ${report.config.file}${ignored}.`;
}

/** One line per ignore rule: how many items it quieted, and where it was written. */
export function ignoredLines(report: DriftReport): string[] {
  return report.ignored.map((t) => `${t.rule} (${t.source}): ${ignoredCount(t.matched)}`);
}

export function ignoredCount(matched: number): string {
  return matched === 0 ? 'matched nothing' : `${matched} item${s(matched)} ignored`;
}

/** A drift item's attribution in parts, for tables: who, a detail line, when, from where, with what client. */
export interface AttributionParts {
  who: string;
  detail: string | null;
  when: string;
  from: string;
  agent: string | null;
}

export function attributionParts(item: DriftItem): AttributionParts {
  const a = item.attribution;
  if (a === undefined) return { who: 'not looked up', detail: null, when: '-', from: '-', agent: null };
  if (a.status !== 'found') return { who: a.status === 'unavailable' ? 'unknown: CloudTrail unavailable' : 'unknown', detail: a.reason, when: '-', from: '-', agent: null };
  const details = [`${a.eventName}`];
  if (a.actor.sessionName) details.push(`session ${a.actor.sessionName}`);
  if (a.actor.sourceIdentity) details.push(`source identity ${a.actor.sourceIdentity}`);
  if (a.actor.accessKeyId) details.push(`key ${a.actor.accessKeyId}`);
  return { who: actorText(a), detail: details.join(', '), when: a.eventTime, from: a.sourceIp ?? 'unknown address', agent: a.userAgent };
}

function actorText(a: Extract<Attribution, { status: 'found' }>): string {
  const { actor } = a;
  const identity =
    actor.type === 'AssumedRole' && actor.roleArn
      ? `role ${actor.roleArn}`
      : actor.type === 'Root'
        ? `the root user${actor.arn ? ` (${actor.arn})` : ''}`
        : (actor.arn ?? actor.name ?? `a ${actor.type} caller`);
  return a.iampass !== null ? `iampass ${a.iampass}, as ${identity}` : identity;
}

/** One line saying who made a drift item's live value what it is, or why that is not known. */
export function attributionLine(item: DriftItem): string | null {
  const a = item.attribution;
  if (a === undefined) return null;
  if (a.status !== 'found') return `unknown: ${a.reason}`;
  const p = attributionParts(item);
  return `${p.who} (${p.detail}) at ${p.when} from ${p.from}${p.agent ? `, ${p.agent}` : ''}`;
}
