// History on disk with a hot window in memory (issue 15): for 1 day and 30 days of the host and
// 100 containers at the agent's tiers (1 s for 1 h, 1 min for a day, 1 h for the retention):
// database size and bytes per stored value, the RSS of a process holding the opened history,
// a 24 h query at 1-min step for one container, and the top 10 containers by CPU over 6 h. Then
// 1,000 containers at 1 Hz: the longest event-loop stall (monitorEventLoopDelay) across flushes
// and a retention pass. Run: node bench/disk-history.bench.mjs (after pnpm build); with `stall`,
// only the 1,000-container part.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { fieldsOf } from '../dist/index.js';
import { loadSqliteDriver, openSqliteHistory } from '../dist/sqlite.js';
import { median, printTable } from './constructed-load.js';
import { agentHistoryConfig, synthesizeHistory } from './synthesize-history.js';

const HOUR = 3_600_000;
const work = mkdtempSync(join(tmpdir(), 'arcbox-disk-bench-'));
const mode = process.argv[2];

/** In a child: open the file, report RSS after load and the two query times. */
async function measureOpen(path, days) {
  const t0 = performance.now();
  const h = await openSqliteHistory({ path, flushIntervalMs: 0, config: agentHistoryConfig(days) });
  const openMs = performance.now() - t0;
  globalThis.gc();
  const rss = process.memoryUsage().rss;
  const to = h.store.newest();
  const one = [];
  for (let i = 0; i < 30; i++) {
    const q0 = performance.now();
    const r = h.store.query({
      series: 'container:c42',
      fields: ['cpuPercent'],
      from: to - 24 * HOUR,
      to,
      step: 60_000,
    });
    one.push(performance.now() - q0);
    if (r.timestamps.length < 1400)
      throw new Error(`24 h query gave ${r.timestamps.length} points`);
  }
  const top = [];
  const keys = h.store
    .series()
    .filter((s) => s.kind === 'container')
    .map((s) => s.key);
  for (let i = 0; i < 10; i++) {
    const q0 = performance.now();
    const ranked = keys
      .map((series) => {
        const r = h.store.query({
          series,
          fields: ['cpuPercent'],
          from: to - 6 * HOUR,
          to,
          step: 60_000,
        });
        const v = r.values.cpuPercent.filter((x) => x !== null);
        return { series, avg: v.reduce((a, b) => a + b, 0) / v.length };
      })
      .sort((a, b) => b.avg - a.avg)
      .slice(0, 10);
    top.push(performance.now() - q0);
    if (ranked.length !== 10) throw new Error('top 10 incomplete');
  }
  await h.close();
  console.log(
    JSON.stringify({ openMs, rss, oneMs: median(one.slice(5)), topMs: median(top.slice(2)) }),
  );
}

/**
 * The driver with every statement timed (run, get, all, exec, and each step of an iterate): the
 * longest single statement is what blocks the event loop, since the driver is synchronous.
 */
function timedDriver(driver, longest) {
  const timed = (what, fn) => {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - t0;
      if (ms > longest.ms) Object.assign(longest, { ms, what });
    }
  };
  return {
    name: driver.name,
    module: driver.module,
    open(path, options) {
      const db = driver.open(path, options);
      return {
        exec: (sql) => timed(sql, () => db.exec(sql)),
        close: () => db.close(),
        prepare(sql) {
          const st = db.prepare(sql);
          return {
            run: (...p) => timed(sql, () => st.run(...p)),
            get: (...p) => timed(sql, () => st.get(...p)),
            all: (...p) => timed(sql, () => st.all(...p)),
            *iterate(...p) {
              const it = timed(sql, () => st.iterate(...p));
              for (;;) {
                const next = timed(sql, () => it.next());
                if (next.done) return;
                yield next.value;
              }
            },
          };
        },
      };
    },
  };
}

if (mode === 'open') {
  await measureOpen(process.argv[3], Number(process.argv[4]));
  process.exit(0);
}

try {
  const rows = [];
  // The typical shape (most fields still, counters growing, rates often 0) and the one every
  // field jitters in, the worst case for any lossless encoding (synthesize-history.js).
  const sizes =
    mode === 'stall'
      ? []
      : [
          [1, 'typical'],
          [30, 'typical'],
          [30, 'jittered'],
        ];
  for (const [days, shape] of sizes) {
    const path = join(work, `h${days}-${shape}.sqlite`);
    const { values } = await synthesizeHistory(path, { containers: 100, days, shape });
    const size = statSync(path).size;
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), 'open', path, String(days)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (child.status !== 0) throw new Error(`measuring ${days} days failed`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1));
    rows.push({
      history: `${days} d, 100 containers, ${shape}`,
      'file MB': (size / 1e6).toFixed(1),
      'bytes/value': (size / values).toFixed(2),
      'open s': (r.openMs / 1000).toFixed(2),
      'RSS after open MB': (r.rss / 1e6).toFixed(0),
      '24 h @1 min, 1 ctr, ms': r.oneMs.toFixed(1),
      'top 10 by CPU, 6 h @1 min, ms': r.topMs.toFixed(1),
    });
  }
  if (rows.length > 0) printTable(rows);

  // 1,000 containers at 1 Hz for 3 minutes of samples (appended as the agent does, a sample a
  // round), a flush every 10 s, then a retention pass: the same file reopened with a raw
  // retention of one minute, so its flushes delete 2 of those 3 minutes' raw chunks (12,000,
  // in batches). The longest flush, the longest single SQLite statement (a timed driver) and the
  // longest stall of the event loop.
  const path = join(work, 'k.sqlite');
  const longest = { ms: 0, what: '' };
  const driver = timedDriver(await loadSqliteDriver(), longest);
  const h = await openSqliteHistory({
    path,
    flushIntervalMs: 0,
    config: agentHistoryConfig(1),
    driver,
  });
  longest.ms = 0; // not the open: the flushes
  const fields = fieldsOf('container');
  const metrics = Array.from({ length: 1000 }, (_, c) => ({
    ...Object.fromEntries(fields.map((f, j) => [f, j * 1000 + c])),
    id: `k${c}`,
    name: `k${c}`,
    labels: {},
    timestamp: 0,
    monotonicMs: 0,
  }));
  // Two monitors: every turn from the second flush on (appends of 1,000 containers included:
  // a sealed segment or a minute's rollups at once), and only the turns while a flush runs
  // (enabled after the sample's append, disabled once the flush resolved).
  // (A monitor per flush: one enabled again counts the time it was off as a delay.)
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const inFlush = { max: 0 };
  const timedFlush = async (history) => {
    const monitor = monitorEventLoopDelay({ resolution: 1 });
    monitor.enable();
    try {
      return await history.flush();
    } finally {
      monitor.disable();
      inFlush.max = Math.max(inFlush.max, monitor.max);
    }
  };
  const flushes = [];
  const start = Date.now() - 180_000;
  for (let s = 0; s < 180; s++) {
    if (s === 10) delay.enable(); // after the first flush created 1,000 series rows
    for (const m of metrics) m.timestamp = m.monotonicMs = start + s * 1000;
    h.store.appendSample({ containers: metrics });
    if (s % 10 === 9) {
      if (s === 9) flushes.push((await h.flush()).durationMs);
      else flushes.push((await timedFlush(h)).durationMs);
    }
    await new Promise((r) => setImmediate(r));
  }
  delay.disable();
  const flushDelay = inFlush.max / 1e6;
  inFlush.max = 0;
  const sampleDelay = delay.max / 1e6;
  const flushStatement = { ...longest };
  await h.close();
  longest.ms = 0;
  const short = { ...agentHistoryConfig(1), maxAgeMs: 60_000, memoryWindowMs: 60_000 };
  const r = await openSqliteHistory({ path, flushIntervalMs: 0, config: short, driver });
  longest.ms = 0; // not the open: the retention pass
  const retention = monitorEventLoopDelay({ resolution: 1 });
  retention.enable();
  const passes = [];
  let deleted = 0;
  for (let s = 180; s < 240; s++) {
    for (const m of metrics) m.timestamp = m.monotonicMs = start + s * 1000;
    r.store.appendSample({ containers: metrics });
    if (s % 10 === 9) {
      const f = await timedFlush(r);
      passes.push(f.durationMs);
      deleted += f.deletedChunks;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  retention.disable();
  const retentionStatement = { ...longest }; // not the close's flush and checkpoint
  await r.close();
  printTable([
    {
      load: '1,000 containers, 1 Hz, flush every 10 s',
      'flush median ms': median(flushes).toFixed(1),
      'flush max ms': Math.max(...flushes).toFixed(1),
      'longest statement ms': flushStatement.ms.toFixed(1),
      'event-loop delay max ms': sampleDelay.toFixed(1),
      'delay max during flushes ms': flushDelay.toFixed(1),
      goal: '<= 50 ms',
    },
    {
      load: `the same, retention deleting ${deleted} chunks`,
      'flush median ms': median(passes).toFixed(1),
      'flush max ms': Math.max(...passes).toFixed(1),
      'longest statement ms': retentionStatement.ms.toFixed(1),
      'event-loop delay max ms': (retention.max / 1e6).toFixed(1),
      'delay max during flushes ms': (inFlush.max / 1e6).toFixed(1),
      goal: '<= 50 ms',
    },
  ]);
  console.log(
    `longest statement: ${flushStatement.what.slice(0, 60)} / ${retentionStatement.what.slice(0, 60)}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
