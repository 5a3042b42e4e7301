import { describe, expect, it } from 'vitest';
import { wantsColor } from '../cli-context.js';
import { brailleChart } from './braille-chart.js';
import { formatTable, truncate } from './format-table.js';
import { bar, sparkline } from './sparkline.js';

describe('sparkline and bar', () => {
  it('scales to the given maximum, leaves gaps for unknown values, pads on the left', () => {
    expect(sparkline([0, 50, 100, null], 4, 100)).toBe('▁▅█ ');
    expect(sparkline([100], 3, 100)).toBe('  █');
    expect(bar(50, 10)).toBe('█████░░░░░');
    expect(bar(null, 3)).toBe('   ');
  });
});

describe('brailleChart', () => {
  it('draws a rising line from the bottom-left to the top-right', () => {
    const rows = brailleChart([0, 1, 2, 3], { width: 4, height: 2, min: 0, max: 3 });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => [...r].length === 4)).toBe(true);
    expect(rows[1]!.codePointAt(0)).toBeGreaterThan(0x2800); // bottom-left has dots
    expect([...rows[0]!].at(-1)!.codePointAt(0)).toBeGreaterThan(0x2800); // top-right has dots
    expect(rows[0]!.codePointAt(0)).toBe(0x2800); // top-left is empty
  });

  it('leaves a gap where values are missing', () => {
    const rows = brailleChart([null, null, null, null], { width: 2, height: 1 });
    expect(rows).toEqual(['\u2800\u2800']);
  });
});

describe('formatTable', () => {
  it('aligns columns and cuts long cells with an ellipsis', () => {
    const lines = formatTable(
      [
        { header: 'NAME', value: (r: { n: string; v: number }) => r.n, maxWidth: 6 },
        { header: 'VALUE', value: (r) => String(r.v), align: 'right' },
      ],
      [
        { n: 'a-very-long-name', v: 1 },
        { n: 'b', v: 1234 },
      ],
    );
    expect(lines).toEqual(['NAME    VALUE', 'a-ver…      1', 'b        1234']);
    expect(truncate('abc', 2)).toBe('a…');
  });
});

describe('wantsColor', () => {
  it('colors only a terminal, never with NO_COLOR or --no-color, and not for TERM=dumb', () => {
    expect(wantsColor({ isTTY: true }, {}, undefined)).toBe(true);
    expect(wantsColor({ isTTY: false }, {}, undefined)).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' }, undefined)).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '' }, undefined)).toBe(true);
    expect(wantsColor({ isTTY: true }, {}, false)).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: 'dumb' }, undefined)).toBe(false);
  });
});
