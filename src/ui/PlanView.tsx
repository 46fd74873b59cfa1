/**
 * The plan, browsable: actions grouped by kind with Terraform's symbols, a cursor, a details pane, a filter by
 * user name, and (for apply) the approval prompt. Props in, callbacks out; the summary line stays visible
 * whatever the scroll.
 */
import { Box, useInput, useStdin } from 'ink';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { hasChanges, isDestructive, type Plan } from '../model/plan.js';
import { summaryLine, untouchedLine } from '../render/describe.js';
import { approvalQuestion } from './format.js';
import { keyPresses } from './keys.js';
import { wrapLine, type Line } from './lines.js';
import { detailLines, layoutPlan, rowLine, scrollTop, warningLines, warningsNotice, type PlanLayout } from './plan-layout.js';
import { initialPlanUiState, reducePlanUi, type PlanUiContext, type PlanUiEffect, type PlanUiState } from './plan-state.js';
import { ColorContext, ScreenLine, useTerminalSize } from './paint.js';
import type { PlanHeader } from './types.js';

export type PlanViewProps = {
  plan: Plan;
  header: PlanHeader;
  color: boolean;
} & (
  | { mode: 'browse'; /** `q` or ctrl-c. */ onQuit: () => void }
  | { mode: 'review'; /** `true` only for the exact answer `yes`. */ onAnswer: (approved: boolean) => void }
);

/** Smallest list window, however short the terminal. */
const MIN_WINDOW = 3;

export function PlanView(props: PlanViewProps): ReactNode {
  const { plan, header, color, mode } = props;
  const { rows, columns } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const interactive = Boolean(isRawModeSupported) && hasChanges(plan);
  const stateRef = useRef<PlanUiState>(initialPlanUiState(mode));
  const doneRef = useRef(false);
  const [, setVersion] = useState(0);
  const panes = usePanes(plan, columns);

  const finish = useOutcome(props, doneRef);

  // Without raw mode no key can ever arrive: answer "no" (or quit) rather than wait forever.
  useEffect(() => {
    if (!isRawModeSupported && hasChanges(plan)) finish({ type: 'quit' });
    // Only on mount: a terminal does not gain raw mode later.
  }, []);

  const state = stateRef.current;
  const done = doneRef.current;
  const live = interactive && !done;
  const bottom = bottomLines(plan, header, state, mode === 'review', live, columns);
  const height = Math.max(MIN_WINDOW, rows - 1 - 3 /* account, config, blank */ - 1 /* blank */ - bottom.fixed - (live ? 1 + bottom.footer.length : 0));

  // The key handler reads the latest window through a ref: Ink re-subscribes it only after a render's effects
  // run, and keys can arrive in between.
  const ctxRef = useRef<PlanUiContext | null>(null);
  ctxRef.current = {
    mode,
    countFor: (f) => panes.layout(f).actions.length,
    pageSize: height,
    warningCount: plan.warnings.length,
    paneLength: (st) => panes.pane(st)?.length ?? 0,
  };
  useInput(
    (input, key) => {
      const ctx = ctxRef.current;
      if (doneRef.current || !ctx) return;
      let next = stateRef.current;
      for (const press of keyPresses(input, key)) {
        const step = reducePlanUi(next, press, ctx);
        next = step.state;
        if (step.effect) {
          stateRef.current = next;
          finish(step.effect);
          return;
        }
      }
      stateRef.current = next;
      setVersion((v) => v + 1);
    },
    { isActive: interactive },
  );

  let body: Line[];
  let window: Window | null = null;
  if (live) {
    const shown = windowLines(panes, state, height);
    ({ body, window } = shown);
    stateRef.current = shown.state;
  } else body = finalLines(plan, header, panes.layout(''), height, columns);
  const lines: Line[] = [
    [{ text: `Account ${header.account} (as ${header.callerArn})`, bold: true }],
    [{ text: `Config ${header.configFile}`, dim: true }],
    [{ text: '' }],
    ...body,
    [{ text: '' }],
    ...bottom.lines,
  ];
  if (live) lines.push(statusLine(state, panes.layout(state.filter), plan.actions.length, window), ...bottom.footer);

  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={columns}>
        {lines.map((line, i) => (
          <ScreenLine key={i} line={line} />
        ))}
      </Box>
    </ColorContext.Provider>
  );
}

/**
 * Reports the view's outcome (quit, or the answer) from an effect, after the frame showing it (the answer typed,
 * no key help) is committed, so the wrapper's unmount leaves that frame on the terminal. The latest props are
 * read through a ref: keys can arrive before Ink re-subscribes the handler.
 */
function useOutcome(props: PlanViewProps, doneRef: { current: boolean }): (effect: PlanUiEffect) => void {
  const propsRef = useRef(props);
  propsRef.current = props;
  const [outcome, setOutcome] = useState<PlanUiEffect | null>(null);
  useEffect(() => {
    if (!outcome) return;
    const current = propsRef.current;
    if (current.mode === 'browse') current.onQuit();
    else current.onAnswer(outcome.type === 'answer' && outcome.approved);
  }, [outcome]);
  return (effect) => {
    doneRef.current = true;
    setOutcome(effect);
  };
}

interface Panes {
  layout(filter: string): PlanLayout;
  /** The open pane's lines (details or warnings, wrapped to the width), or null in the list. */
  pane(state: PlanUiState): Line[] | null;
}

/** Layouts and warning panes computed once per filter text and width, for this plan. */
function usePanes(plan: Plan, columns: number): Panes {
  const layouts = useMemo(() => new Map<string, PlanLayout>(), [plan]);
  const warnings = useMemo(() => new Map<string, Line[]>(), [plan, columns]);
  const layout = (filter: string): PlanLayout => {
    let found = layouts.get(filter);
    if (!found) {
      found = layoutPlan(plan, filter);
      layouts.set(filter, found);
    }
    return found;
  };
  return {
    layout,
    pane(state) {
      if (state.warnings) {
        let found = warnings.get(state.warningFilter);
        if (!found) {
          found = warningLines(plan, { width: columns, filter: state.warningFilter });
          warnings.set(state.warningFilter, found);
        }
        return found;
      }
      const selected = layout(state.filter).actions[state.cursor];
      return state.details && selected ? detailLines(selected, columns) : null;
    },
  };
}

interface Window {
  top: number;
  shown: number;
  total: number;
}

/** What a live view shows between the header and the summary: the open pane's window, or the list's. */
function windowLines(panes: Panes, state: PlanUiState, height: number): { body: Line[]; window: Window | null; state: PlanUiState } {
  const pane = panes.pane(state);
  if (pane) {
    const detailsTop = Math.max(0, Math.min(state.detailsTop, pane.length - height));
    const body = pane.slice(detailsTop, detailsTop + height);
    return { body, window: { top: detailsTop, shown: body.length, total: pane.length }, state: { ...state, detailsTop } };
  }
  const layout = panes.layout(state.filter);
  const top = scrollTop(state.top, layout, state.cursor, height);
  const body = layout.rows
    .slice(top, top + height)
    .map((row, i) => rowLine(row, layout.actionRows[state.cursor] === top + i, layout.subjectWidth));
  return { body, window: null, state: { ...state, top } };
}

/**
 * What stays on the terminal once nobody can press a key (quit, answered, or no keys at all): the whole plan
 * with its warnings when it fits, else what it holds (a line per group) and how to print all of it. A frame
 * taller than the terminal would make Ink clear the screen and the scrollback.
 */
function finalLines(plan: Plan, header: PlanHeader, layout: PlanLayout, height: number, columns: number): Line[] {
  const rows = layout.rows.map((row) => rowLine(row, false, layout.subjectWidth));
  const warnings = plan.warnings.length > 0 ? warningLines(plan, { width: columns, filter: '' }) : [];
  const whole = [...rows, ...(rows.length > 0 && warnings.length > 0 ? [[{ text: '' }]] : []), ...warnings];
  if (whole.length <= height) return whole;
  const config = header.configFile === DEFAULT_CONFIG_FILE ? '' : ` -c ${header.configFile}`;
  const hint = wrapLine(
    [{ text: `This plan is longer than the screen: \`iampass plan${config} --no-interactive\` (with the same AWS options) prints all of it${warnings.length > 0 ? ', warnings included' : ''}.`, dim: true }],
    columns,
  );
  const groups = layout.rows.filter((row) => row.kind === 'heading').map((row) => rowLine(row, false, 0));
  return [...groups.slice(0, Math.max(0, height - hint.length - 1)), [{ text: '' }], ...hint];
}

const DEFAULT_CONFIG_FILE = 'iampass.yaml';

/** The lines under the plan: untouched users, the warnings notice, the summary, the prompt; and the key help. */
function bottomLines(plan: Plan, header: PlanHeader, state: PlanUiState, review: boolean, live: boolean, columns: number) {
  const lines: Line[] = [];
  const untouched = untouchedLine(plan);
  if (untouched) lines.push([{ text: untouched, dim: true }]);
  const notice = warningsNotice(plan, live);
  if (notice) lines.push(notice);
  lines.push([{ text: summaryLine(plan.summary), bold: true }]);
  if (review && hasChanges(plan)) {
    const destructive = plan.actions.filter(isDestructive).length;
    lines.push([{ text: approvalQuestion(plan.actions.length, destructive, header.account), bold: true }]);
    const typing = live && state.focus === 'prompt';
    lines.push([
      { text: "  Only 'yes' will be accepted to approve. Enter a value: " },
      { text: state.answer, bold: true },
      { text: typing ? '█' : '' },
    ]);
  }
  const footer = wrapLine([{ text: keyHelp(state, review, plan.warnings.length > 0), dim: true }], columns, 6);
  return { lines, fixed: lines.length, footer };
}

function statusLine(state: PlanUiState, layout: PlanLayout, total: number, window: Window | null): Line {
  const parts: string[] = [];
  if (window && window.shown < window.total) {
    parts.push(`${state.warnings ? 'warnings' : 'details'} lines ${window.top + 1}-${window.top + window.shown} of ${window.total}`);
  }
  const filter = state.warnings ? state.warningFilter : state.filter;
  if (state.typingFilter) parts.push(`filter: ${filter}█`);
  else if (filter !== '') parts.push(`filter: ${filter} (esc clears)`);
  if (!state.warnings) {
    const shown = layout.actions.length;
    if (shown === 0) parts.push('no action matches');
    else parts.push(`action ${state.cursor + 1} of ${shown}${shown < total ? ` (${total} in the plan)` : ''}`);
  }
  return [{ text: parts.join(' · ') }];
}

function keyHelp(state: PlanUiState, review: boolean, hasWarnings: boolean): string {
  if (review && state.focus === 'prompt') {
    return 'keys: type yes, enter to answer (anything else cancels) · tab browse the plan · ctrl-c cancel';
  }
  const leave = review ? 'tab back to the prompt · q cancel' : 'q quit';
  if (state.typingFilter && state.warnings) return 'keys: type part of an id, user or text · backspace delete · enter/esc done';
  if (state.typingFilter) return 'keys: type a user name · backspace delete · enter/esc done · up/down move';
  // Arrows, page up/down, home and end work too; the help names the keys that work on every keyboard.
  const scroll = 'j/k scroll · space/b page · g/G top/end';
  if (state.warnings) {
    return `keys: ${scroll} · / filter · ${state.warningFilter ? 'esc clear filter · w close' : 'w/esc close'} · ${leave}`;
  }
  if (state.details) return `keys: ${scroll} · enter/esc close · ${leave}`;
  const filter = `/ filter${state.filter ? ' · esc clear filter' : ''}`;
  return `keys: j/k move · space/b page · g/G first/last · enter details · ${filter}${hasWarnings ? ' · w warnings' : ''} · ${leave}`;
}
