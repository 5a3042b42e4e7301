import type { CpuTimes, SystemMetrics } from '@arcbox/perf-core';
import { createFamily, type MetricFamily } from './metric-family.js';

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

/** Host metric families: CPU, memory, swap, load, pressure, disks and network interfaces. */
export function systemFamilies(m: SystemMetrics): MetricFamily[] {
  const cpu = createFamily(
    p('cpu_seconds'),
    'counter',
    'Seconds the CPUs spent in each mode.',
    'seconds',
  );
  const guest = createFamily(
    p('cpu_guest_seconds'),
    'counter',
    'Seconds the CPUs spent running guests, already included in user and nice.',
    'seconds',
  );
  for (const core of m.cpuCoreTimes) {
    const id = String(core.id);
    for (const mode of cpuModes) cpu.add({ cpu: id, mode }, core.times[mode]);
    guest.add({ cpu: id, mode: 'user' }, core.times.guest);
    guest.add({ cpu: id, mode: 'nice' }, core.times.guestNice);
  }
  const cpus = createFamily(p('cpus'), 'gauge', 'Online logical CPUs.');
  cpus.add({}, m.cpuCount);
  const cpuBusy = createFamily(
    p('cpu_busy_ratio'),
    'gauge',
    'Share of CPU time busy over the last sampling interval (0..1); use rate() of cpu_seconds_total for other windows.',
    'ratio',
  );
  cpuBusy.add({}, ratio(m.cpuPercent));

  const mem = (name: string, help: string, value: number | null) => {
    const f = createFamily(p(`${name}_bytes`), 'gauge', help, 'bytes');
    f.add({}, value);
    return f.family;
  };

  const load = (n: 1 | 5 | 15, value: number | null) => {
    const f = createFamily(p(`load${n}`), 'gauge', `${n}-minute load average.`);
    f.add({}, value);
    return f.family;
  };

  const pressure = createFamily(
    p('pressure_avg10_ratio'),
    'gauge',
    'Pressure stall information: share of the last 10 s some (or all) tasks stalled on the resource (0..1).',
    'ratio',
  );
  pressure.add({ resource: 'cpu', kind: 'some' }, ratio(m.cpuPressure));
  pressure.add({ resource: 'memory', kind: 'some' }, ratio(m.memoryPressure));
  pressure.add({ resource: 'memory', kind: 'full' }, ratio(m.memoryPressureFull));
  pressure.add({ resource: 'io', kind: 'some' }, ratio(m.ioPressure));

  const diskRead = createFamily(
    p('disk_read_bytes'),
    'counter',
    'Bytes read from the block device.',
    'bytes',
  );
  const diskWritten = createFamily(
    p('disk_written_bytes'),
    'counter',
    'Bytes written to the block device.',
    'bytes',
  );
  const diskReads = createFamily(
    p('disk_reads_completed'),
    'counter',
    'Reads completed by the block device.',
  );
  const diskWrites = createFamily(
    p('disk_writes_completed'),
    'counter',
    'Writes completed by the block device.',
  );
  const diskInfo = createFamily(
    p('disk'),
    'info',
    'Block device kind; counted_in_total="true" for whole disks that make up the host total.',
  );
  for (const d of m.disks) {
    const labels = { device: d.name };
    diskRead.add(labels, d.readBytes);
    diskWritten.add(labels, d.writeBytes);
    diskReads.add(labels, d.readOps);
    diskWrites.add(labels, d.writeOps);
    diskInfo.add({ device: d.name, kind: d.kind, counted_in_total: String(d.countedInTotal) }, 1);
  }

  const rxBytes = createFamily(
    p('network_receive_bytes'),
    'counter',
    'Bytes received by the interface.',
    'bytes',
  );
  const txBytes = createFamily(
    p('network_transmit_bytes'),
    'counter',
    'Bytes sent by the interface.',
    'bytes',
  );
  const rxPackets = createFamily(
    p('network_receive_packets'),
    'counter',
    'Packets received by the interface.',
  );
  const txPackets = createFamily(
    p('network_transmit_packets'),
    'counter',
    'Packets sent by the interface.',
  );
  const rxErrs = createFamily(
    p('network_receive_errs'),
    'counter',
    'Receive errors of the interface.',
  );
  const txErrs = createFamily(
    p('network_transmit_errs'),
    'counter',
    'Transmit errors of the interface.',
  );
  const rxDrop = createFamily(
    p('network_receive_drop'),
    'counter',
    'Received packets dropped by the interface.',
  );
  const txDrop = createFamily(
    p('network_transmit_drop'),
    'counter',
    'Packets to send dropped by the interface.',
  );
  const netInfo = createFamily(
    p('network'),
    'info',
    'Interface kind; counted_in_total="true" for physical non-loopback interfaces that make up the host total.',
  );
  for (const i of m.interfaces) {
    const labels = { interface: i.name };
    rxBytes.add(labels, i.rxBytes);
    txBytes.add(labels, i.txBytes);
    rxPackets.add(labels, i.rxPackets);
    txPackets.add(labels, i.txPackets);
    rxErrs.add(labels, i.rxErrors);
    txErrs.add(labels, i.txErrors);
    rxDrop.add(labels, i.rxDropped);
    txDrop.add(labels, i.txDropped);
    netInfo.add(
      {
        interface: i.name,
        loopback: String(i.loopback),
        virtual: String(i.virtual),
        counted_in_total: String(i.countedInTotal),
      },
      1,
    );
  }

  return [
    cpu.family,
    guest.family,
    cpus.family,
    cpuBusy.family,
    mem('memory_total', 'Physical memory.', m.memoryTotal),
    mem(
      'memory_available',
      'Memory available for new work without swapping (MemAvailable).',
      m.memoryAvailable,
    ),
    mem('memory_used', 'Memory in use: total minus available.', m.memoryUsed),
    mem('memory_free', 'Memory not used for anything (MemFree).', m.memoryFree),
    mem(
      'memory_cached',
      'Page cache and reclaimable slab (Cached + SReclaimable; macOS file-backed + purgeable).',
      m.memoryCached,
    ),
    mem('memory_buffers', 'Block device buffers.', m.memoryBuffers),
    mem('memory_shared', 'Shared memory and tmpfs (Shmem).', m.memoryShared),
    mem('memory_wired', 'macOS wired memory.', m.memoryWired),
    mem('memory_compressed', 'macOS memory held by the compressor.', m.memoryCompressed),
    mem('swap_total', 'Swap space.', m.swapTotal),
    mem('swap_used', 'Swap space in use.', m.swapUsed),
    mem('swap_free', 'Swap space free.', m.swapFree),
    load(1, m.load1),
    load(5, m.load5),
    load(15, m.load15),
    pressure.family,
    diskRead.family,
    diskWritten.family,
    diskReads.family,
    diskWrites.family,
    diskInfo.family,
    rxBytes.family,
    txBytes.family,
    rxPackets.family,
    txPackets.family,
    rxErrs.family,
    txErrs.family,
    rxDrop.family,
    txDrop.family,
    netInfo.family,
  ];
}
