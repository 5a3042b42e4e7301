// What one container's series costs in memory in the agent's store: the hot window (15 minutes of
// 1 Hz raw rows with history on disk, create-agent.ts), the open and recent 1-minute and 1-hour
// buckets, after BENCH_MINUTES (20, 60 and 360) of simulated time at 1 Hz, for N (200) series fed as
// idle containers read (a few busy fields, some counters, the rest constant). Per series: the
// store's typed-array bytes (`stats().bytes`: allocated, open segments and kept buffers included),
// the ArrayBuffers and the V8 heap it adds, after full collections, and the resident memory it
// adds, which also counts malloc's records per buffer and the holes it leaves (steadier with
// N=1000). Each figure is a fresh process; with ARCBOX_BENCH_DIST (another build's
// packages/history/dist) both builds run and the table ends with this build's total per series
// over the other's.
// Run: pnpm --filter @arcbox/perf-history build && node packages/history/bench/hot-window.bench.mjs
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchBuilds, printTable } from './constructed-load.js';
import { agentLiveConfig, idleContainerRow } from './synthesize-history.js';

async function child(dist, minutes) {
  const { createHistoryStore, fieldsOf, seriesKey } = await import(`${dist}/index.js`);
  const n = Number(process.env.N ?? 200);
  globalThis.gc();
  const start = process.memoryUsage();
  const store = createHistoryStore(agentLiveConfig(7));
  const keys = Array.from({ length: n }, (_, i) => seriesKey('container', `c${i}`));
  const values = new Array(fieldsOf('container').length).fill(0);
  const t0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
  for (let t = t0; t < t0 + minutes * 60_000; t += 1000) {
    for (let i = 0; i < n; i++) {
      store.appendValues(keys[i], t, idleContainerRow(values, t, i));
    }
    store.sweep(t);
  }
  globalThis.gc();
  globalThis.gc();
  const end = process.memoryUsage();
  const kb = (bytes) => bytes / n / 1024;
  return {
    typed: kb(store.stats().bytes),
    arrayBuffers: kb(end.arrayBuffers - start.arrayBuffers),
    heap: kb(end.heapUsed - start.heapUsed),
    rss: kb(end.rss - start.rss),
  };
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await child(process.argv[3], Number(process.argv[4]))));
} else {
  const self = fileURLToPath(import.meta.url);
  const builds = benchBuilds(self);
  const rows = [];
  const ratios = [];
  for (const minutes of (process.env.BENCH_MINUTES ?? '20,60,360').split(',').map(Number)) {
    const totals = [];
    for (const [name, dist] of builds) {
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', self, '--child', dist, String(minutes)],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const x = JSON.parse(out);
      totals.push(x.arrayBuffers + x.heap);
      rows.push({
        minutes,
        build: name,
        'typed (KB/series)': x.typed.toFixed(1),
        'ArrayBuffers (KB/series)': x.arrayBuffers.toFixed(1),
        'V8 heap (KB/series)': x.heap.toFixed(1),
        'total (KB/series)': (x.arrayBuffers + x.heap).toFixed(1),
        'RSS (KB/series)': x.rss.toFixed(1),
      });
    }
    if (totals.length === 2) ratios.push(`${minutes} min ${(totals[0] / totals[1]).toFixed(2)}x`);
  }
  console.log('memory per container series, agent store, simulated time');
  printTable(rows);
  if (ratios.length > 0) console.log(`this build's total / other build's: ${ratios.join(', ')}`);
}
