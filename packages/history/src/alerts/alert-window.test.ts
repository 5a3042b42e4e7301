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
  it('answers what the plain pass over the window answers, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...aggregations),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.option(value)), { maxLength: 200 }),
        (aggregation, width, steps) => {
          const window = new AlertWindow(aggregation);
          // The window as the rule defines it: every value after the cutoff, or the newest.
          let model: [number, number][] = [];
          let time = 0;
          for (const [gap, v] of steps) {
            time += gap;
            if (v !== null) {
              window.push(time, v);
              model.push([time, v]);
            }
            window.dropTo(time - width);
            const kept = model.filter(([t]) => t > time - width);
            model = kept.length > 0 ? kept : model.slice(-1);
            expect(window.empty).toBe(model.length === 0);
            if (model.length === 0) continue;
            const plain = windowValue(
              model.map(([, x]) => x),
              aggregation,
            );
            expect(Object.is(window.value(), plain)).toBe(true);
            expect(window.held).toBeLessThanOrEqual(model.length);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps at least the newest value and drops the ones at or before the cutoff', () => {
    const window = new AlertWindow('avg');
    window.push(0, 5);
    window.push(1, 3);
    window.push(2, 4);
    window.dropTo(0);
    expect(window.value()).toBe(3.5);
    window.dropTo(10);
    expect(window.value()).toBe(4);
    expect(window.held).toBe(1);
  });

  it('holds only what the aggregate needs: no zeros for a sum, one value for a steady max', () => {
    const sum = new AlertWindow('sum');
    const max = new AlertWindow('max');
    const last = new AlertWindow('last');
    for (let t = 0; t < 600; t++) {
      const restarts = t === 100 || t === 300 ? 1 : 0;
      for (const w of [sum, max, last]) {
        w.push(t, restarts);
        w.dropTo(t - 600);
      }
    }
    expect([sum.value(), max.value(), last.value()]).toEqual([2, 1, 0]);
    expect([sum.held, max.held, last.held]).toEqual([2, 2, 0]);
    for (const w of [sum, max]) w.dropTo(400);
    expect([sum.value(), max.value(), sum.held, max.held]).toEqual([0, 0, 0, 1]);
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
