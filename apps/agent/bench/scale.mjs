// Issue 15's scale figures: agents at N = 10, 100 and 1,000 containers (cgroups made here, one
// sleeping process each), 1 Hz, history and the default rules, side by side in one run. Reported:
// CPU (% of one core) and RSS after the warm-up, and CPU per container above an agent with none
// (N = 0, the same agent reading only the host) as a ratio to N = 10's (goal: flat within 1.5x;
// 1,000 containers at most 2 % of a core). The processes source is off:
// its cost follows the number of processes, not of containers (footprint.mjs measures it).
// ARCBOX_BENCH_SIZES=0,10,100,1000, ARCBOX_BENCH_SECONDS=60, ARCBOX_BENCH_WARMUP=60;
// ARCBOX_BENCH_PROFILE=<dir> writes a --cpu-prof of the largest agent there;
// ARCBOX_BENCH_BASELINE=/path/to/another/checkout/apps/agent/dist/main.js runs that agent too on
// the largest N's cgroups, in the same window: a before/after comparison in one run.
// Run: node apps/agent/bench/scale.mjs (as root, after pnpm build).
import {
  canMakeCgroups,
  cpuSeconds,
  makeCgroups,
  median,
  rssBytes,
  startAgent,
  table,
} from './support/bench-support.mjs';

const sizes = (process.env.ARCBOX_BENCH_SIZES ?? '0,10,100,1000').split(',').map(Number);
const seconds = Number(process.env.ARCBOX_BENCH_SECONDS ?? 60);
const warmup = Number(process.env.ARCBOX_BENCH_WARMUP ?? 60);
const profile = process.env.ARCBOX_BENCH_PROFILE;
const baselineMain = process.env.ARCBOX_BENCH_BASELINE;
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make cgroups');
  process.exit(0);
}

const groups = [];
const agents = [];
const config = (prefix) =>
  `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\n  processes: { enabled: false }\nhistory: { flushInterval: 10s }\n`;
try {
  for (const n of sizes) {
    const prefix = `arcbox-scale-${process.pid}-${n}`;
    groups.push(await makeCgroups(prefix, n));
    const largest = n === Math.max(...sizes);
    agents.push(
      await startAgent(config(prefix), {
        nodeArgs: profile && largest ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
      }),
    );
  }
  if (baselineMain) {
    const n = Math.max(...sizes);
    sizes.push(n);
    agents.push(
      await startAgent(config(`arcbox-scale-${process.pid}-${n}`), { main: baselineMain }),
    );
  }
  for (const [i, a] of agents.entries()) {
    const snapshot = await (await fetch(`${a.url}/api/v1/snapshot`)).json();
    if (snapshot.containers.length < sizes[i])
      throw new Error(`agent ${sizes[i]} sees ${snapshot.containers.length} containers`);
  }
  await new Promise((r) => setTimeout(r, warmup * 1000));
  const pids = agents.map((a) => a.child.pid);
  const start = pids.map(cpuSeconds);
  const rss = pids.map(() => []);
  const t0 = performance.now();
  for (let s = 0; s < seconds; s += 1) {
    for (const [i, pid] of pids.entries()) rss[i].push(rssBytes(pid));
    await new Promise((r) => setTimeout(r, 1000));
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = pids.map((pid, i) => (100 * (cpuSeconds(pid) - start[i])) / wall);
  // Above the agent without containers where there is one; the whole figure otherwise.
  const base = sizes.indexOf(0) >= 0 ? cpu[sizes.indexOf(0)] : 0;
  const per = cpu.map((c, i) => (sizes[i] > 0 ? (c - base) / sizes[i] : Number.NaN));
  const first = per.find((p) => !Number.isNaN(p));
  const load = (await import('node:os')).loadavg()[0];
  console.log(
    `${seconds} s after ${warmup} s of warm-up, 1 sample/s, processes off; load average ${load.toFixed(2)} on ${(await import('node:os')).cpus().length} cores`,
  );
  table([
    [
      'containers',
      'CPU % of a core',
      'CPU % per 100 containers (above N = 0)',
      'vs the smallest N',
      'RSS median MB',
    ],
    ...sizes.map((n, i) => [
      baselineMain && i === sizes.length - 1 ? `${n} (baseline build)` : n,
      cpu[i].toFixed(2),
      n > 0 ? (per[i] * 100).toFixed(3) : '',
      n > 0 ? `${(per[i] / first).toFixed(2)}x` : '',
      (median(rss[i]) / 1e6).toFixed(1),
    ]),
  ]);
} finally {
  for (const a of agents) await a.stop();
  for (const g of groups) await g.remove();
}
