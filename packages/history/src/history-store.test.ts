import { PerfError, containerNumericFields, systemNumericFields } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHistoryStore } from './history-store.js';
import type { SeriesKey } from './series-key.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1); // a minute boundary

/** A constructed system row: every field null except the ones given. */
function systemRow(values: Partial<Record<(typeof systemNumericFields)[number], number>>) {
  return systemNumericFields.map((f) => values[f] ?? null);
}

function containerRow(values: Partial<Record<(typeof containerNumericFields)[number], number>>) {
  return containerNumericFields.map((f) => values[f] ?? null);
}

function fill(
  store: ReturnType<typeof createHistoryStore>,
  key: SeriesKey,
  from: number,
  count: number,
  value: (i: number) => number,
) {
  for (let i = 0; i < count; i++) {
    store.appendValues(
      key,
      from + i * 1000,
      key === 'system'
        ? systemRow({ cpuPercent: value(i) })
        : containerRow({ cpuPercent: value(i) }),
    );
  }
}

describe('history store (constructed values)', () => {
  it('gives series made together different phases, so their raw segments seal in different rounds', () => {
    // No tiers: only the raw rings allocate. A ring's bytes grow when it seals its first
    // 120-row segment; with every ring in step, all of them would seal at round 120 together.
    const store = createHistoryStore({ maxSamples: 3600, tiers: [] });
    const keys = Array.from({ length: 100 }, (_, i) => `container:c${i}` as SeriesKey);
    const bytes: number[] = [];
    for (let round = 0; round < 119; round++) {
      for (const key of keys) store.appendValues(key, T0 + round * 1000, containerRow({}));
      bytes.push(store.stats().bytes);
    }
    // Seals spread over the rounds: the bytes held grew in most of them, not once.
    const grew = bytes.slice(1).filter((b, i) => b > bytes[i]!).length;
    expect(grew).toBeGreaterThan(50);
  });

  it('answers raw samples exactly, nulls as null', () => {
    const store = createHistoryStore();
    store.appendValues('system', T0, systemRow({ cpuPercent: 12.5, load1: 0.25 }));
    store.appendValues('system', T0 + 1000, systemRow({ cpuPercent: 50 }));
    const r = store.query({ series: 'system', fields: ['cpuPercent', 'load1'] });
    expect(r.tier).toBe('raw');
    expect(r.timestamps).toEqual([T0, T0 + 1000]);
    expect(r.values.cpuPercent).toEqual([12.5, 50]);
    expect(r.values.load1).toEqual([0.25, null]);
  });

  it('keeps at most maxSamples raw rows and answers older ranges from the rollup tier', () => {
    const store = createHistoryStore({
      maxSamples: 30,
      tiers: [{ resolutionMs: MIN, retentionMs: 60 * MIN }],
    });
    fill(store, 'system', T0, 180, (i) => i);
    const [info] = store.series();
    expect(info?.rawRows).toBe(30);
    const recent = store.query({ series: 'system', fields: ['cpuPercent'], from: T0 + 150_000 });
    expect(recent.tier).toBe('raw');
    expect(recent.values.cpuPercent).toHaveLength(30);
    const all = store.query({ series: 'system', fields: ['cpuPercent'], from: T0 });
    expect(all.tier).toBe(0);
    expect(all.timestamps).toEqual([T0, T0 + MIN, T0 + 2 * MIN]);
    // Minute averages of 0..59, 60..119, 120..179; the last minute is still open (pending).
    expect(all.values.cpuPercent).toEqual([29.5, 89.5, 149.5]);
    expect(
      store.query({ series: 'system', fields: ['cpuPercent'], from: T0, aggregation: 'max' }).values
        .cpuPercent,
    ).toEqual([59, 119, 179]);
    expect(
      store.query({ series: 'system', fields: ['cpuPercent'], from: T0, aggregation: 'min' }).values
        .cpuPercent,
    ).toEqual([0, 60, 120]);
  });

  it('drops raw rows by age', () => {
    const store = createHistoryStore({ maxAgeMs: 10_000, maxSamples: 100 });
    fill(store, 'system', T0, 60, (i) => i);
    store.sweep();
    const r = store.query({ series: 'system', fields: ['cpuPercent'], from: T0 + 49_000 });
    expect(r.tier).toBe('raw');
    expect(r.timestamps[0]).toBe(T0 + 49_000);
    expect(store.series()[0]?.rawRows).toBe(11);
    // One second older than the raw ring holds: the minute tier answers.
    expect(store.query({ series: 'system', from: T0 + 48_000 }).tier).toBe(0);
  });

  it('bins by step with avg, min, max and last, aligned to multiples of the step', () => {
    const store = createHistoryStore();
    fill(store, 'system', T0, 20, (i) => i);
    const q = (aggregation: 'avg' | 'min' | 'max' | 'last') =>
      store.query({ series: 'system', fields: ['cpuPercent'], step: 10_000, aggregation }).values
        .cpuPercent;
    expect(q('avg')).toEqual([4.5, 14.5]);
    expect(q('min')).toEqual([0, 10]);
    expect(q('max')).toEqual([9, 19]);
    expect(q('last')).toEqual([9, 19]);
    const gaps = store.query({
      series: 'system',
      fields: ['cpuPercent'],
      step: 4000,
      from: T0 + 16_000,
    });
    expect(gaps.timestamps).toEqual([T0 + 16_000]);
  });

  it('rolls 1 s samples into minutes and hours with the cascade matching the raw data', () => {
    const store = createHistoryStore({ maxSamples: 120 });
    const hours = 3;
    for (let i = 0; i < hours * 3600; i++) {
      store.appendSample({});
      store.appendValues(
        'system',
        T0 + i * 1000,
        systemRow({ cpuPercent: i % 100, memoryUsed: 1e9 + i }),
      );
    }
    const day = store.query({
      series: 'system',
      fields: ['cpuPercent'],
      from: T0,
      step: 3_600_000,
    });
    expect(day.tier).toBe(0);
    expect(day.values.cpuPercent).toEqual([49.5, 49.5, 49.5]);
    const s = store.series()[0]!;
    expect(s.tierRows[0]).toBe(hours * 60 - 1);
    expect(s.tierRows[1]).toBe(hours - 1);
    const mem = store.query({
      series: 'system',
      fields: ['memoryUsed'],
      from: T0,
      step: 3_600_000,
      aggregation: 'max',
    });
    // Float32 keeps 7 significant digits: a byte gauge of 1e9 to within 64 bytes.
    mem.values.memoryUsed!.forEach((v, h) => {
      expect(Math.abs(v! - (1e9 + (h + 1) * 3600 - 1))).toBeLessThanOrEqual(64);
    });
  });

  it('keeps order and loses nothing when the wall clock steps back', () => {
    const store = createHistoryStore();
    fill(store, 'system', T0, 10, (i) => i);
    // An NTP step of an hour back, then time runs on.
    fill(store, 'system', T0 - 3_600_000, 10, (i) => 10 + i);
    const r = store.query({ series: 'system', fields: ['cpuPercent'] });
    expect(r.values.cpuPercent).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 1; i < r.timestamps.length; i++)
      expect(r.timestamps[i]!).toBeGreaterThanOrEqual(r.timestamps[i - 1]!);
    expect(store.stats().clockOffsetMs).toBe(3_600_000 + 9_000);
  });

  it('raises typed errors for from > to, an unknown field and an unknown series', () => {
    const store = createHistoryStore();
    fill(store, 'system', T0, 3, (i) => i);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(PerfError.isInstance(e)).toBe(true);
        return e as PerfError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => store.query({ series: 'system', from: T0 + 5, to: T0 })).code).toBe(
      'INVALID_ARGUMENT',
    );
    const field = err(() => store.query({ series: 'system', fields: ['cpuPercnt'] }));
    expect(field.code).toBe('UNKNOWN_FIELD');
    expect(field.field).toBe('cpuPercnt');
    expect(err(() => store.query({ series: 'container:nope' })).code).toBe('UNKNOWN_SERIES');
    expect(err(() => store.query({ series: 'bogus' })).code).toBe('UNKNOWN_SERIES');
    expect(err(() => store.query({ series: 'system', step: 0 })).code).toBe('INVALID_ARGUMENT');
  });

  it('drops gone containers once their data ages out, so churn keeps memory bounded', () => {
    const store = createHistoryStore({
      maxAgeMs: 60_000,
      tiers: [{ resolutionMs: MIN, retentionMs: 10 * MIN }],
    });
    let t = T0;
    for (let round = 0; round < 200; round++) {
      // Each round: 5 new containers live for 5 samples.
      const ids = Array.from({ length: 5 }, (_, k) => `c${round}-${k}`);
      for (let s = 0; s < 5; s++) {
        t += 1000;
        for (const id of ids)
          store.appendValues(`container:${id}`, t, containerRow({ cpuPercent: 1 }));
        store.appendSample({ containers: [] });
        store.appendValues('system', t, systemRow({ cpuPercent: 1 }));
      }
    }
    const containers = store.series().filter((s) => s.kind === 'container');
    // Only the last ~11 minutes of containers (each 5 s) can still hold data: 10 min tier + open bucket.
    expect(containers.length).toBeLessThanOrEqual(5 * Math.ceil((11 * MIN) / 5000));
    expect(containers.length).toBeGreaterThan(0);
    expect(containers.every((c) => c.goneSince !== null || c.lastTime === t)).toBe(true);
    expect(store.has('container:c0-0')).toBe(false);
  });

  it('appends each container to its own series whatever its place in the list, one that left memory coming back anew', () => {
    const store = createHistoryStore();
    // A disk store attached: a series that ends leaves memory at once.
    store.attachCold({ rows: () => [], series: () => [], has: () => false });
    const round = (second: number, ids: string[]) =>
      store.appendSample({
        containers: ids.map((id) => ({
          id,
          name: id,
          labels: {},
          timestamp: T0 + second * 1000,
          monotonicMs: second * 1000,
          cpuPercent: Number(id.slice(1)) * 100 + second,
        })) as never,
      });
    round(0, ['c1', 'c2', 'c3']);
    round(1, ['c3', 'c1', 'c2']);
    round(2, ['c1', 'c3']);
    round(3, ['c2', 'c3', 'c1']);
    const cpu = (id: string) => {
      const r = store.query({
        series: `container:${id}`,
        fields: ['cpuPercent'],
        from: T0,
        to: T0 + 3000,
        step: 1000,
      });
      return r.timestamps.map((t, i) => [(t - T0) / 1000, r.values.cpuPercent![i]]);
    };
    expect(cpu('c1')).toEqual([
      [0, 100],
      [1, 101],
      [2, 102],
      [3, 103],
    ]);
    expect(cpu('c2')).toEqual([[3, 203]]); // ended at 2 s and left memory: a new series
    expect(cpu('c3')).toEqual([
      [0, 300],
      [1, 301],
      [2, 302],
      [3, 303],
    ]);
  });

  it('iterates a large range in chunks that add up to the one-shot answer', async () => {
    const store = createHistoryStore({ maxSamples: 5000, maxAgeMs: 10 * 3_600_000 });
    fill(store, 'system', T0, 4000, (i) => i % 7);
    const whole = store.query({ series: 'system', fields: ['cpuPercent'], step: 5000 });
    const stamps: number[] = [];
    const values: Array<number | null> = [];
    for await (const chunk of store.queryIterable(
      { series: 'system', fields: ['cpuPercent'], step: 5000 },
      { chunkPoints: 100 },
    )) {
      expect(chunk.timestamps.length).toBeLessThanOrEqual(100);
      stamps.push(...chunk.timestamps);
      values.push(...chunk.values.cpuPercent!);
    }
    expect(stamps).toEqual(whole.timestamps);
    expect(values).toEqual(whole.values.cpuPercent);
  });

  it('reports at most 8 bytes per stored value once rings are full', () => {
    const store = createHistoryStore();
    fill(store, 'system', T0, 7200, (i) => i);
    const { bytes, storedValues } = store.stats();
    expect(bytes / storedValues).toBeLessThanOrEqual(8);
  });

  it('property: every minute bucket has the min, max and mean of its raw samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }), {
          minLength: 1,
          maxLength: 400,
        }),
        (xs) => {
          const store = createHistoryStore({ maxSamples: 10 });
          xs.forEach((x, i) => {
            store.appendValues(
              'system',
              T0 + i * 1000,
              systemRow(x === null ? {} : { cpuPercent: x }),
            );
          });
          for (const aggregation of ['min', 'max', 'avg'] as const) {
            const r = store.query({
              series: 'system',
              fields: ['cpuPercent'],
              from: T0,
              step: MIN,
              aggregation,
            });
            r.timestamps.forEach((t, b) => {
              const inBucket = xs
                .slice((t - T0) / 1000, (t - T0) / 1000 + 60)
                .filter((x): x is number => x !== null);
              const want =
                inBucket.length === 0
                  ? null
                  : aggregation === 'min'
                    ? Math.min(...inBucket)
                    : aggregation === 'max'
                      ? Math.max(...inBucket)
                      : inBucket.reduce((a, c) => a + c, 0) / inBucket.length;
              const got = r.values.cpuPercent![b]!;
              if (want === null) expect(got).toBeNull();
              else expect(got).toBeCloseTo(want, 3);
            });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
