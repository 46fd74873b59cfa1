/**
 * The status report, browsable: a table of governed users sorted by any column (its key; again reverses), a filter
 * by user name (`/`), and one user's details (enter). Props in, callbacks out; the summary stays in view.
 */
import { Box, useInput, useStdin } from 'ink';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { StatusReport, StatusUser } from '../plan/status.js';
import { STATUS_COLUMNS, statusHeading, statusPolicyLine, statusReportLine, statusSummaryLine } from '../render/status-words.js';
import { keyPresses } from './keys.js';
import type { Line } from './lines.js';
import { ColorContext, ScreenLine, useTerminalSize } from './paint.js';
import { INITIAL_STATUS_STATE, reduceStatusUi, type StatusUiContext, type StatusUiState } from './status-state.js';
import { columnWidths, filterUsers, headingLine, sortUsers, userDetailLines, userLine, windowTop, type StatusSort } from './status-table.js';

export interface StatusViewProps {
  report: StatusReport;
  color: boolean;
  /** `q` or ctrl-c; at once when there is nothing to browse or no keys can arrive. */
  onQuit: () => void;
}

const MIN_WINDOW = 3;

export function StatusView({ report, color, onQuit }: StatusViewProps): ReactNode {
  const { rows, columns } = useTerminalSize();
  const { isRawModeSupported } = useStdin();
  const interactive = Boolean(isRawModeSupported) && report.users.length > 0;
  const stateRef = useRef<StatusUiState>(INITIAL_STATUS_STATE);
  const [, setVersion] = useState(0);
  const [quit, setQuit] = useState(false);
  const widths = useMemo(() => columnWidths(report.users), [report]);
  // Users by filter and sort, for this report: each distinct view is computed once.
  const views = useMemo(() => new Map<string, StatusUser[]>(), [report]);
  const usersFor = (filter: string, sort: StatusSort): StatusUser[] => {
    const key = `${sort.column}:${sort.descending}:${filter}`;
    let users = views.get(key);
    if (!users) {
      users = sortUsers(filterUsers(report.users, filter), sort);
      views.set(key, users);
    }
    return users;
  };

  const onQuitRef = useRef(onQuit);
  onQuitRef.current = onQuit;
  // Reported from an effect, after the last frame is committed, so unmounting leaves that frame on the terminal.
  useEffect(() => {
    if (quit) onQuitRef.current();
  }, [quit]);
  useEffect(() => {
    if (!interactive) setQuit(true);
    // Only on mount: a terminal does not gain raw mode later.
  }, []);

  const fixed = 5 /* header lines and a blank */ + 1 /* heading */ + 1 /* blank */ + 1 /* summary */ + (interactive && !quit ? 2 : 0);
  const height = Math.max(MIN_WINDOW, rows - 1 - fixed);
  const ctxRef = useRef<StatusUiContext | null>(null);
  ctxRef.current = { countFor: (f) => filterUsers(report.users, f).length, pageSize: height };

  useInput(
    (input, key) => {
      const ctx = ctxRef.current;
      if (quit || !ctx) return;
      let next = stateRef.current;
      for (const press of keyPresses(input, key)) {
        const step = reduceStatusUi(next, press, ctx);
        next = step.state;
        if (step.quit) {
          stateRef.current = next;
          setQuit(true);
          return;
        }
      }
      stateRef.current = next;
      setVersion((v) => v + 1);
    },
    { isActive: interactive },
  );

  const users = usersFor(stateRef.current.filter, stateRef.current.sort);
  const shown = screenBody(stateRef.current, { report, users, widths, height, interactive, done: quit });
  stateRef.current = shown.state;
  const state = shown.state;
  const { body, detailsInfo } = shown;

  const lines: Line[] = [
    [{ text: statusHeading(report), bold: true }],
    [{ text: `Config ${report.config.file} · checked ${report.checkedAt}`, dim: true }],
    [{ text: statusPolicyLine(report) }],
    [{ text: statusReportLine(report), ...('unavailable' in report.credentialReport ? { tone: 'warn' as const } : {}) }],
    [{ text: '' }],
    ...body,
    [{ text: '' }],
    [{ text: statusSummaryLine(report), bold: true }],
  ];
  if (interactive && !quit) lines.push(...keyLines(state, users.length, detailsInfo));

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

interface BodyContext {
  report: StatusReport;
  users: StatusUser[];
  widths: number[];
  height: number;
  interactive: boolean;
  done: boolean;
}

/** The table window (or the selected user's details), with the window positions the cursor now needs. */
function screenBody(state: StatusUiState, c: BodyContext): { state: StatusUiState; body: Line[]; detailsInfo: string } {
  const selected = c.users[state.cursor];
  if (state.details && selected) {
    const pane = userDetailLines(selected);
    const detailsTop = Math.max(0, Math.min(state.detailsTop, pane.length - c.height - 1));
    const body = pane.slice(detailsTop, detailsTop + c.height + 1);
    const detailsInfo = pane.length > c.height + 1 ? `details lines ${detailsTop + 1}-${detailsTop + body.length} of ${pane.length} · ` : '';
    return { state: { ...state, detailsTop }, body, detailsInfo };
  }
  const top = c.interactive ? windowTop(state.top, state.cursor, c.users.length, c.height) : 0;
  const rows = c.interactive ? c.users.slice(top, top + c.height) : c.users;
  const body = [headingLine(c.widths, state.sort), ...rows.map((u, i) => userLine(u, c.widths, c.interactive && !c.done && top + i === state.cursor))];
  if (c.users.length === 0) body.push([{ text: c.report.users.length === 0 ? '  The file governs no user.' : '  No user matches the filter.', dim: true }]);
  return { state: { ...state, top }, body, detailsInfo: '' };
}

/** Where the cursor is, the filter and the sort, then the keys that work now. */
function keyLines(state: StatusUiState, shown: number, detailsInfo: string): Line[] {
  const column = STATUS_COLUMNS.find((c) => c.id === state.sort.column)?.heading ?? '';
  const filter = state.typingFilter ? `filter: ${state.filter}█ · ` : state.filter ? `filter: ${state.filter} (esc clears) · ` : '';
  const position = shown === 0 ? 'no user matches' : `user ${state.cursor + 1} of ${shown}`;
  return [
    [{ text: `${detailsInfo}${filter}${position} · sorted by ${column}${state.sort.descending ? ', descending' : ''}` }],
    [{ text: footer(state), dim: true }],
  ];
}

function footer(state: StatusUiState): string {
  if (state.typingFilter) return 'keys: type a user name · backspace delete · enter/esc done · up/down move';
  if (state.details) return 'keys: enter/esc close · up/down j/k scroll · q quit';
  return `keys: up/down j/k move · enter details · / filter${state.filter ? ' · esc clear filter' : ''} · 1-9,0 sort by that column (again: reverse) · r reverse · q quit`;
}
