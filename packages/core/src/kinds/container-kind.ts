import type { AlertRule } from '../alert-rule.js';
import { computeContainerMetrics } from '../compute-container-metrics.js';
import type { ContainerMetrics } from '../container-metrics.js';
import type { ContainerReading } from '../container-reading.js';
import type { LifecycleEvent, LifecycleEventType } from '../lifecycle-event.js';
import { field, type KindDescriptor } from './kind-descriptor.js';

const f = field<ContainerMetrics>;

/** Netdata's cgroup memory alarm, kube-prometheus' container rules. */
const containerRules: readonly AlertRule[] = [
  {
    name: 'container-memory-near-limit',
    description: 'Container working set above 90 % of its memory limit for 5 minutes',
    target: 'container',
    field: 'memoryPercent',
    match: { facts: { memoryLimited: true } },
    comparison: '>',
    warn: 90,
    crit: 98,
    clear: 80,
    windowSeconds: 60,
    windowAggregation: 'avg',
    forSeconds: 5 * 60,
  },
  {
    // Fires on the round a kill is counted; resolves once 5 minutes pass without another.
    name: 'container-oom-killed',
    description: 'A process of the container was killed by the OOM killer',
    target: 'container',
    field: 'memoryOomKillsNew',
    comparison: '>',
    warn: null,
    crit: 0,
    clear: null,
    windowSeconds: 5 * 60,
    windowAggregation: 'max',
    forSeconds: 0,
  },
  {
    name: 'container-restarting',
    description: 'Container restarted more than twice in 10 minutes',
    target: 'container',
    field: 'restartsNew',
    comparison: '>',
    warn: 2,
    crit: 5,
    clear: null,
    windowSeconds: 10 * 60,
    windowAggregation: 'sum',
    forSeconds: 0,
  },
];

/** One series per container (a cgroup, or an engine's container), `container:<id>`. */
export const containerKind: KindDescriptor<ContainerReading, ContainerMetrics> = {
  name: 'container',
  sampleKey: 'containers',
  title: 'Containers',
  singleton: false,
  keyOf: (r) => r.id,
  compute: computeContainerMetrics,
  // The metrics carry their identity's fields: no object per series per round (history and
  // alerts ask for it every round).
  identity: (m) => m,
  fields: [
    f('cpuPercent', 'percent', 'CPU busy, 100 = one core (as docker stats shows it).'),
    f('cpuPercentOfHost', 'percent', 'CPU busy, share of the host’s online CPUs.'),
    f('cpuSeconds', 'seconds', 'CPU time used since the container started.'),
    f('cpuThrottledPercent', 'percent', 'Share of CPU quota periods that were throttled.'),
    f('memoryUsed', 'bytes', 'Working set: usage minus inactive file cache.'),
    f('memoryUsage', 'bytes', 'Memory usage with page cache.'),
    f('memoryLimit', 'bytes', 'Memory limit (null when unlimited).'),
    f('memoryPercent', 'percent', 'Working set, share of the limit (of host memory without one).'),
    f('blockReadBytes', 'bytes', 'Bytes read from block devices.'),
    f('blockWriteBytes', 'bytes', 'Bytes written to block devices.'),
    f('blockReadBps', 'bytes/s', 'Block read throughput.'),
    f('blockWriteBps', 'bytes/s', 'Block write throughput.'),
    f('blockReadIops', 'ops/s', 'Block reads per second.'),
    f('blockWriteIops', 'ops/s', 'Block writes per second.'),
    f('netRxBytes', 'bytes', 'Bytes received in the container’s network namespace.'),
    f('netTxBytes', 'bytes', 'Bytes sent from the container’s network namespace.'),
    f('netRxBps', 'bytes/s', 'Network receive throughput.'),
    f('netTxBps', 'bytes/s', 'Network transmit throughput.'),
    f('netRxPps', 'packets/s', 'Packets received per second.'),
    f('netTxPps', 'packets/s', 'Packets sent per second.'),
    f('pids', 'count', 'Processes and threads in the container.'),
    f('pidsLimit', 'count', 'Process limit (null when unlimited).'),
    f('cpuPercentOfLimit', 'percent', 'CPU busy, share of the container’s CPU quota.'),
    f('cpuThrottledPeriodsPerSecond', 'events/s', 'CPU quota periods throttled per second.'),
    f('cpuThrottledSecondsPerSecond', 'cores', 'Time throttled per second (summed over CPUs).'),
    f('memoryOomKills', 'count', 'Processes killed by the OOM killer since the cgroup was made.'),
    f('memoryOomKillsNew', 'count', 'OOM kills in the interval.'),
    f('memoryOomEvents', 'count', 'Times the limit was hit and reclaim failed (cgroup v2).'),
    f('memoryLimitHits', 'count', 'Times usage hit the memory limit.'),
    f('memoryLimitHitsPerSecond', 'events/s', 'Times per second usage hit the memory limit.'),
    f('memoryHighEvents', 'count', 'Times usage went past memory.high (cgroup v2).'),
    f('restarts', 'count', 'Restarts the engine counted (null without an engine).'),
    f('restartsNew', 'count', 'Restarts in the interval.'),
    f('gpuMemoryBytes', 'bytes', 'GPU memory held by the container’s processes.'),
  ],
  facts: { memoryLimited: (m) => m.memoryLimit !== null },
  events: containerEvents,
  defaultRules: containerRules,
};

const noEvents: LifecycleEvent[] = [];

/** An OOM kill or restart counter that moved since the last reading is an event. */
function containerEvents(m: ContainerMetrics): LifecycleEvent[] {
  const kills = m.memoryOomKillsNew ?? 0;
  const restarts = m.restartsNew ?? 0;
  if (kills <= 0 && restarts <= 0) return noEvents;
  const event = (type: LifecycleEventType, count: number): LifecycleEvent => ({
    time: m.timestamp,
    type,
    kind: 'container',
    id: m.id,
    name: m.name,
    source: 'counter',
    count,
    memoryLimit: m.memoryLimit,
    exitCode: null,
  });
  const out: LifecycleEvent[] = [];
  if (kills > 0) out.push(event('oom-kill', kills));
  if (restarts > 0) out.push(event('restart', restarts));
  return out;
}
