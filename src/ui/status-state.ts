/**
 * What the status table remembers between keys, and how one key changes it. Pure, so a chunk of keys (a paste,
 * tmux send-keys) is folded key by key against the state the previous key left.
 */
import { STATUS_COLUMNS } from '../render/status-words.js';
import type { KeyPress } from './keys.js';
import { DEFAULT_SORT, type StatusSort } from './status-table.js';

export interface StatusUiState {
  /** Index into the users shown (after filter and sort). */
  cursor: number;
  top: number;
  sort: StatusSort;
  filter: string;
  typingFilter: boolean;
  details: boolean;
  detailsTop: number;
}

export const INITIAL_STATUS_STATE: StatusUiState = { cursor: 0, top: 0, sort: DEFAULT_SORT, filter: '', typingFilter: false, details: false, detailsTop: 0 };

export interface StatusUiContext {
  countFor(filter: string): number;
  pageSize: number;
}

export interface StatusStep {
  state: StatusUiState;
  quit: boolean;
}

/** A sort key pressed: sort by its column, or reverse when it is already the sorted column. */
function sortBy(state: StatusUiState, key: string): StatusUiState | null {
  const column = STATUS_COLUMNS.find((c) => c.key === key);
  if (!column) return null;
  const descending = state.sort.column === column.id ? !state.sort.descending : false;
  return { ...state, sort: { column: column.id, descending }, cursor: 0, top: 0 };
}

export function reduceStatusUi(state: StatusUiState, key: KeyPress, ctx: StatusUiContext): StatusStep {
  const none = (next: StatusUiState): StatusStep => ({ state: next, quit: false });
  if (key.kind === 'interrupt') return { state, quit: true };
  const count = ctx.countFor(state.filter);
  const move = (to: number) => none({ ...state, cursor: Math.max(0, Math.min(count - 1, to)) });

  if (state.typingFilter) {
    const refilter = (filter: string) => none({ ...state, filter, cursor: 0, top: 0 });
    if (key.kind === 'char') return refilter(state.filter + key.char);
    if (key.kind === 'backspace') return refilter(state.filter.slice(0, -1));
    if (key.kind === 'enter' || key.kind === 'escape') return none({ ...state, typingFilter: false });
    if (key.kind === 'up') return move(state.cursor - 1);
    if (key.kind === 'down') return move(state.cursor + 1);
    return none(state);
  }

  if (state.details) {
    if (key.kind === 'enter' || key.kind === 'escape') return none({ ...state, details: false, detailsTop: 0 });
    if (key.kind === 'up' || (key.kind === 'char' && key.char === 'k')) return none({ ...state, detailsTop: Math.max(0, state.detailsTop - 1) });
    if (key.kind === 'down' || (key.kind === 'char' && key.char === 'j')) return none({ ...state, detailsTop: state.detailsTop + 1 });
    if (key.kind === 'char' && key.char === 'q') return { state, quit: true };
    return none(state);
  }

  switch (key.kind) {
    case 'up':
      return move(state.cursor - 1);
    case 'down':
      return move(state.cursor + 1);
    case 'page-up':
      return move(state.cursor - Math.max(1, ctx.pageSize - 1));
    case 'page-down':
      return move(state.cursor + Math.max(1, ctx.pageSize - 1));
    case 'home':
      return move(0);
    case 'end':
      return move(count - 1);
    case 'enter':
      return count > 0 ? none({ ...state, details: true, detailsTop: 0 }) : none(state);
    case 'escape':
      return state.filter !== '' ? none({ ...state, filter: '', cursor: 0, top: 0 }) : none(state);
    case 'char': {
      const sorted = sortBy(state, key.char);
      if (sorted) return none(sorted);
      if (key.char === 'k') return move(state.cursor - 1);
      if (key.char === 'j') return move(state.cursor + 1);
      if (key.char === 'g') return move(0);
      if (key.char === 'G') return move(count - 1);
      if (key.char === '/') return none({ ...state, typingFilter: true });
      if (key.char === 'r') return none({ ...state, sort: { ...state.sort, descending: !state.sort.descending }, cursor: 0, top: 0 });
      if (key.char === 'q') return { state, quit: true };
      return none(state);
    }
    default:
      return none(state);
  }
}
