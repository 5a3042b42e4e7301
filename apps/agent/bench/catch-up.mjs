// Catching up from history after a 1-hour receiver outage, in this process with the agent's own
// parts: a history store holding an hour of 1 Hz rounds of the host and 100 containers
// (constructed readings, counters growing each round), read back by `createHistoryCatchUp` and
// sent by `createRemoteWriter` to a receiver here that decodes every request. Side by side in the
// same run: encoding the same rounds live (the agent's families from the same metrics, one
// `createFamiliesEncoder` round each), the cost a push of those rounds would have had anyway.
// Figures: samples/s, CPU (% of one core; samples per CPU second is the figure that does not
// depend on what else the machine runs) and the RSS reached while catching up.
// Run: node apps/agent/bench/catch-up.mjs (after pnpm build). ARCBOX_BENCH_ROUNDS (3600).
import {
  computeContainerMetrics,
  computeSystemMetrics,
  createKindRegistry,
  defaultKinds,
} from '@arcbox/perf-core';
import { kindFamilies } from '@arcbox/perf-export';
import { createHistoryStore } from '@arcbox/perf-history';
import {
  createFamiliesEncoder,
  createHistoryCatchUp,
  createRemoteWriter,
} from '@arcbox/perf-remote-write';
import { table } from './support/bench-support.mjs';
import { startWriteReceiver } from './support/write-receiver.mjs';

const ROUNDS = Number(process.env.ARCBOX_BENCH_ROUNDS ?? 3600);
const CONTAINERS = 100;
const T0 = Date.now() - (ROUNDS + 5) * 1000;
const kinds = createKindRegistry(defaultKinds());

const times = (k) => ({
  user: 10 * k,
  nice: 1,
  system: 5 * k,
  idle: 100 * k,
  iowait: 2,
  irq: 0.5,
  softirq: 0.25,
  steal: 0,
  guest: 0,
  guestNice: 0,
});
const systemReading = (k) => ({
  platform: 'linux',
  monotonicMs: k * 1000,
  time: T0 + k * 1000 + 2,
  cpuCount: 2,
  cpu: {
    total: times(k),
    cores: [
      { id: 0, times: times(k) },
      { id: 1, times: times(k) },
    ],
  },
  memory: {
    total: 8 * 2 ** 30,
    available: 6 * 2 ** 30 - (k % 97) * 4096,
    used: 2 * 2 ** 30 + (k % 97) * 4096,
    free: 4 * 2 ** 30,
    cached: 2 ** 30,
    buffers: 2 ** 20,
    shared: 2 ** 20,
    swapTotal: 0,
    swapFree: 0,
    swapUsed: 0,
    app: null,
    wired: null,
    compressed: null,
    availableEstimated: false,
    missing: [],
  },
  disks: [],
  interfaces: [],
  load: { load1: (k % 10) / 10, load5: 0.25, load15: 0.125 },
  pressure: null,
  problems: [],
});
const containerReading = (i, k) => ({
  id: `c${i}`,
  name: `app-${i}`,
  runtime: 'cgroup',
  source: 'cgroup',
  cgroupPath: `/bench/c${i}`,
  labels: {},
  monotonicMs: k * 1000,
  time: T0 + k * 1000 + 4,
  cpuSeconds: 0.01 * i * k,
  systemCpuSeconds: null,
  cpuPeriods: null,
  cpuThrottledPeriods: null,
  cpuThrottledSeconds: null,
  cpuLimitCores: null,
  hostCpuCount: 2,
  hostMemoryTotal: 8 * 2 ** 30,
  memoryUsage: 2 ** 20 * (i + 1),
  memoryWorkingSet: 2 ** 19 * (i + 1) + (k % 13) * 4096,
  memoryLimit: null,
  blockReadBytes: 100 * k,
  blockWriteBytes: 200 * k,
  blockReadOps: k,
  blockWriteOps: k,
  interfaces: null,
  pids: 3,
  pidsLimit: null,
  problems: [],
});
const round = (k) => ({
  system: computeSystemMetrics(systemReading(k - 1), systemReading(k)),
  containers: Array.from({ length: CONTAINERS }, (_, i) =>
    computeContainerMetrics(containerReading(i, k - 1), containerReading(i, k)),
  ),
});

// The agent's history config with persistence off: raw rows for the last hour in memory.
const history = createHistoryStore({ kinds, sampleIntervalMs: 1000, maxAgeMs: 3_600_000 + 10_000 });
for (let k = 1; k <= ROUNDS; k++) history.appendSample(round(k));
const latest = round(ROUNDS + 1);

const receiver = await startWriteReceiver();
const { wire } = receiver;

const baseRss = process.memoryUsage().rss;
let maxRss = baseRss;
const watch = setInterval(() => {
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
}, 50);

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const writer = createRemoteWriter({
  target: { url: receiver.url, timeoutMs: 30_000 },
  intervalMs: 60_000,
  maxQueuedSamples: 2_000_000,
  maxBatchSamples: 20_000,
  minBackoffMs: 500,
  maxBackoffMs: 30_000,
  log: (l) => console.log(l),
  ackedMs: T0,
  catchUp: createHistoryCatchUp({
    history,
    kinds,
    latest: () => latest,
    externalLabels: { instance: 'bench' },
    intervalMs: 1000,
    maxBatchSamples: 20_000,
    log: (l) => console.log(l),
  }),
});
const live = createFamiliesEncoder({ instance: 'bench' });
const now = live.encode(kindFamilies(kinds, latest), T0 + (ROUNDS + 1) * 1000);
writer.pushEncoded(now, now.series);
await writer.flush();
const wall = (performance.now() - t0) / 1000;
const cpu1 = process.cpuUsage(cpu0);
clearInterval(watch);
const caught = writer.stats().caughtUpSamples;
await writer.close();

// The peer: building and encoding the same rounds live (what pushing them as they happened costs).
const c0 = process.cpuUsage();
const l0 = performance.now();
let liveSamples = 0;
const encoder = createFamiliesEncoder({ instance: 'bench' });
for (let k = 1; k <= ROUNDS; k += 10) {
  const r = encoder.encode(kindFamilies(kinds, round(k)), T0 + k * 1000);
  liveSamples += r.series;
}
const liveWall = (performance.now() - l0) / 1000;
const liveCpu = process.cpuUsage(c0);
receiver.close();

console.log(
  `${ROUNDS} rounds of the host and ${CONTAINERS} containers at 1 Hz caught up after an outage`,
);
table([
  [
    'what',
    'samples',
    'seconds',
    'samples/s',
    'CPU % of a core',
    'samples per CPU second',
    'RSS (MB)',
  ],
  [
    `catch-up from history and send (${wire.requests} requests)`,
    caught,
    wall.toFixed(2),
    Math.round(caught / wall),
    ((100 * (cpu1.user + cpu1.system)) / 1e6 / wall).toFixed(0),
    Math.round(caught / ((cpu1.user + cpu1.system) / 1e6)),
    `${(baseRss / 1e6).toFixed(0)} -> ${(maxRss / 1e6).toFixed(0)}`,
  ],
  [
    'peer: build and encode the same rounds live (every 10th)',
    liveSamples,
    liveWall.toFixed(2),
    Math.round(liveSamples / liveWall),
    ((100 * (liveCpu.user + liveCpu.system)) / 1e6 / liveWall).toFixed(0),
    Math.round(liveSamples / ((liveCpu.user + liveCpu.system) / 1e6)),
    '',
  ],
]);
console.log(
  `bytes on the wire per caught-up sample: ${(wire.bytes / wire.samples).toFixed(2)} (receiver in this process decodes each request: its CPU is counted too)`,
);
