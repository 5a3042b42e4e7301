// Where a small host's WAL checkpoints run: SQLite's own, in the commit of a flush (below
// `checkpointWorkerFromChunks`, default 500), against the checkpoint worker from the first flush.
// 100 containers at the agent's live tiers, a sample a second in simulated time (40 minutes,
// crossing an hour's flush) and a flush every 10 samples, each variant in a fresh process: the
// longest flush, the longest event-loop delay around the flushes (monitorEventLoopDelay), the
// largest WAL and the process's resident memory at the end. Run: node
// bench/small-host-checkpoint.bench.mjs (after pnpm build); ARCBOX_BENCH_MINUTES sets the span.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { fieldsOf, seriesKey } from '../dist/index.js';
import { openSqliteHistory } from '../dist/sqlite.js';
import { printTable } from './constructed-load.js';
import { agentLiveConfig, idleContainerRow } from './synthesize-history.js';

const minutes = Number(process.env.ARCBOX_BENCH_MINUTES ?? 40);

async function run(fromChunks) {
  const work = mkdtempSync(join(tmpdir(), 'arcbox-checkpoint-bench-'));
  const path = join(work, 'h.sqlite');
  try {
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      config: agentLiveConfig(1),
      checkpointWorkerFromChunks: fromChunks,
    });
    const keys = Array.from({ length: 100 }, (_, i) => seriesKey('container', `c${i}`));
    const values = new Array(fieldsOf('container').length).fill(0);
    const start = Date.now() - minutes * 60_000;
    const flushes = [];
    let delayMs = 0;
    let walBytes = 0;
    for (let s = 0; s < minutes * 60; s++) {
      const t = start + s * 1000;
      for (let i = 0; i < keys.length; i++)
        h.store.appendValues(keys[i], t, idleContainerRow(values, t, i));
      h.store.sweep(t);
      if (s % 10 !== 9) continue;
      // A monitor per flush: one enabled again counts the time it was off as a delay.
      const monitor = monitorEventLoopDelay({ resolution: 1 });
      monitor.enable();
      const t0 = performance.now();
      await h.flush();
      flushes.push(performance.now() - t0);
      await new Promise((r) => setImmediate(r));
      monitor.disable();
      delayMs = Math.max(delayMs, monitor.max / 1e6);
      walBytes = Math.max(walBytes, statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    }
    const rss = process.memoryUsage().rss;
    await h.close();
    return { flushes: flushes.length, longest: Math.max(...flushes), delayMs, walBytes, rss };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  console.log(JSON.stringify(await run(Number(process.argv[3]))));
} else {
  const rows = [];
  for (const [name, from] of [
    ['in the commit (default 500)', 500],
    ['worker from the first flush (0)', 0],
  ]) {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), 'child', String(from)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    if (child.status !== 0) throw new Error(`${name} failed`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1));
    rows.push({
      'checkpoints (100 containers)': name,
      flushes: r.flushes,
      'longest flush ms': r.longest.toFixed(1),
      'longest loop delay ms': r.delayMs.toFixed(1),
      'largest WAL MB': (r.walBytes / 1e6).toFixed(1),
      'RSS MB': (r.rss / 1e6).toFixed(1),
    });
  }
  printTable(rows);
}
