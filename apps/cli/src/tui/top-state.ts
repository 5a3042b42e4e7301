/** What the live view sorts the container and VM tables by (keys c, m, d, n). */
export type SortKey = 'cpu' | 'memory' | 'disk' | 'net';

export interface TopState {
  sort: SortKey;
  /** Case-insensitive substring of a container's or VM's name or id; '' shows all. */
  filter: string;
  /** True while the user types a filter after '/'. */
  editingFilter: boolean;
  /** First container row shown. */
  scroll: number;
}

/** A key as Node's readline `keypress` event gives it. */
export interface KeyPress {
  name?: string;
  sequence?: string;
  ctrl?: boolean;
}

export const initialTopState: TopState = {
  sort: 'cpu',
  filter: '',
  editingFilter: false,
  scroll: 0,
};

const sortKeys: Record<string, SortKey> = { c: 'cpu', m: 'memory', d: 'disk', n: 'net' };

/** The next state after a key, or 'quit'. Pure, so every key binding is unit-tested. */
export function applyKey(state: TopState, key: KeyPress, page = 10): TopState | 'quit' {
  if (key.ctrl && key.name === 'c') return 'quit';
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
  const sort = sortKeys[name];
  if (sort && !key.ctrl) return { ...state, sort, scroll: 0 };
  switch (name) {
    case '/':
      return { ...state, editingFilter: true };
    case 'escape':
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
      if (key.sequence === '/') return { ...state, editingFilter: true };
      return state;
  }
}
