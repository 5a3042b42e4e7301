/** What the live view sorts the container and VM tables by (keys c, m, d, n). */
export type SortKey = 'cpu' | 'memory' | 'disk' | 'net';

export interface TopState {
  sort: SortKey;
  /** Largest first (the default); false: smallest first. Unknown figures stay last either way. */
  descending: boolean;
  /** Case-insensitive substring of a container's or VM's name or id; '' shows all. */
  filter: string;
  /** True while the user types a filter after '/'. */
  editingFilter: boolean;
  /** First container row shown. */
  scroll: number;
  /** Sampling stopped, the last frame kept (space). */
  paused: boolean;
  /** The key help is shown instead of the tables (? or h). */
  help: boolean;
  /** Refresh interval, changed with + and -. */
  intervalMs: number;
  /** The processes pane instead of the containers table (p). */
  processes: boolean;
  /**
   * The container whose processes the pane shows (Enter on its row); null: the kept top N of
   * every container. `filter` is the containers' filter, given back when the focus ends.
   */
  focus: { id: string; name: string; filter: string } | null;
}

/** The container row under the cursor, which Enter opens. */
export interface CursorRow {
  id: string;
  name: string;
}

/** A key as Node's readline `keypress` event gives it. */
export interface KeyPress {
  name?: string;
  sequence?: string;
  ctrl?: boolean;
}

export const initialTopState: TopState = {
  sort: 'cpu',
  descending: true,
  filter: '',
  editingFilter: false,
  scroll: 0,
  paused: false,
  help: false,
  intervalMs: 1000,
  processes: false,
  focus: null,
};

const sortKeys: Record<string, SortKey> = { c: 'cpu', m: 'memory', d: 'disk', n: 'net' };

/** The refresh intervals + and - step through (btop's keys: + slower, - faster). */
const intervalSteps = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000] as const;

/** The next step above (`+1`) or below (`-1`) an interval, which need not be a step itself. */
export function stepInterval(intervalMs: number, direction: 1 | -1): number {
  if (direction > 0) return intervalSteps.find((s) => s > intervalMs) ?? intervalMs;
  return [...intervalSteps].reverse().find((s) => s < intervalMs) ?? intervalMs;
}

/** Back from one container's processes to the containers, with their filter as it was. */
const leaveFocus = (state: TopState, focus: NonNullable<TopState['focus']>): TopState => ({
  ...state,
  processes: false,
  focus: null,
  filter: focus.filter,
  scroll: 0,
});

/**
 * The next state after a key, or 'quit'. Pure, so every key binding is unit-tested. `cursor` is
 * the container row the cursor is on (the row at `scroll` of the ordered containers), if any.
 */
export function applyKey(
  state: TopState,
  key: KeyPress,
  page = 10,
  cursor?: CursorRow,
): TopState | 'quit' {
  if (key.ctrl && key.name === 'c') return 'quit';
  if (state.help) return { ...state, help: false };
  if (state.editingFilter) {
    if (key.name === 'return' || key.name === 'enter') return { ...state, editingFilter: false };
    if (key.name === 'escape') return { ...state, editingFilter: false, filter: '' };
    if (key.name === 'backspace') return { ...state, filter: state.filter.slice(0, -1), scroll: 0 };
    const ch = key.sequence ?? '';
    if (ch.length === 1 && ch >= ' ' && ch !== '\x7f')
      return { ...state, filter: state.filter + ch, scroll: 0 };
    return state;
  }
  const name = key.name ?? key.sequence ?? '';
  if (name === 'q') return 'quit';
  const sort = key.ctrl ? undefined : sortKeys[name];
  // The key of the current sort again turns its direction round, as the column header shows.
  if (sort)
    return {
      ...state,
      sort,
      descending: sort === state.sort ? !state.descending : true,
      scroll: 0,
    };
  // Punctuation has no key name in readline's events, only its sequence.
  const symbol = key.sequence !== undefined && /^[?+\-/ ]$/.test(key.sequence);
  switch (symbol ? key.sequence : name) {
    case '?':
    case 'h':
      return { ...state, help: true };
    case 'space':
    case ' ':
      return { ...state, paused: !state.paused };
    case '+':
      return { ...state, intervalMs: stepInterval(state.intervalMs, 1) };
    case '-':
      return { ...state, intervalMs: stepInterval(state.intervalMs, -1) };
    case 'r':
      return { ...state, descending: !state.descending, scroll: 0 };
    case 'p':
      if (state.focus) return leaveFocus(state, state.focus);
      return { ...state, processes: !state.processes, scroll: 0 };
    case 'return':
    case 'enter':
      if (state.processes || !cursor) return state;
      return {
        ...state,
        processes: true,
        focus: { id: cursor.id, name: cursor.name, filter: state.filter },
        filter: '',
        scroll: 0,
      };
    case '/':
      return { ...state, editingFilter: true };
    case 'escape':
      if (state.focus && state.filter === '') return leaveFocus(state, state.focus);
      return { ...state, filter: '', scroll: 0 };
    case 'down':
    case 'j':
      return { ...state, scroll: state.scroll + 1 };
    case 'up':
    case 'k':
      return { ...state, scroll: Math.max(0, state.scroll - 1) };
    case 'pagedown':
      return { ...state, scroll: state.scroll + page };
    case 'pageup':
      return { ...state, scroll: Math.max(0, state.scroll - page) };
    case 'home':
      return { ...state, scroll: 0 };
    default:
      return state;
  }
}
