import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fieldsOf } from '../series-key.js';
import { decodeChunk } from './sqlite-cold-source.js';
import { loadSqliteDriver } from './sqlite-driver.js';
import { openSqliteHistory } from './sqlite-history.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The agent's shape: 1 s samples, a raw hour (15 minutes of it in memory), 1-min and 1-h tiers. */
const agentLike = {
  sampleIntervalMs: 1000,
  maxAgeMs: HOUR,
  memoryWindowMs: 15 * MINUTE,
  tiers: [
    { resolutionMs: MINUTE, retentionMs: DAY },
    { resolutionMs: HOUR, retentionMs: 30 * DAY },
  ],
};
const T0 = Date.UTC(2026, 10, 1);
// 30 days at one sample a minute: the shape of the agent's store (raw, then a finer and a
// coarser tier) with 60x fewer appends, so the test runs in a second.
const config = {
  sampleIntervalMs: MINUTE,
  maxAgeMs: 6 * HOUR,
  tiers: [
    { resolutionMs: HOUR, retentionMs: 7 * DAY },
    { resolutionMs: DAY, retentionMs: 30 * DAY },
  ],
};

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-hot-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const row = (i: number, kind: 'system' | 'container') =>
  fieldsOf(kind).map((f) =>
    f === 'cpuPercent' ? (i % 97) + 0.5 : f === 'memoryUsed' ? 1e6 + i : null,
  );

async function fill(path: string, minutes: number) {
  const h = await openSqliteHistory({ path, flushIntervalMs: 0, config });
  for (let i = 0; i < minutes; i++) {
    const t = T0 + i * MINUTE;
    h.store.appendValues('system', t, row(i, 'system'));
    h.store.appendValues('container:web', t, row(i, 'container'), { name: 'web' });
    if (i % 30 === 29) await h.flush();
  }
  return h;
}

const queries = (newest: number) => [
  { series: 'system', fields: ['cpuPercent'], from: T0, step: DAY },
  {
    series: 'system',
    fields: ['cpuPercent'],
    from: newest - 7 * DAY,
    step: HOUR,
    aggregation: 'max' as const,
  },
  { series: 'container:web', fields: ['memoryUsed', 'cpuPercent'], from: newest - 5 * HOUR },
  { series: 'container:web', fields: ['cpuPercent'], from: newest - 2 * DAY, step: HOUR },
];

describe('a hot window in memory, the rest on disk', () => {
  it('keeps memory to the hot window and answers 30 days from disk, the same before and after a restart', async () => {
    const path = join(dir, 'h.sqlite');
    const h = await fill(path, 30 * 24 * 60);
    const newest = h.store.newest();
    const web = h.store.series().find((s) => s.key === 'container:web')!;
    // Memory: 6 h of raw rows, the hot window plus a block of hourly rows, a few daily ones.
    expect(web.rawRows).toBe(360);
    expect(web.tierRows[0]).toBeLessThanOrEqual(6 + 60);
    const before = queries(newest).map((q) => h.store.query(q));
    // Every day of the month is there, though memory holds days of it at most.
    expect(before[0]!.timestamps).toHaveLength(30);
    expect(before[0]!.values.cpuPercent!.every((v) => v !== null)).toBe(true);
    await h.close();

    const again = await openSqliteHistory({ path, flushIntervalMs: 0, config });
    const after = queries(newest).map((q) => again.store.query(q));
    after.forEach((a, i) => {
      expect(a, `query ${i}`).toEqual(before[i]);
    });
    await again.close();
  });

  it('joins disk and memory at the boundary: one continuous series, no duplicate or missing time', async () => {
    const path = join(dir, 'h.sqlite');
    const h = await fill(path, 3 * 24 * 60);
    const newest = h.store.newest();
    const hourly = h.store.query({
      series: 'system',
      fields: ['cpuPercent'],
      from: newest - 2 * DAY,
    });
    expect(hourly.tier).toBe(0);
    const t = hourly.timestamps;
    // Hour buckets from the first whole hour after `from` to the open one: each exactly once.
    for (let i = 1; i < t.length; i++) expect(t[i]! - t[i - 1]!).toBe(HOUR);
    expect(t).toHaveLength(48);
    // Averages of the hourly buckets equal the raw minutes they hold, on both sides of the boundary.
    const minute = (i: number) => (i % 97) + 0.5;
    for (const k of [0, t.length - 10]) {
      const first = (t[k]! - T0) / MINUTE;
      let sum = 0;
      for (let i = first; i < first + 60; i++) sum += minute(i);
      expect(hourly.values.cpuPercent![k]).toBeCloseTo(sum / 60, 3);
    }
    await h.close();
  });

  it('lets an ended series leave memory while its history stays queryable from disk', async () => {
    const path = join(dir, 'h.sqlite');
    const h = await openSqliteHistory({ path, flushIntervalMs: 0, config });
    for (let i = 0; i < 120; i++) {
      const t = T0 + i * MINUTE;
      const containers = i < 90 ? [{ id: 'gone', name: 'gone' }] : [];
      h.store.appendSample({
        containers: containers.map((c) => ({
          ...Object.fromEntries(fieldsOf('container').map((f) => [f, i])),
          id: c.id,
          name: c.name,
          labels: {},
          timestamp: t,
          monotonicMs: t,
        })) as never,
      });
    }
    await h.flush();
    expect(h.store.stats().series).toBe(0);
    const listed = h.store.series().find((s) => s.key === 'container:gone');
    expect(listed?.goneSince).toBeGreaterThan(0);
    const q = h.store.query({ series: 'container:gone', fields: ['pids'], from: T0 });
    expect(q.values.pids).toEqual(Array.from({ length: 90 }, (_, i) => i));
    await h.close();
  });

  it('keeps raw rows in memory for a window shorter than their retention, the rest read from disk, across a restart', async () => {
    const path = join(dir, 'h.sqlite');
    const short = { ...config, memoryWindowMs: HOUR };
    const h = await openSqliteHistory({ path, flushIntervalMs: 0, config: short });
    // 5 h of minutes, flushed every 10 minutes: the last 6 h of raw rows are all on disk.
    for (let i = 0; i < 300; i++) {
      h.store.appendValues('system', T0 + i * MINUTE, row(i, 'system'));
      if (i % 10 === 9) await h.flush();
    }
    h.store.sweep(); // as every appendSample does
    const expected = Array.from({ length: 300 }, (_, i) => (i % 97) + 0.5);
    const check = (history: typeof h) => {
      // Memory: the last hour of raw rows (and a few rows of a sealed segment's slack).
      const info = history.store.series().find((s) => s.key === 'system')!;
      expect(info.rawRows).toBeLessThanOrEqual(61 + 10);
      expect(info.rawRows).toBeGreaterThanOrEqual(60);
      const q = history.store.query({ series: 'system', fields: ['cpuPercent'], from: T0 });
      expect(q.tier).toBe('raw');
      expect(q.values.cpuPercent).toEqual(expected);
      for (let i = 1; i < q.timestamps.length; i++)
        expect(q.timestamps[i]! - q.timestamps[i - 1]!).toBe(MINUTE);
    };
    check(h);
    await h.close();
    const again = await openSqliteHistory({ path, flushIntervalMs: 0, config: short });
    check(again);
    await again.close();
  });

  it('keeps hourly rows to the hot window in memory, the closed hours read from disk, across a restart', async () => {
    const path = join(dir, 'hours.sqlite');
    const h = await openSqliteHistory({ path, flushIntervalMs: 0, config: agentLike });
    // 'web' reads pids = i, the second, for 4 h 10 min, flushed every 10 minutes.
    for (let i = 0; i < 250 * 60; i++) {
      const t = T0 + i * 1000;
      h.store.appendSample({
        containers: [
          {
            ...Object.fromEntries(fieldsOf('container').map((f) => [f, i])),
            ...{ id: 'web', name: 'web', labels: {}, timestamp: t, monotonicMs: t },
          },
        ],
      } as never);
      if (i % 600 === 599) await h.flush();
    }
    const hours = (history: typeof h) =>
      history.store.query({
        series: 'container:web',
        fields: ['pids'],
        from: history.store.newest() - 2 * DAY,
        step: HOUR,
        aggregation: 'max',
      });
    const info = h.store.series().find((s) => s.key === 'container:web')!;
    // The hour tier is written at every flush: memory holds no more than the hot window of it
    // (it held 60 rows, a row more every hour for 2.5 days).
    expect(info.tierRows[1]).toBeLessThanOrEqual(1);
    const before = hours(h);
    expect(before.tier).toBe(1);
    // The four closed hours from disk, then the open one.
    expect(before.timestamps).toEqual([0, 1, 2, 3, 4].map((k) => T0 + k * HOUR));
    expect(before.values.pids).toEqual([3599, 7199, 10799, 14399, 14999]);
    await h.close();
    const again = await openSqliteHistory({ path, flushIntervalMs: 0, config: agentLike });
    expect(hours(again)).toEqual(before);
    await again.close();
  });

  it("writes an hour of 1-minute rows as one chunk read from memory, and an ended series' unfinished hour at the next flush", async () => {
    const path = join(dir, 'blocks.sqlite');
    const h = await openSqliteHistory({ path, flushIntervalMs: 0, config: agentLike });
    // Every field of a container reads i, the second: a minute's min, max and average are known.
    const container = (id: string, i: number) => ({
      ...Object.fromEntries(fieldsOf('container').map((f) => [f, i])),
      id,
      name: id,
      labels: {},
      timestamp: T0 + i * 1000,
      monotonicMs: T0 + i * 1000,
    });
    // 'stay' for 70 minutes; 'gone' for the first 30.
    for (let i = 0; i < 70 * 60; i++) {
      const containers = [container('stay', i), ...(i < 30 * 60 ? [container('gone', i)] : [])];
      h.store.appendSample({ containers } as never);
      if (i % 10 === 9) await h.flush();
    }
    const driver = await loadSqliteDriver();
    const db = driver.open(path, { readOnly: true });
    try {
      const chunks = db
        .prepare(
          'SELECT series, level, first, last, rows, times, data, codec FROM chunks WHERE level = 0 ORDER BY series, first',
        )
        .all() as unknown as {
        series: string;
        level: number;
        first: number;
        last: number;
        rows: number;
        times: Uint8Array;
        data: Uint8Array;
        codec: number;
      }[];
      // The ended one's 30 minutes are on disk before the hour ends; the other's whole hour is
      // one chunk, and its open hour is not written yet.
      expect(chunks.map((c) => [c.series, c.first, c.last, c.rows])).toEqual([
        ['container:gone', T0, T0 + 29 * MINUTE, 30],
        ['container:stay', T0, T0 + 59 * MINUTE, 60],
      ]);
      const fields = fieldsOf('container');
      const n = fields.length;
      const at = fields.indexOf('pids');
      for (const c of chunks) {
        const { times, values } = decodeChunk(c, fields, c.series);
        for (let m = 0; m < c.rows; m++) {
          expect(times[m]).toBe(T0 + m * MINUTE);
          const row = [0, 1, 2, 3].map((k) => values[m * 4 * n + k * n + at]);
          expect(row, `${c.series} minute ${m}`).toEqual([60 * m, 60 * m + 59, 60 * m + 29.5, 60]);
        }
      }
    } finally {
      db.close();
    }
    await h.close();
  });

  it('writes the 1-minute rows of a series that ended and came back within one hour, both parts', async () => {
    const path = join(dir, 'back.sqlite');
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      config: agentLike,
    });
    const container = (i: number) => ({
      ...Object.fromEntries(fieldsOf('container').map((f) => [f, i])),
      id: 'web',
      name: 'web',
      labels: {},
      timestamp: T0 + i * 1000,
      monotonicMs: T0 + i * 1000,
    });
    // 'web' for minutes 0-19, away for 5 seconds, back from minute 20 to 61.
    for (let i = 0; i < 62 * 60; i++) {
      const away = i >= 20 * 60 - 5 && i < 20 * 60;
      h.store.appendSample({ containers: away ? [] : [container(i)] } as never);
      // Every 15 minutes: the series comes back before its first part is written.
      if (i % 900 === 899) await h.flush();
    }
    const q = h.store.query({
      series: 'container:web',
      fields: ['pids'],
      from: T0,
      to: T0 + HOUR - 1,
      step: MINUTE,
      aggregation: 'max',
    });
    await h.close();
    const driver = await loadSqliteDriver();
    const db = driver.open(path, { readOnly: true });
    try {
      const chunks = db
        .prepare('SELECT first, last, rows FROM chunks WHERE level = 0 ORDER BY first')
        .all();
      // The first part up to its gap, the second from its return to the hour's end, and the next
      // hour's closed minute (close writes closed buckets; the open one is rebuilt from raw rows).
      expect(chunks.map((c) => [c.first, c.last, c.rows])).toEqual([
        [T0, T0 + 19 * MINUTE, 20],
        [T0 + 20 * MINUTE, T0 + 59 * MINUTE, 40],
        [T0 + 60 * MINUTE, T0 + 60 * MINUTE, 1],
      ]);
    } finally {
      db.close();
    }
    expect(q.values.pids).toHaveLength(60);
  });
});
