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
import type { Line } from './lines.js';
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
  // Layouts by filter text, for this plan: typing a filter re-lays out only once per distinct text.
  const layouts = useMemo(() => new Map<string, PlanLayout>(), [plan]);
  const layoutFor = (filter: string): PlanLayout => {
    let layout = layouts.get(filter);
    if (!layout) {
      layout = layoutPlan(plan, filter);
      layouts.set(filter, layout);
    }
    return layout;
  };

  // The key handler reads the latest props and window through refs: Ink re-subscribes it only after a render's
  // effects run, and keys can arrive in between.
  const propsRef = useRef(props);
  propsRef.current = props;
  // The outcome is reported from an effect, after the frame showing it (the answer typed, no key help) is
  // committed, so the wrapper's unmount leaves that frame on the terminal.
  const [outcome, setOutcome] = useState<PlanUiEffect | null>(null);
  useEffect(() => {
    if (!outcome) return;
    const current = propsRef.current;
    if (current.mode === 'browse') current.onQuit();
    else current.onAnswer(outcome.type === 'answer' && outcome.approved);
  }, [outcome]);
  const finish = (effect: PlanUiEffect) => {
    doneRef.current = true;
    setOutcome(effect);
  };

  // Without raw mode no key can ever arrive: answer "no" (or quit) rather than wait forever.
  useEffect(() => {
    if (!isRawModeSupported && hasChanges(plan)) finish({ type: 'quit' });
    // Only on mount: a terminal does not gain raw mode later.
  }, []);

  const state = stateRef.current;
  const layout = layoutFor(state.filter);
  const untouched = untouchedLine(plan);
  const review = mode === 'review';
  const done = doneRef.current;
  const notice = warningsNotice(plan, interactive && !done);

  const fixed =
    3 /* account, config, blank */ +
    1 /* blank */ +
    (untouched ? 1 : 0) +
    (notice ? 1 : 0) +
    1 /* summary */ +
    (review ? 2 : 0) +
    (done || !interactive ? 0 : 2);
  const height = Math.max(MIN_WINDOW, rows - 1 - fixed);

  const ctxRef = useRef<PlanUiContext | null>(null);
  ctxRef.current = { mode, countFor: (f) => layoutFor(f).actions.length, pageSize: height, warningCount: plan.warnings.length };
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
  let detailsWindow: DetailsWindow | null = null;
  const selected = layout.actions[state.cursor];
  const pane = state.warnings ? warningLines(plan) : state.details && selected ? detailLines(selected) : null;
  if (pane) {
    const detailsTop = Math.max(0, Math.min(state.detailsTop, pane.length - height));
    stateRef.current = { ...state, detailsTop };
    body = pane.slice(detailsTop, detailsTop + height);
    detailsWindow = { top: detailsTop, shown: body.length, total: pane.length };
  } else {
    const top = interactive ? scrollTop(state.top, layout, state.cursor, height) : 0;
    stateRef.current = { ...state, top };
    body = layout.rows
      .slice(top, top + height)
      .map((row, i) => rowLine(row, interactive && !done && layout.actionRows[state.cursor] === top + i, layout.subjectWidth));
    // Without keys (no changes, or no raw mode) nothing can open the warnings pane: show them under the plan.
    if (!interactive && plan.warnings.length > 0) {
      const gap: Line[] = body.length > 0 ? [[{ text: '' }]] : [];
      const room = height - body.length - gap.length;
      const all = warningLines(plan);
      const shown = all.length <= room ? all : [...all.slice(0, Math.max(0, room - 1)), [{ text: `… ${all.length - room + 1} more lines: \`iampass plan --no-interactive\` lists them all`, dim: true }]];
      if (room > 0) body = [...body, ...gap, ...shown];
    }
  }

  const lines: Line[] = [
    [{ text: `Account ${header.account} (as ${header.callerArn})`, bold: true }],
    [{ text: `Config ${header.configFile}`, dim: true }],
    [{ text: '' }],
    ...body,
    [{ text: '' }],
  ];
  if (untouched) lines.push([{ text: untouched, dim: true }]);
  if (notice) lines.push(notice);
  lines.push([{ text: summaryLine(plan.summary), bold: true }]);
  if (review && hasChanges(plan)) {
    const destructive = plan.actions.filter(isDestructive).length;
    lines.push([{ text: approvalQuestion(plan.actions.length, destructive, header.account), bold: true }]);
    const typing = !done && state.focus === 'prompt';
    lines.push([
      { text: "  Only 'yes' will be accepted to approve. Enter a value: " },
      { text: state.answer, bold: true },
      { text: typing ? '█' : '' },
    ]);
  }
  if (interactive && !done) {
    lines.push(statusLine(state, layout, plan.actions.length, detailsWindow));
    lines.push([{ text: footer(state, review, plan.warnings.length > 0), dim: true }]);
  }

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

interface DetailsWindow {
  top: number;
  shown: number;
  total: number;
}

function statusLine(state: PlanUiState, layout: PlanLayout, total: number, details: DetailsWindow | null): Line {
  const parts: string[] = [];
  if (details && details.shown < details.total) {
    parts.push(`${state.warnings ? 'warnings' : 'details'} lines ${details.top + 1}-${details.top + details.shown} of ${details.total}`);
  }
  if (state.typingFilter) parts.push(`filter: ${state.filter}█`);
  else if (state.filter !== '') parts.push(`filter: ${state.filter} (esc clears)`);
  const shown = layout.actions.length;
  if (shown === 0) parts.push('no action matches');
  else parts.push(`action ${state.cursor + 1} of ${shown}${shown < total ? ` (${total} in the plan)` : ''}`);
  return [{ text: parts.join(' · ') }];
}

function footer(state: PlanUiState, review: boolean, hasWarnings: boolean): string {
  if (review && state.focus === 'prompt') {
    return 'keys: type yes, enter to answer (anything else cancels) · tab browse the plan · ctrl-c cancel';
  }
  const leave = review ? 'tab back to the prompt · q cancel' : 'q quit';
  if (state.typingFilter) return 'keys: type a user name · backspace delete · enter/esc done · up/down move';
  if (state.warnings) return `keys: w/enter/esc close · up/down j/k scroll · ${leave}`;
  if (state.details) return `keys: enter/esc close · up/down j/k scroll · ${leave}`;
  return `keys: up/down j/k move · enter details · / filter${state.filter ? ' · esc clear filter' : ''}${hasWarnings ? ' · w warnings' : ''} · ${leave}`;
}
