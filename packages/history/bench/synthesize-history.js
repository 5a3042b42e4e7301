// Writes a history database holding `days` of the host and N containers at the agent's tiers
// (1 s for 1 h, 1 min for `minuteDays`, 1 h for `days`) without appending every second of it:
// the tier rows are written as the store writes them (the 1-min tier an hour block per chunk,
// the hourly tier a chunk per hour), then the last hour of raw rows goes through a real store,
// so its blocks, open buckets and rollups are the store's own. Values are the constructed load's
// shapes (jittered +-5 %), Float32 as stored.
import { fieldsOf } from '../dist/index.js';
import { encodeChunk, loadSqliteDriver, openSqliteHistory } from '../dist/sqlite.js';

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

export async function synthesizeHistory(
  path,
  { containers = 100, days = 30, end = Date.now() } = {},
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
    'INSERT INTO chunks (series, level, first, last, rows, times, data, codec) VALUES (?, ?, ?, ?, ?, ?, ?, 1)',
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
    const write = (level, resolution, from, to, perChunk) => {
      for (let start = from; start < to; start += perChunk * resolution) {
        const rows = Math.min(perChunk, Math.round((to - start) / resolution));
        const times = new Float64Array(rows);
        const data = new Float32Array(rows * 4 * n);
        for (let r = 0; r < rows; r++) {
          times[r] = start + r * resolution;
          for (let f = 0; f < n; f++) {
            const b = base[f];
            const jitter = /Limit|Total|cpuCount/.test(fieldsOf(kind)[f])
              ? 1
              : 0.95 + 0.1 * random();
            const avg = b * jitter;
            data[r * 4 * n + f] = avg * 0.9;
            data[r * 4 * n + n + f] = avg * 1.1;
            data[r * 4 * n + 2 * n + f] = avg;
            data[r * 4 * n + 3 * n + f] = resolution / 1000;
          }
        }
        values += rows * (4 * n + 1);
        const blobs = encodeChunk(new Uint8Array(times.buffer), new Uint8Array(data.buffer));
        chunk.run(key, level, times[0], times[rows - 1], rows, blobs.times, blobs.data);
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
  const rows = kinds.map(([kind, , base]) => ({ kind, base, row: new Array(base.length) }));
  for (let t = Math.floor(raw / HOUR) * HOUR; t <= end; t += 1000) {
    kinds.forEach(([, key], i) => {
      const { base, row } = rows[i];
      for (let f = 0; f < base.length; f++) row[f] = base[f] * (0.95 + 0.1 * random());
      live.store.appendValues(key, t, row);
      values += row.length + 1;
    });
    if (t % 10_000 === 0) await live.flush();
  }
  await live.close();
  return { config, values };
}
