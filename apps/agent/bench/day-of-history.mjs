// The agent holding a day of history: its SQLite state is filled first with 24 h at 1 Hz of the
// system and 100 containers (the history benchmark's constructed load, ids of the cgroups made
// here, ending now), then the agent starts on it, loads it and samples those cgroups at 1 Hz.
// Reported: RSS and CPU each minute. (Issue 6's 128 MB goal, for a process holding the history,
// is measured by packages/history/bench/memory.bench.mjs; this is everything the agent adds.) Run: node apps/agent/bench/day-of-history.mjs (as root; builds first).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteHistory } from '@arcbox/perf-history/sqlite';
import { DAY_SECONDS, fillDay, T0 } from '../../../packages/history/bench/fill-day.js';
import {
  canMakeCgroups,
  cpuSeconds,
  makeCgroups,
  rssBytes,
  startAgent,
  table,
} from './support/bench-support.mjs';

const minutes = Number(process.env.ARCBOX_BENCH_MINUTES ?? 3);
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make 100 cgroups');
  process.exit(0);
}

const prefix = `arcbox-day-${process.pid}`;
const cgroups = await makeCgroups(prefix, 100);
const dir = await mkdtemp(join(tmpdir(), 'arcbox-day-'));
const stateDir = join(dir, 'state');
await mkdir(stateDir);
let agent;
try {
  const filled = performance.now();
  const history = await openSqliteHistory({
    path: join(stateDir, 'history.sqlite'),
    flushIntervalMs: 0,
  });
  // The day ends a second ago; container c<i> of the load is the cgroup /<prefix>-<i>.
  const shift = Date.now() - 1000 - (T0 + (DAY_SECONDS - 1) * 1000);
  // Ten seconds at a time, each followed by a flush, as the agent writes its chunks.
  for (let window = 0; window < DAY_SECONDS / 10; window++) {
    fillDay(
      {
        appendSample(sample) {
          const moved = shift + window * 10_000;
          sample.system.timestamp += moved;
          for (const c of sample.containers) {
            const i = c.id.slice(1);
            c.id = `/${prefix}-${i}`;
            c.name = `${prefix}-${i}`;
            c.timestamp += moved;
          }
          history.store.appendSample(sample);
        },
      },
      { seconds: 10 },
    );
    await history.flush();
  }
  await history.close();
  const fillSeconds = (performance.now() - filled) / 1000;

  agent = await startAgent(
    `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\nhistory: { flushInterval: 10s }\n`,
    { stateDir },
  );
  const series = (await (await fetch(`${agent.url}/api/v1/series`)).json()).series.length;
  const rows = [['minute', 'RSS (MB)', 'CPU % of a core']];
  let c0 = cpuSeconds(agent.child.pid);
  for (let m = 1; m <= minutes; m++) {
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 60_000));
    const c1 = cpuSeconds(agent.child.pid);
    rows.push([
      String(m),
      (rssBytes(agent.child.pid) / 1e6).toFixed(1),
      ((100 * (c1 - c0)) / ((performance.now() - t0) / 1000)).toFixed(2),
    ]);
    c0 = c1;
  }
  console.log(
    `the whole agent (collectors, server, SQLite) on a day of history: system + 100 containers at 1 Hz, default tiers, filled in ${fillSeconds.toFixed(0)} s, ${series} series loaded`,
  );
  table(rows);
} finally {
  await agent?.stop();
  await cgroups.remove();
  await rm(dir, { recursive: true, force: true });
}
