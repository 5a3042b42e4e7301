import type { ContainerMetrics } from '@arcbox/perf-core';
import { createFamily, type MetricFamily } from './metric-family.js';
import { METRIC_PREFIX } from './system-families.js';

const p = (name: string) => `${METRIC_PREFIX}_container_${name}`;

/**
 * Per-container families, labelled `{id, name}`; runtime, source and cgroup path go to
 * `arcbox_perf_container_info` so that series stay few (cAdvisor's habit of putting every label
 * on every series is what makes its scrapes large).
 */
export function containerFamilies(containers: ReadonlyArray<ContainerMetrics>): MetricFamily[] {
  const info = createFamily(
    `${METRIC_PREFIX}_container`,
    'info',
    'Container runtime, source and cgroup path.',
  );
  const cpu = createFamily(
    p('cpu_seconds'),
    'counter',
    'CPU time used by the container.',
    'seconds',
  );
  const throttledPeriods = createFamily(
    p('cpu_throttled_periods'),
    'counter',
    'Enforcement periods in which the container was throttled.',
  );
  const throttled = createFamily(
    p('cpu_throttled_seconds'),
    'counter',
    'Time the container was throttled by its CPU quota.',
    'seconds',
  );
  const cpuLimit = createFamily(
    p('cpu_limit_cores'),
    'gauge',
    'CPU quota in cores (absent when unlimited).',
  );
  const workingSet = createFamily(
    p('memory_working_set_bytes'),
    'gauge',
    'Memory in use without inactive file cache (what docker stats shows).',
    'bytes',
  );
  const usage = createFamily(
    p('memory_usage_bytes'),
    'gauge',
    'Memory usage with page cache.',
    'bytes',
  );
  const limit = createFamily(
    p('memory_limit_bytes'),
    'gauge',
    'Memory limit (absent when unlimited).',
    'bytes',
  );
  const blkRead = createFamily(
    p('block_read_bytes'),
    'counter',
    'Bytes the container read from block devices.',
    'bytes',
  );
  const blkWritten = createFamily(
    p('block_written_bytes'),
    'counter',
    'Bytes the container wrote to block devices.',
    'bytes',
  );
  const rxBytes = createFamily(
    p('network_receive_bytes'),
    'counter',
    "Bytes received on the container network namespace's non-loopback interfaces.",
    'bytes',
  );
  const txBytes = createFamily(
    p('network_transmit_bytes'),
    'counter',
    "Bytes sent on the container network namespace's non-loopback interfaces.",
    'bytes',
  );
  const rxPackets = createFamily(
    p('network_receive_packets'),
    'counter',
    'Packets received by the container.',
  );
  const txPackets = createFamily(
    p('network_transmit_packets'),
    'counter',
    'Packets sent by the container.',
  );
  const pids = createFamily(p('pids'), 'gauge', 'Processes and threads in the container.');
  const pidsLimit = createFamily(p('pids_limit'), 'gauge', 'PID limit (absent when unlimited).');

  const seen = new Set<string>();
  for (const c of containers) {
    // Two sources (cgroups and the Docker API) may report one container: one series each.
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const labels = { id: c.id, name: c.name };
    info.add(
      { id: c.id, name: c.name, runtime: c.runtime, source: c.source, cgroup: c.cgroupPath ?? '' },
      1,
    );
    cpu.add(labels, c.cpuSeconds);
    throttledPeriods.add(labels, c.cpuThrottledPeriods);
    throttled.add(labels, c.cpuThrottledSeconds);
    cpuLimit.add(labels, c.cpuLimitCores);
    workingSet.add(labels, c.memoryUsed);
    usage.add(labels, c.memoryUsage);
    limit.add(labels, c.memoryLimit);
    blkRead.add(labels, c.blockReadBytes);
    blkWritten.add(labels, c.blockWriteBytes);
    rxBytes.add(labels, c.netRxBytes);
    txBytes.add(labels, c.netTxBytes);
    rxPackets.add(labels, c.netRxPackets);
    txPackets.add(labels, c.netTxPackets);
    pids.add(labels, c.pids);
    pidsLimit.add(labels, c.pidsLimit);
  }
  return [
    info.family,
    cpu.family,
    throttledPeriods.family,
    throttled.family,
    cpuLimit.family,
    workingSet.family,
    usage.family,
    limit.family,
    blkRead.family,
    blkWritten.family,
    rxBytes.family,
    txBytes.family,
    rxPackets.family,
    txPackets.family,
    pids.family,
    pidsLimit.family,
  ];
}
