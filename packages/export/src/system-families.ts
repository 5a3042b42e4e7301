import type { CpuTimes, DiskMetrics, NetInterfaceMetrics, SystemMetrics } from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import { type FamilySpec, writeTable } from './family-table.js';
import type { MetricFamily } from './metric-family.js';
import { type FamilyHead, type SampleWriter, writeSample } from './sample-writer.js';

/** Every exported metric starts with this. */
export const METRIC_PREFIX = 'arcbox_perf';

// The modes node_exporter exports in node_cpu_seconds_total; guest time is already inside user
// and nice (SEMANTICS.md), so it goes to its own family as node_exporter does.
const cpuModes = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
] as const satisfies ReadonlyArray<keyof CpuTimes>;

const p = (name: string) => `${METRIC_PREFIX}_${name}`;
const ratio = (percent: number | null) => (percent === null ? null : percent / 100);

const diskSpecs: ReadonlyArray<FamilySpec<DiskMetrics>> = [
  {
    name: p('disk_read_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes read from the block device.',
    value: (d) => d.readBytes,
  },
  {
    name: p('disk_written_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes written to the block device.',
    value: (d) => d.writeBytes,
  },
  {
    name: p('disk_reads_completed'),
    type: 'counter',
    help: 'Reads completed by the block device.',
    value: (d) => d.readOps,
  },
  {
    name: p('disk_writes_completed'),
    type: 'counter',
    help: 'Writes completed by the block device.',
    value: (d) => d.writeOps,
  },
  {
    name: p('disk'),
    type: 'info',
    help: 'Block device kind; counted_in_total="true" for whole disks that make up the host total.',
    value: () => 1,
    labels: (d) => ({ kind: d.kind, counted_in_total: String(d.countedInTotal) }),
  },
];

const interfaceSpecs: ReadonlyArray<FamilySpec<NetInterfaceMetrics>> = [
  {
    name: p('network_receive_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes received by the interface.',
    value: (i) => i.rxBytes,
  },
  {
    name: p('network_transmit_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes sent by the interface.',
    value: (i) => i.txBytes,
  },
  {
    name: p('network_receive_packets'),
    type: 'counter',
    help: 'Packets received by the interface.',
    value: (i) => i.rxPackets,
  },
  {
    name: p('network_transmit_packets'),
    type: 'counter',
    help: 'Packets sent by the interface.',
    value: (i) => i.txPackets,
  },
  {
    name: p('network_receive_errs'),
    type: 'counter',
    help: 'Receive errors of the interface.',
    value: (i) => i.rxErrors,
  },
  {
    name: p('network_transmit_errs'),
    type: 'counter',
    help: 'Transmit errors of the interface.',
    value: (i) => i.txErrors,
  },
  {
    name: p('network_receive_drop'),
    type: 'counter',
    help: 'Received packets dropped by the interface.',
    value: (i) => i.rxDropped,
  },
  {
    name: p('network_transmit_drop'),
    type: 'counter',
    help: 'Packets to send dropped by the interface.',
    value: (i) => i.txDropped,
  },
  {
    name: p('network'),
    type: 'info',
    help: 'Interface kind; counted_in_total="true" for physical non-loopback interfaces that make up the host total.',
    value: () => 1,
    labels: (i) => ({
      loopback: String(i.loopback),
      virtual: String(i.virtual),
      counted_in_total: String(i.countedInTotal),
    }),
  },
];

/** Host metric families: CPU, memory, swap, load, pressure, disks and network interfaces. */
export function systemFamilies(m: SystemMetrics): MetricFamily[] {
  return collectFamilies((writer) => writeSystem(writer, m));
}

/** `systemFamilies` through a writer. */
export function writeSystem(writer: SampleWriter, m: SystemMetrics): void {
  writer.family({
    name: p('cpu_seconds'),
    help: 'Seconds the CPUs spent in each mode.',
    type: 'counter',
    unit: 'seconds',
  });
  const ids = m.cpuCoreTimes.map((core) => String(core.id));
  m.cpuCoreTimes.forEach((core, i) => {
    for (const mode of cpuModes) writeSample(writer, { cpu: ids[i]!, mode }, core.times[mode]);
  });
  writer.family({
    name: p('cpu_guest_seconds'),
    help: 'Seconds the CPUs spent running guests, already included in user and nice.',
    type: 'counter',
    unit: 'seconds',
  });
  m.cpuCoreTimes.forEach((core, i) => {
    writeSample(writer, { cpu: ids[i]!, mode: 'user' }, core.times.guest);
    writeSample(writer, { cpu: ids[i]!, mode: 'nice' }, core.times.guestNice);
  });
  const one = (head: FamilyHead, value: number | null) => {
    writer.family(head);
    writeSample(writer, {}, value);
  };
  one({ name: p('cpus'), help: 'Online logical CPUs.', type: 'gauge' }, m.cpuCount);
  one(
    {
      name: p('cpu_busy_ratio'),
      help: 'Share of CPU time busy over the last sampling interval (0..1); use rate() of cpu_seconds_total for other windows.',
      type: 'gauge',
      unit: 'ratio',
    },
    ratio(m.cpuPercent),
  );

  const mem = (name: string, help: string, value: number | null) =>
    one({ name: p(`${name}_bytes`), help, type: 'gauge', unit: 'bytes' }, value);
  mem('memory_total', 'Physical memory.', m.memoryTotal);
  mem(
    'memory_available',
    'Memory available for new work without swapping (MemAvailable).',
    m.memoryAvailable,
  );
  mem('memory_used', 'Memory in use: total minus available.', m.memoryUsed);
  mem('memory_free', 'Memory not used for anything (MemFree).', m.memoryFree);
  mem(
    'memory_cached',
    'Page cache and reclaimable slab (Cached + SReclaimable; macOS file-backed + purgeable).',
    m.memoryCached,
  );
  mem('memory_buffers', 'Block device buffers.', m.memoryBuffers);
  mem('memory_shared', 'Shared memory and tmpfs (Shmem).', m.memoryShared);
  mem('memory_wired', 'macOS wired memory.', m.memoryWired);
  mem('memory_compressed', 'macOS memory held by the compressor.', m.memoryCompressed);
  mem('swap_total', 'Swap space.', m.swapTotal);
  mem('swap_used', 'Swap space in use.', m.swapUsed);
  mem('swap_free', 'Swap space free.', m.swapFree);

  const load = (n: 1 | 5 | 15, value: number | null) =>
    one({ name: p(`load${n}`), help: `${n}-minute load average.`, type: 'gauge' }, value);
  load(1, m.load1);
  load(5, m.load5);
  load(15, m.load15);

  writer.family({
    name: p('pressure_avg10_ratio'),
    help: 'Pressure stall information: share of the last 10 s some (or all) tasks stalled on the resource (0..1).',
    type: 'gauge',
    unit: 'ratio',
  });
  writeSample(writer, { resource: 'cpu', kind: 'some' }, ratio(m.cpuPressure));
  writeSample(writer, { resource: 'memory', kind: 'some' }, ratio(m.memoryPressure));
  writeSample(writer, { resource: 'memory', kind: 'full' }, ratio(m.memoryPressureFull));
  writeSample(writer, { resource: 'io', kind: 'some' }, ratio(m.ioPressure));

  writeTable(writer, diskSpecs, m.disks, (d) => ({ device: d.name }));
  writeTable(writer, interfaceSpecs, m.interfaces, (i) => ({ interface: i.name }));
}
