import { describe, expect, it } from 'vitest';
import { applyKey, initialTopState, stepInterval, type TopState } from './top-state.js';

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

describe('the keys people expect from htop and btop', () => {
  it('? and h show the help, and any key closes it without acting', () => {
    const help = press(initialTopState, { sequence: '?' });
    expect(help).toMatchObject({ help: true });
    expect(press(initialTopState, { name: 'h', sequence: 'h' })).toMatchObject({ help: true });
    // q closes the help first; it does not quit from under it.
    expect(press(help as TopState, { name: 'q', sequence: 'q' })).toMatchObject({
      help: false,
      sort: 'cpu',
    });
    expect(press(help as TopState, { name: 'c', ctrl: true })).toBe('quit');
  });

  it('space pauses and resumes', () => {
    const paused = press(initialTopState, { name: 'space', sequence: ' ' });
    expect(paused).toMatchObject({ paused: true });
    expect(press(paused as TopState, { name: 'space', sequence: ' ' })).toMatchObject({
      paused: false,
    });
  });

  it('+ and - step the interval through the steps, from any starting value', () => {
    const at = (intervalMs: number, sequence: '+' | '-') =>
      (press({ ...initialTopState, intervalMs }, { sequence }) as TopState).intervalMs;
    expect(at(1000, '+')).toBe(2000);
    expect(at(1000, '-')).toBe(500);
    expect(at(750, '+')).toBe(1000);
    expect(at(750, '-')).toBe(500);
    expect(at(100, '-')).toBe(100);
    expect(at(60_000, '+')).toBe(60_000);
    expect(stepInterval(300, 1)).toBe(500);
  });

  it('r turns the sort round, and so does the key of the current sort', () => {
    expect(initialTopState.descending).toBe(true);
    expect(press(initialTopState, { name: 'r', sequence: 'r' })).toMatchObject({
      sort: 'cpu',
      descending: false,
    });
    const again = press(initialTopState, { name: 'c', sequence: 'c' });
    expect(again).toMatchObject({ sort: 'cpu', descending: false });
    // Another sort key starts largest first.
    expect(press(again as TopState, { name: 'm', sequence: 'm' })).toMatchObject({
      sort: 'memory',
      descending: true,
    });
  });

  it('p toggles the processes pane and goes back to the top', () => {
    const on = applyKey({ ...initialTopState, scroll: 4 }, { name: 'p' });
    expect(on).toMatchObject({ processes: true, scroll: 0 });
    expect(applyKey(on as typeof initialTopState, { name: 'p' })).toMatchObject({
      processes: false,
    });
  });

  it('Enter opens the processes of the container under the cursor; Esc and p come back', () => {
    const cursor = { id: 'a'.repeat(64), name: 'web' };
    const filtered = { ...initialTopState, filter: 'we', scroll: 3 };
    const opened = applyKey(filtered, { name: 'return' }, 10, cursor) as TopState;
    expect(opened).toMatchObject({
      processes: true,
      focus: { ...cursor, filter: 'we' },
      filter: '',
      scroll: 0,
    });
    // Without a row (no containers) or already in the processes pane, Enter does nothing.
    expect(applyKey(initialTopState, { name: 'return' })).toBe(initialTopState);
    expect(applyKey(opened, { name: 'return' }, 10, cursor)).toBe(opened);
    // Esc first clears a filter typed in the pane, then goes back with the containers' filter.
    const typed = { ...opened, filter: 'java' };
    expect(applyKey(typed, { name: 'escape' })).toMatchObject({
      focus: opened.focus,
      filter: '',
    });
    for (const key of ['escape', 'p'])
      expect(applyKey(opened, { name: key })).toMatchObject({
        processes: false,
        focus: null,
        filter: 'we',
      });
  });
});
