// glibc's main heap ([heap] in /proc/self/smaps) across the hour's flush at 1,000 containers:
// the agent's history (1 Hz raw kept 15 minutes in memory, 1-minute and 1-hour tiers, SQLite,
// a flush every 10 s) fed in simulated time from BENCH_MINUTES (20) before an hour to one minute
// after it. That flush writes every series' block of 1-minute rows and its hour row besides the
// raw rows: 3,000 chunks, where other flushes write 1,000. The agent's heap grew at that flush
// and kept the growth (issue 15). Each run is a fresh process; with ARCBOX_BENCH_DIST (another
// build's packages/history/dist) the two builds alternate, RUNS (3) each, and the table gives
// the growth of each run and the medians' ratio.
// Run: pnpm --filter @arcbox/perf-history build && node packages/history/bench/hour-flush.bench.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBuilds, median, printTable } from './constructed-load.js';
import { agentLiveConfig, idleContainerRow } from './synthesize-history.js';

const HOUR = 3_600_000;

function heapMb() {
  let kb = 0;
  let inHeap = false;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]');
    else if (inHeap && line.startsWith('Rss:')) kb += Number(line.split(/\s+/)[1]);
  }
  return kb / 1024;
}

/** One run in this process: the heap before and after the hour's flush, and its duration. */
async function child(dist) {
  const { createHistoryStore, fieldsOf, seriesKey } = await import(`${dist}/index.js`);
  const { openSqliteHistory } = await import(`${dist}/sqlite.js`);
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-hour-flush-'));
  const store = createHistoryStore(agentLiveConfig(7));
  const history = await openSqliteHistory({
    path: join(dir, 'h.sqlite'),
    store,
    flushIntervalMs: 0,
  });
  const n = 1000;
  const keys = Array.from({ length: n }, (_, i) => seriesKey('container', `c${i}`));
  const values = new Array(fieldsOf('container').length).fill(0);
  const hour = Math.ceil(Date.now() / HOUR) * HOUR;
  const minutes = Number(process.env.BENCH_MINUTES ?? 20);
  let result = null;
  for (let t = hour - minutes * 60_000; t <= hour + 60_000; t += 1000) {
    for (let i = 0; i < n; i++) {
      store.appendValues(keys[i], t, idleContainerRow(values, t, i));
    }
    store.sweep(t);
    if (t % 10_000 !== 0) continue;
    const before = heapMb();
    const flushed = await history.flush();
    if (t === hour)
      result = { before, after: heapMb(), ms: flushed.durationMs, chunks: flushed.chunks };
  }
  await history.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await child(process.argv[3])));
} else {
  const self = fileURLToPath(import.meta.url);
  const builds = benchBuilds(self);
  const runs = Number(process.env.RUNS ?? 3);
  const seen = new Map(builds.map(([name]) => [name, []]));
  const rows = [];
  for (let r = 0; r < runs; r++) {
    for (const [name, dist] of r % 2 ? [...builds].reverse() : builds) {
      // The agent's young generation (its service files' flags).
      const out = execFileSync(
        process.execPath,
        ['--min-semi-space-size=2', '--max-semi-space-size=2', self, '--child', dist],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const x = JSON.parse(out);
      seen.get(name).push(x.after - x.before);
      rows.push({
        run: r + 1,
        build: name,
        'chunks at the hour': x.chunks,
        'heap before (MB)': x.before.toFixed(1),
        'heap after (MB)': x.after.toFixed(1),
        'growth (MB)': (x.after - x.before).toFixed(1),
        'flush (ms)': x.ms.toFixed(0),
      });
    }
  }
  console.log('glibc main heap across the hour flush, 1,000 containers, simulated time');
  printTable(rows);
  if (builds.length === 2) {
    const [a, b] = builds.map(([name]) => median(seen.get(name)));
    console.log(
      `median growth: this build ${a.toFixed(1)} MB, other build ${b.toFixed(1)} MB (${(a / b).toFixed(2)}x)`,
    );
  }
}
