import type { VcpuMetrics, VirtioBlkMetrics, VirtioNetMetrics, VmMetrics } from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import { type FamilySpec, uniqueBy, writeTable } from './family-table.js';
import type { SampleWriter } from './sample-writer.js';
import type { MetricFamily } from './metric-family.js';
import { METRIC_PREFIX } from './system-families.js';

const p = (name: string) => `${METRIC_PREFIX}_vm_${name}`;

const vmSpecs: ReadonlyArray<FamilySpec<VmMetrics>> = [
  {
    name: `${METRIC_PREFIX}_vm`,
    type: 'info',
    help: 'VM name, monitor (VMM) and host process id.',
    value: () => 1,
    labels: (vm) => ({ name: vm.name, vmm: vm.vmm, pid: vm.pid === null ? '' : String(vm.pid) }),
  },
  {
    name: p('process_cpu_seconds'),
    type: 'counter',
    unit: 'seconds',
    help: 'Host CPU time of the whole VMM process (vCPUs, emulation and I/O threads).',
    value: (vm) => vm.processCpuSeconds,
  },
  {
    name: p('memory_total_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Guest memory (balloon total, else configured).',
    value: (vm) => vm.memoryTotal,
  },
  {
    name: p('memory_available_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Guest memory available (balloon stats).',
    value: (vm) => vm.memoryAvailable,
  },
  {
    name: p('memory_used_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Guest memory in use: total minus available.',
    value: (vm) => vm.memoryUsed,
  },
];

type Of<T> = { vm: string; item: T };

const vcpuSpecs: ReadonlyArray<FamilySpec<Of<VcpuMetrics>>> = [
  {
    name: p('vcpu_seconds'),
    type: 'counter',
    unit: 'seconds',
    help: 'Host CPU time of each vCPU thread.',
    value: (v) => v.item.cpuSeconds,
  },
];

const blockSpecs: ReadonlyArray<FamilySpec<Of<VirtioBlkMetrics>>> = [
  {
    name: p('block_read_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes read by the guest from the virtio-blk device.',
    value: (d) => d.item.readBytes,
  },
  {
    name: p('block_written_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes written by the guest to the virtio-blk device.',
    value: (d) => d.item.writeBytes,
  },
  {
    name: p('block_reads_completed'),
    type: 'counter',
    help: 'Read operations of the virtio-blk device.',
    value: (d) => d.item.readOps,
  },
  {
    name: p('block_writes_completed'),
    type: 'counter',
    help: 'Write operations of the virtio-blk device.',
    value: (d) => d.item.writeOps,
  },
];

const netSpecs: ReadonlyArray<FamilySpec<Of<VirtioNetMetrics>>> = [
  {
    name: p('network_receive_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes received by the guest on the virtio-net device.',
    value: (n) => n.item.rxBytes,
  },
  {
    name: p('network_transmit_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes sent by the guest on the virtio-net device.',
    value: (n) => n.item.txBytes,
  },
  {
    name: p('network_receive_packets'),
    type: 'counter',
    help: 'Packets received by the guest.',
    value: (n) => n.item.rxPackets,
  },
  {
    name: p('network_transmit_packets'),
    type: 'counter',
    help: 'Packets sent by the guest.',
    value: (n) => n.item.txPackets,
  },
];

/** Per-VM families labelled `{vm}` (the VM id); name, VMM and pid are on `arcbox_perf_vm_info`. */
export function vmFamilies(vms: ReadonlyArray<VmMetrics>): MetricFamily[] {
  return collectFamilies((writer) => writeVms(writer, vms));
}

/** `vmFamilies` through a writer. */
export function writeVms(writer: SampleWriter, vms: ReadonlyArray<VmMetrics>): void {
  const unique = uniqueBy(vms, (vm) => vm.id);
  const each = <T>(pick: (vm: VmMetrics) => readonly T[]) =>
    unique.flatMap((vm) => pick(vm).map((item) => ({ vm: vm.id, item })));
  writeTable(writer, vmSpecs, unique, (vm) => ({ vm: vm.id }));
  writeTable(
    writer,
    vcpuSpecs,
    each((vm) => vm.vcpus),
    (v) => ({ vm: v.vm, vcpu: String(v.item.index) }),
  );
  writeTable(
    writer,
    blockSpecs,
    each((vm) => vm.blockDevices),
    (d) => ({ vm: d.vm, device: d.item.device }),
  );
  writeTable(
    writer,
    netSpecs,
    each((vm) => vm.netDevices),
    (n) => ({ vm: n.vm, device: n.item.device }),
  );
}
