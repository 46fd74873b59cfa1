/**
 * The plan as the Ink view lays it out: actions grouped by kind (policy, enable, change, disable), kept users,
 * a filter by user name, the window that keeps the cursor in view, and the details of one action. Pure: no
 * React, no terminal.
 */
import type { PasswordPolicy } from '../model/policy.js';
import { actionSymbol, type Action, type KeptUser, type Plan, type PlanWarning, type ProfileState } from '../model/plan.js';
import {
  describeAction,
  describeNewPassword,
  policyDiffLines,
  factsCostLine,
  reportLine,
  subject,
  warningDetail,
  warningsHeading,
} from '../render/describe.js';
import { diffLineTone, toneOf, wrapLine, type Line } from './lines.js';

export type ActionGroup = 'policy' | 'enable' | 'change' | 'disable';

const GROUPS: readonly { group: ActionGroup; title: string }[] = [
  { group: 'policy', title: 'Password policy' },
  { group: 'enable', title: 'Enable console access' },
  { group: 'change', title: 'Change' },
  { group: 'disable', title: 'Disable console access' },
];

export function groupOf(action: Action): ActionGroup {
  switch (action.kind) {
    case 'update-password-policy':
    case 'delete-password-policy':
      return 'policy';
    case 'create-login-profile':
      return 'enable';
    case 'update-login-profile':
      return 'change';
    case 'delete-login-profile':
      return 'disable';
  }
}

/** Case-insensitive substring match on the user name (the policy's subject is "password policy"). */
export function matchesFilter(name: string, filter: string): boolean {
  return filter === '' || name.toLowerCase().includes(filter.toLowerCase());
}

export type PlanRow =
  | { kind: 'heading'; title: string; count: number }
  | { kind: 'action'; action: Action; ordinal: number }
  | { kind: 'kept'; kept: KeptUser }
  | { kind: 'blank' };

/**
 * Invariant: `actions[i]` is the action of row `actionRows[i]`; the cursor is an index into `actions`, in the
 * order shown (by group), which may differ from the plan's execution order.
 */
export interface PlanLayout {
  rows: PlanRow[];
  actions: Action[];
  actionRows: number[];
  subjectWidth: number;
}

const MAX_SUBJECT_WIDTH = 32;

export function layoutPlan(plan: Plan, filter: string): PlanLayout {
  const rows: PlanRow[] = [];
  const actions: Action[] = [];
  const actionRows: number[] = [];
  const visible = plan.actions.filter((a) => matchesFilter(subject(a), filter));
  for (const { group, title } of GROUPS) {
    const members = visible.filter((a) => groupOf(a) === group);
    if (members.length === 0) continue;
    if (rows.length > 0) rows.push({ kind: 'blank' });
    rows.push({ kind: 'heading', title, count: members.length });
    for (const action of members) {
      actionRows.push(rows.length);
      rows.push({ kind: 'action', action, ordinal: actions.length });
      actions.push(action);
    }
  }
  const kept = plan.kept.filter((k) => matchesFilter(k.user, filter));
  if (kept.length > 0) {
    if (rows.length > 0) rows.push({ kind: 'blank' });
    rows.push({ kind: 'heading', title: 'Kept (protected)', count: kept.length });
    for (const k of kept) rows.push({ kind: 'kept', kept: k });
  }
  const names = [...actions.map(subject), ...kept.map((k) => k.user)];
  const subjectWidth = Math.min(MAX_SUBJECT_WIDTH, Math.max(0, ...names.map((n) => n.length)));
  return { rows, actions, actionRows, subjectWidth };
}

/**
 * One row as a screen line; `selected` draws the cursor marker `>`. An action shows its reason: the group heading
 * says what kind of change it is, and the details pane says exactly what it does (`describeAction`), so the
 * reason is what survives a narrow terminal.
 */
export function rowLine(row: PlanRow, selected: boolean, subjectWidth: number): Line {
  switch (row.kind) {
    case 'blank':
      return [{ text: '' }];
    case 'heading':
      return [{ text: `${row.title} (${row.count})`, bold: true }];
    case 'action': {
      const { action } = row;
      return [
        { text: selected ? '> ' : '  ', bold: selected },
        { text: actionSymbol(action), tone: toneOf(action) },
        { text: ' ' },
        { text: subject(action).padEnd(subjectWidth), bold: true },
        { text: `  # ${action.reason}`, dim: true },
      ];
    }
    case 'kept':
      return [
        { text: '  ' },
        { text: '=', tone: 'kept' },
        { text: ' ' },
        { text: row.kept.user.padEnd(subjectWidth), bold: true },
        { text: `  kept: ${row.kept.reason}` },
      ];
  }
}

/**
 * The first row to show so that the selected row stays in view with as little movement as possible. The heading
 * just above a selected action comes into view with it; at the last action the window runs to the end, so the
 * rows after it (kept users) are reachable.
 */
export function scrollTop(previousTop: number, layout: PlanLayout, cursor: number, height: number): number {
  const total = layout.rows.length;
  const maxTop = Math.max(0, total - height);
  const row = layout.actionRows[cursor];
  if (row === undefined) return Math.min(previousTop, maxTop);
  let top = previousTop;
  const above = layout.rows[row - 1]?.kind === 'heading' ? row - 1 : row;
  if (above < top) top = above;
  if (row >= top + height) top = row - height + 1;
  if (cursor === layout.actions.length - 1) top = Math.max(top, Math.min(row, maxTop));
  return Math.max(0, Math.min(top, maxTop));
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

function profileLine(state: ProfileState | null): string {
  if (state === null) return 'no console password';
  const created = state.createDate ? `, created ${state.createDate.slice(0, 10)}` : '';
  return `console password${created}; password reset required: ${yesNo(state.passwordResetRequired)}`;
}

function policyLabel(policy: PasswordPolicy | null): string {
  return policy === null ? 'AWS default (no custom policy)' : 'custom policy';
}

/** What the details pane shows for one action: what it does, why, and its before and after, wrapped to `width`. */
export function detailLines(action: Action, width = Number.POSITIVE_INFINITY): Line[] {
  return actionDetails(action).flatMap((line) => wrapLine(line, width, leadingSpaces(line) + 2));
}

function leadingSpaces(line: Line): number {
  return /^ */.exec(line[0]?.text ?? '')?.[0].length ?? 0;
}

function actionDetails(action: Action): Line[] {
  const lines: Line[] = [
    [
      { text: actionSymbol(action), tone: toneOf(action) },
      { text: ' ' },
      { text: subject(action), bold: true },
      { text: `: ${describeAction(action)}` },
    ],
    [{ text: `  # ${action.reason}`, dim: true }],
    [{ text: '' }],
  ];
  switch (action.kind) {
    case 'update-password-policy':
    case 'delete-password-policy':
      // Said in words only when one side is the AWS default, which the field diff shows as no fields.
      if (action.before === null || action.after === null) {
        lines.push([{ text: `  before: ${policyLabel(action.before)}` }]);
        lines.push([{ text: `  after:  ${policyLabel(action.after)}` }]);
      }
      for (const line of policyDiffLines(action)) {
        const tone = diffLineTone(line);
        lines.push([{ text: `  ${line}`, ...(tone ? { tone } : {}) }]);
      }
      break;
    case 'create-login-profile':
    case 'update-login-profile': {
      lines.push([{ text: `  before: ${profileLine(action.before)}`, tone: 'destroy' }]);
      lines.push([{ text: `  after:  ${profileLine(action.after)}`, tone: 'add' }]);
      lines.push([
        {
          text: `          password: ${describeNewPassword(action.after.password, action.delivery)}`,
          tone: 'add',
        },
      ]);
      break;
    }
    case 'delete-login-profile':
      lines.push([{ text: `  before: ${profileLine(action.before)}`, tone: 'destroy' }]);
      lines.push([{ text: `  after:  ${profileLine(action.after)}`, tone: 'add' }]);
      lines.push([{ text: `  last console sign-in: ${action.passwordLastUsed ?? 'none recorded'}` }]);
      break;
  }
  return lines;
}

/** How the warnings pane is drawn: the terminal's width to wrap at, and the text typed after `/`. */
export interface WarningsView {
  width: number;
  filter: string;
}

/** Case-insensitive substring match on a warning's id, user, message and fix or acknowledgement. */
export function warningMatches(w: PlanWarning, filter: string): boolean {
  if (filter === '') return true;
  return [w.id, w.user ?? '', w.message, warningDetail(w)].join(' ').toLowerCase().includes(filter.toLowerCase());
}

/**
 * The warnings pane: each warning's id (yellow while it still fails `--fail-on warning`), its message, and its
 * fix or the reason it is acknowledged, wrapped to the width; then how current the credential report was.
 */
export function warningLines(plan: Plan, view: WarningsView = { width: Number.POSITIVE_INFINITY, filter: '' }): Line[] {
  const lines: Line[] = [[{ text: warningsHeading(plan.warnings), bold: true, tone: 'warn' }]];
  const shown = plan.warnings.filter((w) => warningMatches(w, view.filter));
  if (shown.length === 0) lines.push([{ text: `  no warning matches "${view.filter}"`, dim: true }]);
  for (const w of shown) lines.push(...warningRows(w, view.width));
  if (plan.credentialReport) lines.push([{ text: '' }], ...wrapLine([{ text: reportLine(plan.credentialReport), dim: true }], view.width));
  const cost = plan.factsCost ? factsCostLine(plan.factsCost, { brief: true }) : null;
  if (cost) lines.push([{ text: '' }], ...wrapLine([{ text: cost, dim: true }], view.width));
  return lines;
}

function warningRows(w: PlanWarning, width: number): Line[] {
  return [
    ...wrapLine([{ text: '  ' }, { text: w.id, ...(w.acknowledged ? {} : { tone: 'warn' as const }), bold: true }, { text: ` ${w.message}` }], width, 8),
    ...wrapLine([{ text: `        ${warningDetail(w)}`, dim: true }], width, 10),
  ];
}

/** The one line that keeps warnings in sight whatever the scroll: how many, and how to read them. */
export function warningsNotice(plan: Plan, interactive: boolean): Line | null {
  if (plan.warnings.length === 0) return null;
  const heading = warningsHeading(plan.warnings).replace(/:$/, '');
  return [{ text: `${heading}${interactive ? ': press w to read them' : ''}`, tone: 'warn', bold: true }];
}
