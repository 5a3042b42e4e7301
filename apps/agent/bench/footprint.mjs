// Agent footprint at 1 Hz with system + 100 containers (cgroups made here, one sleeper each) +
// history + rules and no scrapes, on a host of ARCBOX_BENCH_PROCESSES (300) processes (idle
// sleepers are added to get there), side by side with an idle Node timer and node_exporter scraped at 1 Hz, over the same
// window. CPU is % of one core (utime + stime from /proc/<pid>/stat), RSS from /proc/<pid>/status.
// Two windows: the first minute (from 5 s after start: V8 is still compiling the once-a-second
// code then) and a minute of the steady state a daemon spends its life in (from
// ARCBOX_BENCH_WARMUP seconds after start, 180 by default).
// ARCBOX_BENCH_BASELINE=/path/to/another/checkout/apps/agent/dist/main.js runs that agent too,
// on the same cgroups in the same windows: a before/after comparison in one run.
// Run: pnpm bench -- agent (as root; ARCBOX_BENCH_SECONDS=60 by default).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  canMakeCgroups,
  cpuSeconds,
  fillProcesses,
  makeCgroups,
  processCount,
  median,
  rssBytes,
  startAgent,
  startIdleNode,
  startNodeExporter,
  table,
} from './support/bench-support.mjs';

const seconds = Number(process.env.ARCBOX_BENCH_SECONDS ?? 60);
const warmup = Number(process.env.ARCBOX_BENCH_WARMUP ?? 180);
const containers = 100;
const processTarget = Number(process.env.ARCBOX_BENCH_PROCESSES ?? 300);
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make 100 cgroups');
  process.exit(0);
}

const prefix = `arcbox-bench-${process.pid}`;
const cgroups = await makeCgroups(prefix, containers);
const filler = fillProcesses(processTarget);
const agent = await startAgent(
  `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\nhistory: { flushInterval: 10s }\n`,
);
const baselineMain = process.env.ARCBOX_BENCH_BASELINE;
const baseline = baselineMain
  ? await startAgent(
      `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\nhistory: { flushInterval: 10s }\n`,
      { main: baselineMain },
    )
  : null;
// The same agent with the processes source off: what reading every process each round costs.
const noProcesses = await startAgent(
  `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\n  processes: { enabled: false }\nhistory: { flushInterval: 10s }\n`,
);
const idle = startIdleNode();
// Resolved from the agent's own dependencies, so the bare collectors are the ones the agent runs.
const collectorsOnly = spawn(
  process.execPath,
  [
    fileURLToPath(new URL('./support/collectors-only.mjs', import.meta.url)),
    JSON.stringify([`/${prefix}-*`]),
  ],
  { stdio: 'ignore' },
);
const exporter = await startNodeExporter();
try {
  const snapshot = await (await fetch(`${agent.url}/api/v1/snapshot`)).json();
  if (snapshot.containers.length < containers)
    throw new Error(`agent sees ${snapshot.containers.length} containers`);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, 5000));
  const procs = [
    ['arcbox-perf-agent (1 Hz, 100 containers, history, rules)', agent.child.pid],
    ...(baseline ? [['the same, baseline build (ARCBOX_BENCH_BASELINE)', baseline.child.pid]] : []),
    ['the same agent with sources.processes off', noProcesses.child.pid],
    ['idle Node timer', idle.pid],
    ['same Linux collectors alone at 1 Hz (bare Node)', collectorsOnly.pid],
    ...(exporter ? [['node_exporter scraped at 1 Hz', exporter.child.pid]] : []),
  ];
  const window = async () => {
    const start = procs.map(([, pid]) => cpuSeconds(pid));
    const rss = procs.map(() => []);
    const t0 = performance.now();
    for (let s = 0; s < seconds; s += 1) {
      const tick = performance.now();
      if (exporter) await (await fetch(`${exporter.url}/metrics`)).text();
      for (const [i, [, pid]] of procs.entries()) rss[i].push(rssBytes(pid));
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - tick))));
    }
    const wall = (performance.now() - t0) / 1000;
    return {
      wall,
      rss,
      cpu: procs.map(([, pid], i) => (100 * (cpuSeconds(pid) - start[i])) / wall),
    };
  };
  const idleAt = procs.findIndex(([name]) => name === 'idle Node timer');
  const first = await window();
  const rest = warmup * 1000 - (performance.now() - started);
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  const steady = await window();
  const rows = [
    [
      'process',
      'CPU % first minute',
      `CPU % after ${warmup} s`,
      'RSS median (MB)',
      'RSS max (MB)',
      'CPU vs idle Node',
    ],
  ];
  procs.forEach(([name], i) => {
    const rss = [...first.rss[i], ...steady.rss[i]];
    rows.push([
      name,
      first.cpu[i].toFixed(2),
      steady.cpu[i].toFixed(2),
      (median(rss) / 1e6).toFixed(1),
      (Math.max(...rss) / 1e6).toFixed(1),
      steady.cpu[idleAt] > 0 ? `${(steady.cpu[i] / steady.cpu[idleAt]).toFixed(1)}x` : 'n/a',
    ]);
  });
  console.log(
    `two ${seconds} s windows, ${snapshot.containers.length} containers, ${processCount()} processes on the host, 1 sample/s; goal: agent under 0.5 % and 96 MB, and under node_exporter with processes on`,
  );
  table(rows);
} finally {
  await exporter?.stop();
  idle.kill();
  collectorsOnly.kill();
  await agent.stop();
  await baseline?.stop();
  await noProcesses.stop();
  await filler.stop();
  await cgroups.remove();
}
