/**
 * What the plan view remembers between keys, and how one key changes it. Pure, so a chunk of keys (a paste, tmux
 * send-keys) is folded key by key against the state the previous key left, never against a stale render.
 */
import type { KeyPress } from './keys.js';

export type PlanMode = 'browse' | 'review';

export interface PlanUiState {
  /** Index into the actions shown (after the filter). */
  cursor: number;
  /** First row of the list window; kept in view of the cursor by the view. */
  top: number;
  details: boolean;
  /** True while the warnings pane is open (`w`); it scrolls with `detailsTop`, like the details pane. */
  warnings: boolean;
  detailsTop: number;
  /** The list's filter: a part of a user name. */
  filter: string;
  /** The warnings pane's own filter: a part of an id, a user name or the text. Cleared when the pane closes. */
  warningFilter: string;
  /** True while the person types a filter (after `/`): the warnings pane's while it is open, else the list's. */
  typingFilter: boolean;
  /** Review only: where typed keys go, the approval prompt or the plan. */
  focus: 'prompt' | 'plan';
  /** Review only: the text typed into the prompt. */
  answer: string;
}

export type PlanUiEffect = { type: 'quit' } | { type: 'answer'; approved: boolean };

export interface PlanUiContext {
  mode: PlanMode;
  /** How many actions the list shows with this filter. */
  countFor(filter: string): number;
  /** Rows in the list window (and in an open pane), for page up / page down. */
  pageSize: number;
  /** How many screen lines the open pane (details or warnings) has in this state. */
  paneLength(state: PlanUiState): number;
  /** How many warnings the plan has: `w` opens their pane only when there are some. */
  warningCount: number;
}

/** Only this exact text approves an apply (as Terraform). */
export const APPROVAL = 'yes';

export function initialPlanUiState(mode: PlanMode): PlanUiState {
  return {
    cursor: 0,
    top: 0,
    details: false,
    warnings: false,
    detailsTop: 0,
    filter: '',
    warningFilter: '',
    typingFilter: false,
    focus: mode === 'review' ? 'prompt' : 'plan',
    answer: '',
  };
}

export interface Step {
  state: PlanUiState;
  effect: PlanUiEffect | null;
}

const none = (next: PlanUiState): Step => ({ state: next, effect: null });

export function reducePlanUi(state: PlanUiState, key: KeyPress, ctx: PlanUiContext): Step {
  const stop: PlanUiEffect = ctx.mode === 'review' ? { type: 'answer', approved: false } : { type: 'quit' };
  if (key.kind === 'interrupt') return { state, effect: stop };
  if (ctx.mode === 'review' && state.focus === 'prompt') return reducePrompt(state, key);
  if (state.details || state.warnings) return reducePane(state, key, ctx, stop);
  return reduceList(state, key, ctx, stop);
}

/** Keys while the approval prompt has the focus: typed text, enter answers. */
function reducePrompt(state: PlanUiState, key: KeyPress): Step {
  switch (key.kind) {
    case 'enter':
      return { state, effect: { type: 'answer', approved: state.answer === APPROVAL } };
    case 'char':
      return none({ ...state, answer: state.answer + key.char });
    case 'backspace':
      return none({ ...state, answer: state.answer.slice(0, -1) });
    case 'escape':
      return none({ ...state, answer: '' });
    case 'tab':
      return none({ ...state, focus: 'plan' });
    default:
      return none(state);
  }
}

/** Keys in the list of actions: the cursor by line, page and to either end; the filter; opening a pane. */
function reduceList(state: PlanUiState, key: KeyPress, ctx: PlanUiContext, stop: PlanUiEffect): Step {
  const count = ctx.countFor(state.filter);
  const move = (to: number): Step => none({ ...state, cursor: Math.max(0, Math.min(count - 1, to)) });
  const page = Math.max(1, ctx.pageSize - 1);

  if (state.typingFilter) {
    return typing(key, state, state.filter, (filter) => none({ ...state, filter, cursor: 0, details: false }), (by) => move(state.cursor + by));
  }

  switch (key.kind) {
    case 'up':
      return move(state.cursor - 1);
    case 'down':
      return move(state.cursor + 1);
    case 'page-up':
      return move(state.cursor - page);
    case 'page-down':
      return move(state.cursor + page);
    case 'home':
      return move(0);
    case 'end':
      return move(count - 1);
    case 'enter':
      return count > 0 ? none({ ...state, details: true, detailsTop: 0 }) : none(state);
    case 'escape':
      return state.filter !== '' ? none({ ...state, filter: '', cursor: 0 }) : none(state);
    case 'tab':
      return ctx.mode === 'review' ? none({ ...state, focus: 'prompt' }) : none(state);
    case 'char':
      switch (key.char) {
        case 'k':
          return move(state.cursor - 1);
        case 'j':
          return move(state.cursor + 1);
        case 'b':
          return move(state.cursor - page);
        case ' ':
          return move(state.cursor + page);
        case 'g':
          return move(0);
        case 'G':
          return move(count - 1);
        case '/':
          return none({ ...state, typingFilter: true });
        case 'w':
          return ctx.warningCount > 0 ? none({ ...state, warnings: true, detailsTop: 0 }) : none(state);
        case 'q':
          return { state, effect: stop };
        default:
          return none(state);
      }
    default:
      return none(state);
  }
}

/**
 * Keys in an open pane (an action's details, or the warnings): scrolling by line, page and to either end, within
 * the pane's length; in the warnings pane, `/` filters them.
 */
function reducePane(state: PlanUiState, key: KeyPress, ctx: PlanUiContext, stop: PlanUiEffect): Step {
  const last = Math.max(0, ctx.paneLength(state) - ctx.pageSize);
  const scroll = (to: number): Step => none({ ...state, detailsTop: Math.max(0, Math.min(last, to)) });
  const page = Math.max(1, ctx.pageSize - 1);
  const close = (): Step => none({ ...state, details: false, warnings: false, detailsTop: 0, warningFilter: '', typingFilter: false });

  if (state.typingFilter) {
    return typing(key, state, state.warningFilter, (warningFilter) => none({ ...state, warningFilter, detailsTop: 0 }), (by) => scroll(state.detailsTop + by));
  }

  switch (key.kind) {
    case 'enter':
      return close();
    case 'escape':
      return state.warningFilter !== '' ? none({ ...state, warningFilter: '', detailsTop: 0 }) : close();
    case 'up':
      return scroll(state.detailsTop - 1);
    case 'down':
      return scroll(state.detailsTop + 1);
    case 'page-up':
      return scroll(state.detailsTop - page);
    case 'page-down':
      return scroll(state.detailsTop + page);
    case 'home':
      return scroll(0);
    case 'end':
      return scroll(last);
    case 'tab':
      return ctx.mode === 'review' ? none({ ...state, focus: 'prompt' }) : none(state);
    case 'char':
      switch (key.char) {
        case 'k':
          return scroll(state.detailsTop - 1);
        case 'j':
          return scroll(state.detailsTop + 1);
        case 'b':
          return scroll(state.detailsTop - page);
        case ' ':
          return scroll(state.detailsTop + page);
        case 'g':
          return scroll(0);
        case 'G':
          return scroll(last);
        case '/':
          return state.warnings ? none({ ...state, typingFilter: true }) : none(state);
        case 'w':
          return state.warnings ? close() : none(state);
        case 'q':
          return { state, effect: stop };
        default:
          return none(state);
      }
    default:
      return none(state);
  }
}

/**
 * A key while a filter is being typed, in the plan or the warnings: characters and backspace edit it, enter or
 * escape end the typing (the filter stays), up and down still move.
 */
function typing(key: KeyPress, state: PlanUiState, filter: string, refilter: (filter: string) => Step, move: (by: number) => Step): Step {
  switch (key.kind) {
    case 'char':
      return refilter(filter + key.char);
    case 'backspace':
      return refilter(filter.slice(0, -1));
    case 'enter':
    case 'escape':
      return none({ ...state, typingFilter: false });
    case 'up':
      return move(-1);
    case 'down':
      return move(1);
    default:
      return none(state);
  }
}
