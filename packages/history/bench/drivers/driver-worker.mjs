// One lane of compare-sqlite-drivers.mjs, in its own process (so its RSS is its own).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistoryStore } from '../../dist/index.js';
import { loadSqliteDriver, openSqliteHistory } from '../../dist/sqlite.js';
import { DAY_SECONDS, fillDay, T0 } from '../fill-day.js';

const [mode, name, dayPath, cache] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The candidate as a driver of the store's interface (the subset of node:sqlite it uses). */
async function driverFor(driverName) {
  const requireFrom = (dir) => createRequire(join(cache, dir, 'package.json'));
  if (driverName === 'node:sqlite' || driverName === '@photostructure/sqlite') {
    if (driverName === 'node:sqlite') return loadSqliteDriver('node:sqlite');
    const { DatabaseSync } = requireFrom('_photostructure_sqlite')('@photostructure/sqlite');
    return { name: driverName, open: (p, { readOnly }) => new DatabaseSync(p, { readOnly }) };
  }
  if (driverName === 'better-sqlite3') {
    const Database = requireFrom('better-sqlite3')('better-sqlite3');
    return { name: driverName, open: (p, { readOnly }) => new Database(p, { readonly: readOnly }) };
  }
  // libsql ignores `readonly` (a read-only URI works) and returns blobs from iterate() as
  // ArrayBuffers, where every other driver returns Uint8Arrays.
  const Database = requireFrom('libsql')('libsql');
  return {
    name: driverName,
    open(p, { readOnly }) {
      const db = new Database(readOnly ? `file:${p}?mode=ro` : p);
      return {
        exec: (sql) => db.exec(sql),
        close: () => db.close(),
        prepare(sql) {
          const s = db.prepare(sql);
          const fix = (row) => {
            for (const k in row) if (row[k] instanceof ArrayBuffer) row[k] = new Uint8Array(row[k]);
            return row;
          };
          return {
            run: (...a) => s.run(...a),
            get: (...a) => s.get(...a),
            all: (...a) => s.all(...a),
            *iterate(...a) {
              for (const row of s.iterate(...a)) yield fix(row);
            },
          };
        },
      };
    },
  };
}

const driver = await driverFor(name);

if (mode === 'fill-day') {
  const history = await openSqliteHistory({ path: dayPath, flushIntervalMs: 0, driver });
  let k = 0;
  fillDay({
    appendSample(sample) {
      history.store.appendSample(sample);
      if (++k % 10 === 0) void history.flush();
    },
  });
  await history.close();
  console.log(
    `${DAY_SECONDS} s of the host and 100 containers, ${(statSync(dayPath).size / 1e6).toFixed(0)} MB on disk`,
  );
  process.exit(0);
}

// 1. Flush of one minute of the load into a fresh file.
const dir = mkdtempSync(join(tmpdir(), 'arcbox-driver-'));
let flushMs;
{
  const store = createHistoryStore();
  const history = await openSqliteHistory({
    path: join(dir, 'f.sqlite'),
    store,
    flushIntervalMs: 0,
    driver,
  });
  let offset = 0;
  const minuteStore = {
    appendSample(s) {
      for (const m of [s.system, ...s.containers]) m.timestamp += offset;
      store.appendSample(s);
    },
  };
  const times = [];
  for (let minute = 0; minute < 40; minute++) {
    offset = minute * 60_000;
    fillDay(minuteStore, { seconds: 60 });
    times.push((await history.flush()).durationMs);
  }
  await history.close();
  flushMs = median(times.slice(5));
}
rmSync(dir, { recursive: true, force: true });
globalThis.gc();

// 2. Open and load a day, then the RSS of the process holding it.
const t0 = performance.now();
const day = await openSqliteHistory({ path: dayPath, flushIntervalMs: 0, driver });
const loadSeconds = (performance.now() - t0) / 1000;
globalThis.gc();
const rss = process.memoryUsage().rss;
await day.close();

// 3. A 24 h query at 1-min step of one container, from SQLite: its rollup chunks, decoded.
const db = driver.open(dayPath, { readOnly: true });
const query = db.prepare(
  'SELECT rows, times, data FROM chunks WHERE series = ? AND level = 0 AND last >= ? ORDER BY first',
);
const from = T0 + DAY_SECONDS * 1000 - 86_400_000;
const times = [];
let points = 0;
let decoded = 0;
for (let i = 0; i < 25; i++) {
  const q0 = performance.now();
  points = 0;
  for (const c of query.iterate('container:c7', from)) {
    const t = new Float64Array(
      c.times.buffer.slice(c.times.byteOffset, c.times.byteOffset + c.times.byteLength),
    );
    const d = new Float32Array(
      c.data.buffer.slice(c.data.byteOffset, c.data.byteOffset + c.data.byteLength),
    );
    points += c.rows;
    decoded += t.length + d.length;
  }
  times.push(performance.now() - q0);
}
db.close();
if (points < 1400 || decoded === 0)
  throw new Error(`the 24 h query found ${points} one-minute rows`);
console.log(JSON.stringify({ flushMs, loadSeconds, rss, queryMs: median(times.slice(5)), points }));
