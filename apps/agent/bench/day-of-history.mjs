// The agent holding a day of history: its SQLite state is filled first with 24 h at 1 Hz of the
// system and 100 containers (the history benchmark's constructed load, ids of the cgroups made
// here, ending now), then the agent starts on it, loads it and samples those cgroups at 1 Hz.
// Reported: RSS and CPU each minute. (Issue 6's 128 MB goal, for a process holding the history,
// is measured by packages/history/bench/memory.bench.mjs; this is everything the agent adds.)
// ARCBOX_BENCH_VARIANTS='name|flags|main.js;...' runs one agent per variant at once, each on its
// own copy of the day, with those Node flags after the agent's own (the last of a flag wins) and
// that build's main.js (empty: this checkout's), so a change is measured side by side on the same
// machine's load.
// Run: node apps/agent/bench/day-of-history.mjs (as root; builds first).
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
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
const variants = (process.env.ARCBOX_BENCH_VARIANTS ?? 'agent|').split(';').map((v) => {
  const [name, flags, main] = v.split('|');
  return { name, flags: flags ? flags.split(' ') : [], main: main || undefined };
});
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make 100 cgroups');
  process.exit(0);
}

const prefix = `arcbox-day-${process.pid}`;
const cgroups = await makeCgroups(prefix, 100);
const dir = await mkdtemp(join(tmpdir(), 'arcbox-day-'));
const stateDir = join(dir, 'state');
await mkdir(stateDir);
const agents = [];
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

  // Each variant on its own copy of the day: agents do not share a database.
  for (const [i, v] of variants.entries()) {
    const own = join(dir, `state-${i}`);
    await cp(stateDir, own, { recursive: true });
    v.agent = await startAgent(
      `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\nhistory: { flushInterval: 10s }\n`,
      { stateDir: own, nodeArgs: v.flags, main: v.main },
    );
    agents.push(v.agent);
  }
  const first = variants[0].agent;
  const series = (await (await fetch(`${first.url}/api/v1/series`)).json()).series.length;
  const rows = [
    ['minute', ...variants.flatMap((v) => [`${v.name}: RSS (MB)`, `${v.name}: CPU % of a core`])],
  ];
  let c0 = variants.map((v) => cpuSeconds(v.agent.child.pid));
  for (let m = 1; m <= minutes; m++) {
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 60_000));
    const c1 = variants.map((v) => cpuSeconds(v.agent.child.pid));
    const seconds = (performance.now() - t0) / 1000;
    rows.push([
      String(m),
      ...variants.flatMap((v, i) => [
        (rssBytes(v.agent.child.pid) / 1e6).toFixed(1),
        ((100 * (c1[i] - c0[i])) / seconds).toFixed(2),
      ]),
    ]);
    c0 = c1;
  }
  console.log(
    `the whole agent (collectors, server, SQLite) on a day of history: system + 100 containers at 1 Hz, default tiers, filled in ${fillSeconds.toFixed(0)} s, ${series} series loaded${variants.length > 1 ? `; variants: ${variants.map((v) => `${v.name} (${[...v.flags, v.main ?? 'this build'].join(' ')})`).join(', ')}` : ''}`,
  );
  table(rows);
} finally {
  for (const a of agents) await a.stop();
  await cgroups.remove();
  await rm(dir, { recursive: true, force: true });
}
