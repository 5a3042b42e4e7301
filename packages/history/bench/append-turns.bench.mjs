// The longest turns of the store's append at 1,000 containers (issue 15's whole-run event-loop
// delay): 180 rounds, a flush to SQLite every 10, the start placed so minutes end at rounds 30,
// 90 and 150 and the raw ring's 120-row segments (started together) would seal at round 120.
// Prints the longest append turns labelled by what else fell in them, and the event loop's
// longest delay from round 10 on (monitorEventLoopDelay).
// Run: node bench/append-turns.bench.mjs (after pnpm build); RUNS=5 for more runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fieldsOf } from '../dist/index.js';
import { openSqliteHistory } from '../dist/sqlite.js';
import { median, printTable } from './constructed-load.js';
import { agentHistoryConfig } from './synthesize-history.js';

const runs = Number(process.env.RUNS ?? 3);
const fields = fieldsOf('container');

async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-turns-'));
  const h = await openSqliteHistory({
    path: join(dir, 'turns.sqlite'),
    flushIntervalMs: 0,
    config: agentHistoryConfig(1),
  });
  const metrics = Array.from({ length: 1000 }, (_, c) => ({
    ...Object.fromEntries(fields.map((f, j) => [f, j * 1000 + c])),
    id: `k${c}`,
    name: `k${c}`,
    labels: {},
    timestamp: 0,
    monotonicMs: 0,
  }));
  const start = Math.floor(Date.now() / 60_000) * 60_000 - 270_000;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const turns = [];
  for (let s = 0; s < 180; s++) {
    if (s === 10) delay.enable();
    for (const m of metrics) m.timestamp = m.monotonicMs = start + s * 1000;
    const t0 = performance.now();
    h.store.appendSample({ containers: metrics });
    turns.push({ ms: performance.now() - t0, s });
    if (s % 10 === 9) await h.flush();
    await new Promise((r) => setImmediate(r));
  }
  delay.disable();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
  const at = (s) => turns[s].ms;
  const rest = turns.filter((t) => t.s >= 10 && ![30, 90, 150, 120].includes(t.s)).map((t) => t.ms);
  return {
    firstMinute: at(30),
    laterMinutes: Math.max(at(90), at(150)),
    round120: at(120),
    other: Math.max(...rest),
    otherMedian: median(rest),
    loop: delay.max / 1e6,
  };
}

const results = [];
for (let i = 0; i < runs; i++) results.push(await run());
const col = (k) =>
  `${median(results.map((r) => r[k])).toFixed(1)} (${results.map((r) => r[k].toFixed(1)).join(', ')})`;
printTable([
  {
    'append, first minute end ms': col('firstMinute'),
    'append, later minute ends ms': col('laterMinutes'),
    'append, round 120 ms': col('round120'),
    'append, other rounds max ms': col('other'),
    'append, other rounds median ms': col('otherMedian'),
    'event-loop delay max ms': col('loop'),
  },
]);
