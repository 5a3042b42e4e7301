// SQLite flush of 1 minute of the full load (system + 100 containers at 1 Hz: 60 raw rows per
// series plus the minute's rollup rows) into a WAL database on local disk. Goal: < 10 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistoryStore } from '../dist/index.js';
import { openSqliteHistory } from '../dist/sqlite.js';
import { fillDay } from './fill-day.js';
import { median, printTable } from './constructed-load.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-flush-bench-'));
try {
  const store = createHistoryStore();
  const history = await openSqliteHistory({
    path: join(dir, 'bench.db'),
    store,
    flushIntervalMs: 0,
  });
  // fillDay appends `seconds` samples from T0; run it minute by minute on one store.
  const results = [];
  let offset = 0;
  const minuteStore = {
    appendSample(s) {
      for (const m of [s.system, ...s.containers]) m.timestamp += offset;
      store.appendSample(s);
    },
  };
  for (let minute = 0; minute < 40; minute++) {
    offset = minute * 60_000;
    fillDay(minuteStore, { seconds: 60 });
    const rows = history.pendingRows();
    const r = await history.flush();
    results.push({ ...r, pending: rows });
  }
  await history.close();
  const warm = results.slice(5);
  const ms = median(warm.map((r) => r.durationMs));
  printTable([
    {
      benchmark: 'flush 1 min (101 series, 60 raw rows each + rollups)',
      'rows per flush': warm[0].rows,
      'chunks per flush': warm[0].chunks,
      'median ms': ms.toFixed(2),
      'max ms': Math.max(...warm.map((r) => r.durationMs)).toFixed(2),
      goal: '< 10 ms',
      ok: ms < 10 ? 'yes' : 'NO',
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
