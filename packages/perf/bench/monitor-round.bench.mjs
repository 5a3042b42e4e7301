// What the monitor adds to a round at N containers, without reading anything: constructed
// collectors hand over N fresh cgroup-like readings a round (as the cgroup collector does), and
// `collect()` turns them into metrics, appends them to an in-memory history and evaluates the
// default rules. CPU per round (process.cpuUsage, GC included) after a warm-up.
// ARCBOX_BENCH_SIZES=100,1000, ARCBOX_BENCH_ROUNDS=600, ARCBOX_BENCH_WARMUP=300;
// ARCBOX_BENCH_DIST=/other/checkout/packages/perf/dist runs another build's monitor.
// Run: node packages/perf/bench/monitor-round.bench.mjs (after pnpm build).
import { pathToFileURL } from 'node:url';
import { emptyCpuTimes } from '@arcbox/perf-core';

const dist = process.env.ARCBOX_BENCH_DIST ?? new URL('../dist/', import.meta.url).pathname;
const { PerfMonitor } = await import(pathToFileURL(`${dist}/index.js`).href);
const sizes = (process.env.ARCBOX_BENCH_SIZES ?? '100,1000').split(',').map(Number);
const rounds = Number(process.env.ARCBOX_BENCH_ROUNDS ?? 600);
const warmup = Number(process.env.ARCBOX_BENCH_WARMUP ?? 300);
const T0 = Date.UTC(2026, 0, 1);

function systemReading(k) {
  const busy = k * 50;
  const times = (b, idle) => ({ ...emptyCpuTimes(), user: b, idle });
  return {
    monotonicMs: k * 1000,
    time: T0 + k * 1000,
    cpuCount: 2,
    cpu: { total: times(busy, k * 150), cores: [] },
    memory: null,
    disks: null,
    interfaces: null,
    load: { load1: 0.5, load5: 0.5, load15: 0.5 },
    pressure: null,
    problems: [],
  };
}

function containerReading(i, k) {
  return {
    monotonicMs: k * 1000,
    time: T0 + k * 1000,
    id: `arcbox-bench-${i}`,
    name: `arcbox-bench-${i}`,
    runtime: 'cgroup',
    source: 'cgroup',
    cgroupPath: `/arcbox-bench-${i}`,
    labels: {},
    cpuSeconds: k * 0.001 + i,
    systemCpuSeconds: null,
    cpuPeriods: 0,
    cpuThrottledPeriods: 0,
    cpuThrottledSeconds: 0,
    cpuLimitCores: null,
    hostCpuCount: 2,
    hostMemoryTotal: 2 ** 33,
    memoryUsage: 2 ** 20 + (k % 7) * 4096,
    memoryWorkingSet: 2 ** 19 + (k % 5) * 4096,
    memoryLimit: i % 10 === 0 ? 2 ** 28 : null,
    memoryOomKills: 0,
    memoryOomEvents: 0,
    memoryLimitHits: 0,
    memoryHighEvents: 0,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    blockReadOps: 0,
    blockWriteOps: 0,
    interfaces: null,
    pids: 1,
    pidsLimit: null,
    problems: [],
  };
}

const rows = [];
for (const n of sizes) {
  let k = 0;
  const monitor = new PerfMonitor({
    intervalMs: 1000,
    collectors: {
      system: { name: 'system', collect: async () => systemReading(k) },
      containers: {
        name: 'containers',
        collect: async () => Array.from({ length: n }, (_, i) => containerReading(i, k)),
      },
    },
  });
  for (; k < warmup; k++) await monitor.collect();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++, k++) await monitor.collect();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  rows.push({
    containers: n,
    'CPU ms a round': ((c.user + c.system) / 1000 / rounds).toFixed(3),
    'wall ms a round': (wall / rounds).toFixed(3),
    'us per container': ((c.user + c.system) / rounds / Math.max(1, n)).toFixed(2),
  });
  await monitor.close();
}
console.log(`${dist}: ${rounds} rounds after ${warmup}`);
console.table(rows);
