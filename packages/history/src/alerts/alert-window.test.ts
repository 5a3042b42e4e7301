import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertWindow, type WindowAggregation, windowValue } from './alert-window.js';

const aggregations: WindowAggregation[] = ['last', 'max', 'min', 'sum', 'avg'];

/** Values as rules see them: counts, percentages, huge byte counts, and both zeros. */
const value = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, -0, 2 ** 31, -(2 ** 31), 2 ** 31 + 1, 2 ** 53 - 1),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

describe('AlertWindow', () => {
  it('answers what the plain pass over the same values answers, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...aggregations),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.option(value)), { maxLength: 200 }),
        (aggregation, width, steps) => {
          const window = new AlertWindow(aggregation);
          let time = 0;
          for (const [gap, v] of steps) {
            time += gap;
            if (v !== null) window.push(time, v);
            window.dropTo(time - width);
            if (window.size === 0) continue;
            expect(Object.is(window.value(), windowValue(window.values, aggregation))).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps at least the newest value and drops the ones at or before the cutoff', () => {
    const window = new AlertWindow('max');
    window.push(0, 5);
    window.push(1, 3);
    window.push(2, 4);
    window.dropTo(0);
    expect(window.values).toEqual([3, 4]);
    expect(window.value()).toBe(4);
    window.dropTo(10);
    expect(window.values).toEqual([4]);
    expect(window.value()).toBe(4);
  });

  it('settles +0 and -0 as Math.max and Math.min do', () => {
    for (const [agg, values] of [
      ['max', [-0, 0]],
      ['max', [0, -0]],
      ['min', [-0, 0]],
      ['min', [0, -0]],
    ] as const) {
      const window = new AlertWindow(agg);
      for (const [i, v] of values.entries()) window.push(i, v);
      expect(Object.is(window.value(), windowValue([...values], agg))).toBe(true);
      window.dropTo(0);
      expect(Object.is(window.value(), values[1])).toBe(true);
    }
  });
});
