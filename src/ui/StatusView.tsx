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

  const state = stateRef.current;
  const users = usersFor(state.filter, state.sort);
  const selected = users[state.cursor];
  let body: Line[];
  let detailsInfo = '';
  if (state.details && selected) {
    const pane = userDetailLines(selected);
    const detailsTop = Math.max(0, Math.min(state.detailsTop, pane.length - height - 1));
    stateRef.current = { ...state, detailsTop };
    body = pane.slice(detailsTop, detailsTop + height + 1);
    if (pane.length > height + 1) detailsInfo = `details lines ${detailsTop + 1}-${detailsTop + body.length} of ${pane.length} · `;
  } else {
    const top = interactive ? windowTop(state.top, state.cursor, users.length, height) : 0;
    stateRef.current = { ...state, top };
    const shown = interactive ? users.slice(top, top + height) : users;
    body = [headingLine(widths, state.sort), ...shown.map((u, i) => userLine(u, widths, interactive && !quit && top + i === state.cursor))];
    if (users.length === 0) body.push([{ text: report.users.length === 0 ? '  The file governs no user.' : '  No user matches the filter.', dim: true }]);
  }

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
  if (interactive && !quit) {
    const column = STATUS_COLUMNS.find((c) => c.id === state.sort.column)?.heading ?? '';
    const filter = state.typingFilter ? `filter: ${state.filter}█ · ` : state.filter ? `filter: ${state.filter} (esc clears) · ` : '';
    const position = users.length === 0 ? 'no user matches' : `user ${state.cursor + 1} of ${users.length}`;
    lines.push([{ text: `${detailsInfo}${filter}${position} · sorted by ${column}${state.sort.descending ? ', descending' : ''}` }]);
    lines.push([{ text: footer(state), dim: true }]);
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

function footer(state: StatusUiState): string {
  if (state.typingFilter) return 'keys: type a user name · backspace delete · enter/esc done · up/down move';
  if (state.details) return 'keys: enter/esc close · up/down j/k scroll · q quit';
  return `keys: up/down j/k move · enter details · / filter${state.filter ? ' · esc clear filter' : ''} · 1-9,0 sort by that column (again: reverse) · r reverse · q quit`;
}
