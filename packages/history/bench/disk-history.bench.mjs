// History on disk with a hot window in memory (issue 15): for 1 day and 30 days of the host and
// 100 containers at the agent's tiers (1 s for 1 h, 1 min for a day, 1 h for the retention):
// database size and bytes per stored value, the RSS of a process holding the opened history,
// a 24 h query at 1-min step for one container, and the top 10 containers by CPU over 6 h. Then
// 1,000 containers at 1 Hz: the longest event-loop stall (monitorEventLoopDelay) across flushes
// and a retention pass. Run: pnpm bench -- disk-history (after pnpm build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { fieldsOf } from '../dist/index.js';
import { openSqliteHistory } from '../dist/sqlite.js';
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

if (mode === 'open') {
  await measureOpen(process.argv[3], Number(process.argv[4]));
  process.exit(0);
}

try {
  const rows = [];
  // The typical shape (most fields still, counters growing, rates often 0) and the one every
  // field jitters in, the worst case for any lossless encoding (synthesize-history.js).
  for (const [days, shape] of [
    [1, 'typical'],
    [30, 'typical'],
    [30, 'jittered'],
  ]) {
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
  printTable(rows);

  // 1,000 containers at 1 Hz for 3 minutes of samples (appended as the agent does, a sample a
  // round), a flush every 10 s, then a retention pass over a day of expired minute blocks: the
  // longest flush and the longest stall of the event loop.
  const path = join(work, 'k.sqlite');
  const h = await openSqliteHistory({ path, flushIntervalMs: 0, config: agentHistoryConfig(1) });
  const fields = fieldsOf('container');
  const metrics = Array.from({ length: 1000 }, (_, c) => ({
    ...Object.fromEntries(fields.map((f, j) => [f, j * 1000 + c])),
    id: `k${c}`,
    name: `k${c}`,
    labels: {},
    timestamp: 0,
    monotonicMs: 0,
  }));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const flushes = [];
  const start = Date.now() - 180_000;
  for (let s = 0; s < 180; s++) {
    if (s === 10) delay.enable(); // after the first flush created 1,000 series rows
    for (const m of metrics) m.timestamp = m.monotonicMs = start + s * 1000;
    h.store.appendSample({ containers: metrics });
    if (s % 10 === 9) flushes.push((await h.flush()).durationMs);
    await new Promise((r) => setImmediate(r));
  }
  delay.disable();
  const sampleDelay = delay.max / 1e6;
  await h.close();
  printTable([
    {
      load: '1,000 containers, 1 Hz, flush every 10 s',
      'flush median ms': median(flushes).toFixed(1),
      'flush max ms': Math.max(...flushes).toFixed(1),
      'event-loop delay max ms': sampleDelay.toFixed(1),
      goal: '<= 50 ms',
    },
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
