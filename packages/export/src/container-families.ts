import type { ContainerMetrics } from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import { type FamilySpec, uniqueBy, writeTable } from './family-table.js';
import type { MetricFamily } from './metric-family.js';
import type { SampleWriter } from './sample-writer.js';
import { METRIC_PREFIX } from './system-families.js';

const p = (name: string) => `${METRIC_PREFIX}_container_${name}`;

/** cAdvisor's names for the same things are in apps/agent/README.md. */
const containerSpecs: ReadonlyArray<FamilySpec<ContainerMetrics>> = [
  {
    name: `${METRIC_PREFIX}_container`,
    type: 'info',
    help: 'Container runtime, source and cgroup path.',
    value: () => 1,
    labels: (c) => ({ runtime: c.runtime, source: c.source, cgroup: c.cgroupPath ?? '' }),
  },
  {
    name: p('cpu_seconds'),
    type: 'counter',
    unit: 'seconds',
    help: 'CPU time used by the container.',
    value: (c) => c.cpuSeconds,
  },
  {
    name: p('cpu_throttled_periods'),
    type: 'counter',
    help: 'Enforcement periods in which the container was throttled.',
    value: (c) => c.cpuThrottledPeriods,
  },
  {
    name: p('cpu_throttled_seconds'),
    type: 'counter',
    unit: 'seconds',
    help: 'Time the container was throttled by its CPU quota.',
    value: (c) => c.cpuThrottledSeconds,
  },
  {
    name: p('cpu_limit_cores'),
    type: 'gauge',
    help: 'CPU quota in cores (absent when unlimited).',
    value: (c) => c.cpuLimitCores,
  },
  {
    name: p('memory_working_set_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Memory in use without inactive file cache (what docker stats shows).',
    value: (c) => c.memoryUsed,
  },
  {
    name: p('memory_usage_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Memory usage with page cache.',
    value: (c) => c.memoryUsage,
  },
  {
    name: p('memory_limit_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Memory limit (absent when unlimited).',
    value: (c) => c.memoryLimit,
  },
  {
    name: p('oom_kills'),
    type: 'counter',
    help: 'Processes of the container killed by the OOM killer (memory.events oom_kill, v1 memory.oom_control).',
    value: (c) => c.memoryOomKills,
  },
  {
    name: p('oom_events'),
    type: 'counter',
    help: 'Times the limit was hit and reclaim failed (cgroup v2 memory.events oom).',
    value: (c) => c.memoryOomEvents,
  },
  {
    name: p('memory_limit_hits'),
    type: 'counter',
    help: 'Times usage hit the memory limit (memory.events max, v1 memory.failcnt).',
    value: (c) => c.memoryLimitHits,
  },
  {
    name: p('memory_high_events'),
    type: 'counter',
    help: 'Times usage went past memory.high (cgroup v2 memory.events high).',
    value: (c) => c.memoryHighEvents,
  },
  {
    name: p('restarts'),
    type: 'counter',
    help: 'Restarts the container engine counted (its RestartCount).',
    value: (c) => c.restarts,
  },
  {
    name: p('block_read_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes the container read from block devices.',
    value: (c) => c.blockReadBytes,
  },
  {
    name: p('block_written_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes the container wrote to block devices.',
    value: (c) => c.blockWriteBytes,
  },
  {
    name: p('network_receive_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: "Bytes received on the container network namespace's non-loopback interfaces.",
    value: (c) => c.netRxBytes,
  },
  {
    name: p('network_transmit_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: "Bytes sent on the container network namespace's non-loopback interfaces.",
    value: (c) => c.netTxBytes,
  },
  {
    name: p('network_receive_packets'),
    type: 'counter',
    help: 'Packets received by the container.',
    value: (c) => c.netRxPackets,
  },
  {
    name: p('network_transmit_packets'),
    type: 'counter',
    help: 'Packets sent by the container.',
    value: (c) => c.netTxPackets,
  },
  // cAdvisor's container_accelerator_memory_used_bytes (per device; removed with its NVIDIA
  // support); ours is the sum over devices, from the compute apps attributed to the container.
  {
    name: p('gpu_memory_used_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'GPU memory held by the container’s processes, summed over devices (absent when unknown).',
    value: (c) => c.gpuMemoryBytes,
  },
  {
    name: p('pids'),
    type: 'gauge',
    help: 'Processes and threads in the container.',
    value: (c) => c.pids,
  },
  {
    name: p('pids_limit'),
    type: 'gauge',
    help: 'PID limit (absent when unlimited).',
    value: (c) => c.pidsLimit,
  },
];

/**
 * Per-container families, labelled `{id, name}`; runtime, source and cgroup path go to
 * `arcbox_perf_container_info` so that series stay few (cAdvisor's habit of putting every label
 * on every series is what makes its scrapes large). Two sources (cgroups and the Docker API)
 * reporting one container give one series.
 */
export function containerFamilies(containers: ReadonlyArray<ContainerMetrics>): MetricFamily[] {
  return collectFamilies((writer) => writeContainers(writer, containers));
}

/** `containerFamilies` through a writer. */
export function writeContainers(
  writer: SampleWriter,
  containers: ReadonlyArray<ContainerMetrics>,
): void {
  writeTable(
    writer,
    containerSpecs,
    uniqueBy(containers, (c) => c.id),
    (c) => ({ id: c.id, name: c.name }),
  );
}
