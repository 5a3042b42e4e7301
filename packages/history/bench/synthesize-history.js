// Writes a history database holding `days` of the host and N containers at the agent's tiers
// (1 s for 1 h, 1 min for `minuteDays`, 1 h for `days`) without appending every second of it:
// the tier rows are written as the store writes them (the 1-min tier an hour block per chunk,
// the hourly tier a chunk per hour), then the last hour of raw rows goes through a real store,
// so its blocks, open buckets and rollups are the store's own. Values are constructed, in one of
// two shapes (see fieldClass): `jittered` or `typical`. `values` counts what the file holds at
// the end (every stored number, a row's time included), read back from it.
import { fieldsOf } from '../dist/index.js';
import { encodeColumns, encodeTimes, loadSqliteDriver, openSqliteHistory } from '../dist/sqlite.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The store config of an agent keeping `days` of history. */
export function agentHistoryConfig(days, minuteDays = Math.min(days, 1)) {
  return {
    sampleIntervalMs: 1000,
    maxAgeMs: HOUR,
    memoryWindowMs: HOUR,
    tiers: [
      { resolutionMs: MINUTE, retentionMs: minuteDays * DAY },
      { resolutionMs: HOUR, retentionMs: days * DAY },
    ],
  };
}

/** The store of a running agent keeping `days` with history on disk: 15 minutes in memory (create-agent.ts). */
export function agentLiveConfig(days) {
  return { ...agentHistoryConfig(days), memoryWindowMs: 15 * MINUTE };
}

/**
 * Fills `values` with container `i`'s row at time `t` as idle containers read: a few busy fields,
 * some counters, the rest constant.
 */
export function idleContainerRow(values, t, i) {
  for (let f = 0; f < values.length; f++)
    values[f] = f < 4 ? ((t / 1000 + i * 7 + f) % 97) / 10 : f < 10 ? 1e8 + (t / 1000) * 64 + i : f;
  return values;
}

function seeded(seed) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** A value per field of a series: constant fields stay, others drift around their base. */
function baseRow(kind, c) {
  return fieldsOf(kind).map((f, j) => {
    if (/Limit|Total|cpuCount/.test(f)) return 2 ** 30;
    if (/Percent/.test(f)) return 5 + ((c * 7 + j) % 60);
    if (/Pps|Iops/.test(f)) return 10 + ((c + j) % 50);
    return 1e6 * (1 + ((c + j) % 9));
  });
}

/**
 * How a field moves in the `typical` shape (constructed, by what each field is in SEMANTICS.md):
 * limits and totals stay; lifecycle counters, throttling and swap stay 0; fields this platform
 * never fills (GPU, macOS memory kinds) stay null; cumulative byte and CPU-second counters grow
 * at a rate; rates are 0 in 7 seconds of 10 and jittered otherwise; memory moves by whole
 * 4 KiB pages; percentages, pressure and load jitter +-5 % every second. The `jittered` shape
 * (the one measured before) jitters every field +-5 % every second, the worst case for any
 * lossless encoding: about 20 random bits in every Float32.
 */
function fieldClass(field) {
  if (/^gpu|memoryApp|memoryWired|memoryCompressed/.test(field)) return 'absent';
  if (/Limit$|Total$|^cpuCount$/.test(field)) return 'constant';
  if (/Oom|[rR]estarts|LimitHits|HighEvents|Throttled|^swapUsed$/.test(field)) return 'zero';
  if (/^pids$/.test(field)) return 'constant';
  if (/Bytes$|^cpuSeconds$/.test(field)) return 'counter';
  if (/Bps$|Pps$|Iops$/.test(field)) return 'rate';
  if (/^memory|^swap/.test(field)) return 'pages';
  return 'noise';
}

/** One field's value at time `t` (ms) in `shape`; `random` a seeded [0, 1). */
function valueAt(shape, cls, base, t, random) {
  if (shape === 'jittered') return base * (0.95 + 0.1 * random());
  switch (cls) {
    case 'absent':
      return Number.NaN;
    case 'constant':
      return base;
    case 'zero':
      return 0;
    case 'counter':
      // Whole bytes (nanoseconds for CPU seconds, which Float32 keeps to 7 digits anyway).
      return Math.floor((base / 1000) * (t / 1000));
    case 'rate':
      return random() < 0.7 ? 0 : base * (0.95 + 0.1 * random());
    case 'pages':
      return Math.round((base * (1 + 0.01 * Math.sin(t / 3_600_000))) / 4096) * 4096;
    default:
      return base * (0.95 + 0.1 * random());
  }
}

export async function synthesizeHistory(
  path,
  { containers = 100, days = 30, end = Date.now(), shape = 'jittered' } = {},
) {
  const config = agentHistoryConfig(days);
  const kinds = [
    ['system', 'system', baseRow('system', 0)],
    ...Array.from({ length: containers }, (_, c) => [
      'container',
      `container:c${c}`,
      baseRow('container', c + 1),
    ]),
  ];
  const raw = end - HOUR;
  // The schema, created by the store itself.
  const h = await openSqliteHistory({ path, flushIntervalMs: 0, config });
  await h.close();
  const driver = await loadSqliteDriver();
  const db = driver.open(path, { readOnly: false });
  const series = db.prepare(
    'INSERT INTO series (key, kind, id, name, labels, fields) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const chunk = db.prepare(
    'INSERT INTO chunks (series, level, first, last, rows, times, data, codec) VALUES (?, ?, ?, ?, ?, ?, ?, 2)',
  );
  const random = seeded(7);
  let values = 0;
  db.exec('BEGIN');
  for (const [kind, key, base] of kinds) {
    const n = base.length;
    const id = key === 'system' ? 'system' : key.slice('container:'.length);
    series.run(
      key,
      kind,
      id,
      id,
      JSON.stringify(kind === 'system' ? {} : { app: 'bench' }),
      JSON.stringify(fieldsOf(kind)),
    );
    const classes = fieldsOf(kind).map(fieldClass);
    const write = (level, resolution, from, to, perChunk) => {
      for (let start = from; start < to; start += perChunk * resolution) {
        const rows = Math.min(perChunk, Math.round((to - start) / resolution));
        const times = new Float64Array(rows);
        const data = new Float32Array(rows * 4 * n);
        for (let r = 0; r < rows; r++) {
          times[r] = start + r * resolution;
          for (let f = 0; f < n; f++) {
            const b = base[f];
            const cls = classes[f];
            let min;
            let max;
            let avg;
            let count = resolution / 1000;
            if (shape === 'jittered') {
              avg =
                b * (/Limit|Total|cpuCount/.test(fieldsOf(kind)[f]) ? 1 : 0.95 + 0.1 * random());
              min = avg * 0.9;
              max = avg * 1.1;
            } else if (cls === 'counter' || cls === 'pages') {
              // A bucket of a counter: its first, middle and last values.
              min = valueAt(shape, cls, b, times[r], random);
              avg = valueAt(shape, cls, b, times[r] + resolution / 2, random);
              max = valueAt(shape, cls, b, times[r] + resolution - 1000, random);
              if (min > max) [min, max] = [max, min];
            } else if (cls === 'rate' || cls === 'noise') {
              avg = valueAt(shape, 'noise', b, times[r], random) * (cls === 'rate' ? 0.3 : 1);
              min = cls === 'rate' ? 0 : avg * 0.9;
              max = avg * (cls === 'rate' ? 3.5 : 1.1);
            } else {
              min = max = avg = valueAt(shape, cls, b, times[r], random);
              if (cls === 'absent') count = 0;
            }
            data[r * 4 * n + f] = min;
            data[r * 4 * n + n + f] = max;
            data[r * 4 * n + 2 * n + f] = avg;
            data[r * 4 * n + 3 * n + f] = count;
          }
        }
        values += rows * (4 * n + 1);
        // As the store writes a tier block (codec 2, deflated).
        chunk.run(
          key,
          level,
          times[0],
          times[rows - 1],
          rows,
          encodeTimes(times, rows),
          encodeColumns(new Uint32Array(data.buffer), rows, 4 * n, true),
        );
      }
    };
    const hourStart = Math.floor((raw - days * DAY) / HOUR) * HOUR;
    const minuteStart = Math.floor((raw - config.tiers[0].retentionMs) / HOUR) * HOUR;
    const rawHour = Math.floor(raw / HOUR) * HOUR;
    write(0, MINUTE, minuteStart, rawHour, 60);
    write(1, HOUR, hourStart, rawHour, 1);
  }
  db.exec('COMMIT');
  db.close();
  // The last hour at 1 Hz through a real store: raw rows, the open hour's minutes.
  const live = await openSqliteHistory({ path, flushIntervalMs: 0, config });
  const rows = kinds.map(([kind, , base]) => ({
    base,
    classes: fieldsOf(kind).map(fieldClass),
    row: new Array(base.length),
  }));
  for (let t = Math.floor(raw / HOUR) * HOUR; t <= end; t += 1000) {
    kinds.forEach(([, key], i) => {
      const { base, classes, row } = rows[i];
      for (let f = 0; f < base.length; f++) {
        const v = valueAt(shape, classes[f], base[f], t, random);
        row[f] = Number.isNaN(v) ? null : v;
      }
      live.store.appendValues(key, t, row);
      values += row.length + 1;
    });
    if (t % 10_000 === 0) await live.flush();
  }
  await live.close();
  // What the file holds now (rows the retention removed while the last hour was written are
  // not counted): a row's time and its values, 4 per field in a tier row.
  const check = driver.open(path, { readOnly: true });
  let stored = 0;
  for (const r of check
    .prepare(
      'SELECT c.level AS level, sum(c.rows) AS rows, s.fields AS fields FROM chunks c JOIN series s ON s.key = c.series GROUP BY c.series, c.level',
    )
    .all()) {
    const n = JSON.parse(String(r.fields)).length;
    stored += Number(r.rows) * ((Number(r.level) < 0 ? n : 4 * n) + 1);
  }
  check.close();
  return { config, values: stored, appended: values };
}
