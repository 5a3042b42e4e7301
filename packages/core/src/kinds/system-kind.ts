import type { AlertRule } from '../alert-rule.js';
import { computeSystemMetrics } from '../compute-system-metrics.js';
import type { SystemMetrics } from '../system-metrics.js';
import type { SystemReading } from '../system-reading.js';
import { field, type KindDescriptor, type KindField } from './kind-descriptor.js';

const f = field<SystemMetrics>;

/** Load per core = load / online CPUs: what alert rules watch, not stored. */
function perCore(load: 'load1' | 'load5' | 'load15'): KindField<SystemMetrics> {
  return {
    name: `${load}PerCore`,
    unit: 'load',
    description: `${load.slice(4)}-minute load average divided by the online CPUs.`,
    stored: false,
    value: (m) => (m[load] === null || m.cpuCount <= 0 ? null : m[load] / m.cpuCount),
  };
}

const MINUTE = 60;

/** Netdata's cpu/ram/load alarms and kube-prometheus' node rules; clear 10 points below warn. */
const systemRules: readonly AlertRule[] = [
  {
    name: 'host-cpu-high',
    description: 'Host CPU busy above 90 % for 15 minutes',
    target: 'system',
    field: 'cpuPercent',
    comparison: '>',
    warn: 90,
    crit: 98,
    clear: 80,
    windowSeconds: MINUTE,
    windowAggregation: 'avg',
    forSeconds: 15 * MINUTE,
  },
  {
    name: 'host-memory-high',
    description: 'Host memory used above 90 % for 15 minutes',
    target: 'system',
    field: 'memoryPercent',
    comparison: '>',
    warn: 90,
    crit: 97,
    clear: 80,
    windowSeconds: MINUTE,
    windowAggregation: 'avg',
    forSeconds: 15 * MINUTE,
  },
  {
    name: 'host-load-per-core-high',
    description: '1-minute load per core above 2 for 15 minutes',
    target: 'system',
    field: 'load1PerCore',
    comparison: '>',
    warn: 2,
    crit: 4,
    clear: 1.5,
    windowSeconds: MINUTE,
    windowAggregation: 'avg',
    forSeconds: 15 * MINUTE,
  },
];

/** The host: one series, `system`. */
export const systemKind: KindDescriptor<SystemReading, SystemMetrics> = {
  name: 'system',
  sampleKey: 'system',
  title: 'Host',
  singleton: true,
  keyOf: () => 'system',
  compute: computeSystemMetrics,
  identity: (m) => ({
    id: 'system',
    name: 'system',
    labels: {},
    timestamp: m.timestamp,
    monotonicMs: m.monotonicMs,
  }),
  fields: [
    f('cpuPercent', 'percent', 'CPU busy, share of all online CPUs.'),
    f('cpuUser', 'percent', 'CPU time in user mode (nice excluded).'),
    f('cpuNice', 'percent', 'CPU time in user mode at low priority.'),
    f('cpuSystem', 'percent', 'CPU time in the kernel.'),
    f('cpuIdle', 'percent', 'CPU idle, iowait not included (that is cpuIowait).'),
    f('cpuIowait', 'percent', 'CPU idle while I/O was outstanding.'),
    f('cpuSteal', 'percent', 'CPU time taken by the hypervisor for other guests.'),
    f('cpuIrq', 'percent', 'CPU time serving interrupts (irq + softirq).'),
    f('memoryTotal', 'bytes', 'Physical memory.'),
    f('memoryUsed', 'bytes', 'Memory in use: total minus available.'),
    f('memoryAvailable', 'bytes', 'Memory available to new work without swapping.'),
    f('memoryFree', 'bytes', 'Memory not used at all.'),
    f('memoryCached', 'bytes', 'Page cache and reclaimable slab.'),
    f('memoryBuffers', 'bytes', 'Block device buffers.'),
    f('memoryShared', 'bytes', 'Shared memory (tmpfs, shm).'),
    f('memoryPercent', 'percent', 'Memory used, share of total.'),
    f('memoryApp', 'bytes', 'App memory (macOS: anonymous minus purgeable).'),
    f('memoryWired', 'bytes', 'Wired memory (macOS).'),
    f('memoryCompressed', 'bytes', 'Memory held by the compressor (macOS).'),
    f('swapTotal', 'bytes', 'Swap space.'),
    f('swapUsed', 'bytes', 'Swap in use.'),
    f('swapFree', 'bytes', 'Swap free.'),
    f('cpuPressure', 'percent', 'PSI cpu "some" avg10: share of time tasks waited for a CPU.'),
    f('memoryPressure', 'percent', 'PSI memory "some" avg10.'),
    f('memoryPressureFull', 'percent', 'PSI memory "full" avg10: every task stalled on memory.'),
    f('ioPressure', 'percent', 'PSI io "some" avg10.'),
    f('diskReadBytes', 'bytes', 'Bytes read from whole disks since boot.'),
    f('diskWriteBytes', 'bytes', 'Bytes written to whole disks since boot.'),
    f('diskReadBps', 'bytes/s', 'Disk read throughput.'),
    f('diskWriteBps', 'bytes/s', 'Disk write throughput.'),
    f('diskTotalBps', 'bytes/s', 'Disk throughput, both directions.'),
    f('diskReadIops', 'ops/s', 'Disk reads completed per second.'),
    f('diskWriteIops', 'ops/s', 'Disk writes completed per second.'),
    f('netRxBytes', 'bytes', 'Bytes received on physical interfaces since boot.'),
    f('netTxBytes', 'bytes', 'Bytes sent on physical interfaces since boot.'),
    f('netRxBps', 'bytes/s', 'Network receive throughput.'),
    f('netTxBps', 'bytes/s', 'Network transmit throughput.'),
    f('netRxPps', 'packets/s', 'Packets received per second.'),
    f('netTxPps', 'packets/s', 'Packets sent per second.'),
    f('load1', 'load', '1-minute load average.'),
    f('load5', 'load', '5-minute load average.'),
    f('load15', 'load', '15-minute load average.'),
    f('cpuCount', 'count', 'Online CPUs.'),
    perCore('load1'),
    perCore('load5'),
    perCore('load15'),
  ],
  facts: {},
  defaultRules: systemRules,
};
