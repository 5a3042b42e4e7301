import { describe, expect, it } from 'vitest';
import { applyKey, initialTopState, type TopState } from './top-state.js';

const press = (
  state: TopState,
  ...keys: Array<{ name?: string; sequence?: string; ctrl?: boolean }>
) => keys.reduce<TopState | 'quit'>((s, k) => (s === 'quit' ? s : applyKey(s, k)), state);

describe('applyKey', () => {
  it('c, m, d, n choose the sort and go back to the top', () => {
    const scrolled = { ...initialTopState, scroll: 7 };
    expect(press(scrolled, { name: 'm', sequence: 'm' })).toMatchObject({
      sort: 'memory',
      scroll: 0,
    });
    expect(press(scrolled, { name: 'd', sequence: 'd' })).toMatchObject({ sort: 'disk' });
    expect(press(scrolled, { name: 'n', sequence: 'n' })).toMatchObject({ sort: 'net' });
    expect(press({ ...scrolled, sort: 'net' }, { name: 'c', sequence: 'c' })).toMatchObject({
      sort: 'cpu',
    });
  });

  it('q and Ctrl-C quit; Ctrl-C quits even while typing a filter', () => {
    expect(press(initialTopState, { name: 'q', sequence: 'q' })).toBe('quit');
    expect(press({ ...initialTopState, editingFilter: true }, { name: 'c', ctrl: true })).toBe(
      'quit',
    );
  });

  it('/ starts a filter: letters (even q and c) are typed, Enter keeps it, Esc clears it', () => {
    const typed = press(
      initialTopState,
      { sequence: '/' },
      { name: 'w', sequence: 'w' },
      { name: 'q', sequence: 'q' },
      { name: 'x', sequence: 'x' },
      { name: 'backspace', sequence: '\x7f' },
      { name: 'return', sequence: '\r' },
    );
    expect(typed).toMatchObject({ filter: 'wq', editingFilter: false });
    expect(press(typed as TopState, { name: 'escape', sequence: '\x1b' })).toMatchObject({
      filter: '',
    });
  });

  it('arrows and pages scroll, never above the first row', () => {
    const down = press(initialTopState, { name: 'down' }, { name: 'down' }, { name: 'pagedown' });
    expect(down).toMatchObject({ scroll: 12 });
    expect(
      press(down as TopState, { name: 'pageup' }, { name: 'pageup' }, { name: 'up' }),
    ).toMatchObject({ scroll: 0 });
  });
});
