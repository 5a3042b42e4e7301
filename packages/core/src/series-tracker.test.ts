import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeriesTracker, type SeriesTracker } from './series-tracker.js';

interface Reading {
  key: string;
  n: number;
}

/** The tracker as it was written first: a new map of every series per update. */
function plainTracker<R, M>(
  keyOf: (reading: R) => string,
  compute: (previous: R | null, current: R) => M,
): SeriesTracker<R, M> {
  let previous = new Map<string, R>();
  return {
    update(readings) {
      const next = new Map<string, R>();
      const out = readings.map((r) => {
        const key = keyOf(r);
        next.set(key, r);
        return compute(previous.get(key) ?? null, r);
      });
      previous = next;
      return out;
    },
    updateOne(reading) {
      const key = keyOf(reading);
      const metrics = compute(previous.get(key) ?? null, reading);
      previous.set(key, reading);
      return metrics;
    },
    ids: () => [...previous.keys()],
    forget: (id) => {
      previous.delete(id);
    },
    clear: () => previous.clear(),
  };
}

const keyOf = (r: Reading) => r.key;
const compute = (previous: Reading | null, current: Reading) => [previous?.n ?? null, current.n];

const key = fc.constantFrom('a', 'b', 'c', 'd');
const operation = fc.oneof(
  fc.record({ op: fc.constant('update' as const), keys: fc.array(key, { maxLength: 6 }) }),
  fc.record({ op: fc.constant('updateOne' as const), key }),
  fc.record({ op: fc.constant('forget' as const), key }),
  fc.record({ op: fc.constant('clear' as const) }),
);

describe('createSeriesTracker', () => {
  it('holds one reading per series between updates, not the one before it too', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const tracker = createSeriesTracker(keyOf, compute);
    // Made in a function of their own, so the test keeps no reference to the first reading.
    const weak = (() => {
      const first = { key: 'a', n: 1 };
      tracker.update([first, { key: 'b', n: 1 }]);
      tracker.update([
        { key: 'a', n: 2 },
        { key: 'b', n: 2 },
      ]);
      return new WeakRef(first);
    })();
    // A WeakRef keeps its target for the rest of the job that made it.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(weak.deref()).toBeUndefined();
    expect(tracker.update([{ key: 'a', n: 3 }])).toEqual([[2, 3]]);
  });

  it('pairs every reading with the one a new map per update would, series coming, going and repeating', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (ops) => {
        const fast = createSeriesTracker(keyOf, compute);
        const plain = plainTracker(keyOf, compute);
        let n = 0;
        for (const o of ops) {
          if (o.op === 'update') {
            const readings = o.keys.map((k) => ({ key: k, n: n++ }));
            expect(fast.update(readings)).toEqual(plain.update(readings));
          } else if (o.op === 'updateOne') {
            const r = { key: o.key, n: n++ };
            expect(fast.updateOne(r)).toEqual(plain.updateOne(r));
          } else if (o.op === 'forget') {
            fast.forget(o.key);
            plain.forget(o.key);
          } else {
            fast.clear();
            plain.clear();
          }
          expect(fast.ids().sort()).toEqual(plain.ids().sort());
        }
      }),
      { numRuns: 500 },
    );
  });
});
