/**
 * An organization plan at a terminal: the list of target accounts with their status and counts, a cursor, and enter
 * to open one account's plan (the plan view; `q` there comes back here). Props in, callbacks out.
 */
import { Box, useInput, useStdin } from 'ink';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { OrganizationDocument } from '../plan/organization-report.js';
import { organizationHeadLines, organizationSummaryLine, organizationTable } from '../render/organization.js';
import { keyPresses, type KeyPress } from './keys.js';
import { wrapLine, type Line } from './lines.js';
import { ColorContext, ScreenLine, useTerminalSize } from './paint.js';

export interface AccountListViewProps {
  doc: OrganizationDocument<'plan'>;
  /** Where the cursor starts (the account last opened). */
  cursor: number;
  color: boolean;
  /** The account chosen with enter (its index), or `null` for `q`, ctrl-c, or a terminal without keys. */
  onChoose: (index: number | null) => void;
}

/** The cursor and the first account in view. */
export interface AccountListState {
  cursor: number;
  top: number;
}

/** One key against the state: a move, or a choice (`open` with the cursor's account, or `quit`). */
export function reduceAccountList(state: AccountListState, press: KeyPress, count: number, page: number): { state: AccountListState; choice?: 'open' | 'quit' } {
  const at = (cursor: number) => ({ state: { ...state, cursor: Math.max(0, Math.min(count - 1, cursor)) } });
  if (press.kind === 'interrupt' || (press.kind === 'char' && press.char === 'q')) return { state, choice: 'quit' };
  if (press.kind === 'enter') return { state, choice: 'open' };
  if (press.kind === 'up' || (press.kind === 'char' && press.char === 'k')) return at(state.cursor - 1);
  if (press.kind === 'down' || (press.kind === 'char' && press.char === 'j')) return at(state.cursor + 1);
  if (press.kind === 'page-up' || (press.kind === 'char' && press.char === 'b')) return at(state.cursor - page);
  if (press.kind === 'page-down' || (press.kind === 'char' && press.char === ' ')) return at(state.cursor + page);
  if (press.kind === 'home' || (press.kind === 'char' && press.char === 'g')) return at(0);
  if (press.kind === 'end' || (press.kind === 'char' && press.char === 'G')) return at(count - 1);
  return { state };
}

export function AccountListView({ doc, cursor, color, onChoose }: AccountListViewProps): ReactNode {
  const { rows, columns } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const interactive = Boolean(isRawModeSupported) && doc.accounts.length > 0;
  const stateRef = useRef<AccountListState>({ cursor, top: 0 });
  const [, setVersion] = useState(0);
  const [choice, setChoice] = useState<number | null | undefined>(undefined);
  const onChooseRef = useRef(onChoose);
  onChooseRef.current = onChoose;
  // Reported from an effect, after the last frame is committed, so unmounting leaves that frame on the terminal.
  useEffect(() => {
    if (choice !== undefined) onChooseRef.current(choice);
  }, [choice]);
  useEffect(() => {
    if (!interactive) setChoice(null);
  }, []);

  // Each account's report is read back from its stored form: the table is made once, not on every key.
  const head = useMemo(() => organizationHeadLines(doc), [doc]);
  const table = useMemo(() => organizationTable(doc), [doc]);
  const problems = useMemo(() => doc.accounts.map((e) => ({ problem: e.problem, status: e.status, hasPlan: e.report !== null })), [doc]);
  // Long lines (a skipped account's reason, the summary) wrap to the width rather than being cut.
  const headLines = useMemo(() => head.flatMap((text, i): Line[] => wrapLine([{ text, bold: i === 0 }], columns, 2)), [head, columns]);
  const summaryLines = useMemo(() => wrapLine([{ text: organizationSummaryLine(doc), bold: true }], columns, 2), [doc, columns]);
  const problemLines = (entry: (typeof problems)[number] | undefined): Line[] =>
    entry?.problem
      ? [
          ...wrapLine([{ text: `${entry.status}: ${entry.problem.message.split('\n')[0]}`, tone: 'warn' }], columns, 2),
          ...(entry.problem.fix ? wrapLine([{ text: `fix: ${entry.problem.fix}`, dim: true }], columns, 5) : []),
        ]
      : [];
  // Room for the longest reason any account shows, so the table does not jump as the cursor moves.
  const problemRoom = useMemo(() => Math.max(0, ...problems.map((p) => problemLines(p).length)), [problems, columns]);
  // The rows left for the table: the screen less the heading lines, two blanks, the table's heading, the reason,
  // the summary, the position and keys lines (two at most), and one spare line. Table rows wider than the screen are
  // cut, as a pager cuts them; every other line wraps.
  const height = Math.max(3, rows - headLines.length - 3 - problemRoom - summaryLines.length - 3 - 1);
  useInput(
    (input, key) => {
      if (choice !== undefined) return;
      let next = stateRef.current;
      for (const press of keyPresses(input, key)) {
        const step = reduceAccountList(next, press, doc.accounts.length, height);
        next = step.state;
        if (step.choice) {
          stateRef.current = next;
          setChoice(step.choice === 'open' ? next.cursor : null);
          return;
        }
      }
      stateRef.current = next;
      setVersion((v) => v + 1);
    },
    { isActive: interactive },
  );

  const state = stateRef.current;
  // The window follows the cursor: it moves only when the cursor would leave it.
  const windowTop = Math.min(state.cursor, Math.max(state.top, state.cursor - height + 1));
  stateRef.current = { ...state, top: windowTop };
  const live = interactive && choice === undefined;
  const selected = problems[state.cursor];
  const lines: Line[] = [
    ...headLines,
    [{ text: '' }],
    [{ text: `  ${table.heading}`, bold: true }],
    ...table.rows.slice(windowTop, windowTop + height).map((text, i): Line => {
      const mine = live && windowTop + i === state.cursor;
      const entry = problems[windowTop + i];
      const tone = entry?.status === 'unreachable' || entry?.status === 'error' ? 'destroy' : entry?.status === 'changes' ? 'change' : undefined;
      return [{ text: `${mine ? '>' : ' '} ${text}`, ...(mine ? { bold: true } : {}), ...(tone ? { tone } : {}) }];
    }),
    [{ text: '' }],
  ];
  if (live) lines.push(...problemLines(selected));
  lines.push(...summaryLines);
  if (live) {
    lines.push([{ text: `account ${state.cursor + 1} of ${doc.accounts.length}`, dim: true }]);
    lines.push(...wrapLine([{ text: `keys: up/down j/k move · enter open ${selected?.hasPlan ? "the account's plan" : '(no plan: see above)'} · g/G first/last · q quit`, dim: true }], columns, 6));
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
