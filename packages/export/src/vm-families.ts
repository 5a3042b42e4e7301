import type { VmMetrics } from '@arcbox/perf-core';
import { createFamily, type MetricFamily } from './metric-family.js';
import { METRIC_PREFIX } from './system-families.js';

const p = (name: string) => `${METRIC_PREFIX}_vm_${name}`;

/** Per-VM families labelled `{vm}` (the VM id); name, VMM and pid are on `arcbox_perf_vm_info`. */
export function vmFamilies(vms: ReadonlyArray<VmMetrics>): MetricFamily[] {
  const info = createFamily(
    `${METRIC_PREFIX}_vm`,
    'info',
    'VM name, monitor (VMM) and host process id.',
  );
  const vcpu = createFamily(
    p('vcpu_seconds'),
    'counter',
    'Host CPU time of each vCPU thread.',
    'seconds',
  );
  const proc = createFamily(
    p('process_cpu_seconds'),
    'counter',
    'Host CPU time of the whole VMM process (vCPUs, emulation and I/O threads).',
    'seconds',
  );
  const memTotal = createFamily(
    p('memory_total_bytes'),
    'gauge',
    'Guest memory (balloon total, else configured).',
    'bytes',
  );
  const memAvail = createFamily(
    p('memory_available_bytes'),
    'gauge',
    'Guest memory available (balloon stats).',
    'bytes',
  );
  const memUsed = createFamily(
    p('memory_used_bytes'),
    'gauge',
    'Guest memory in use: total minus available.',
    'bytes',
  );
  const blkRead = createFamily(
    p('block_read_bytes'),
    'counter',
    'Bytes read by the guest from the virtio-blk device.',
    'bytes',
  );
  const blkWritten = createFamily(
    p('block_written_bytes'),
    'counter',
    'Bytes written by the guest to the virtio-blk device.',
    'bytes',
  );
  const blkReads = createFamily(
    p('block_reads_completed'),
    'counter',
    'Read operations of the virtio-blk device.',
  );
  const blkWrites = createFamily(
    p('block_writes_completed'),
    'counter',
    'Write operations of the virtio-blk device.',
  );
  const rxBytes = createFamily(
    p('network_receive_bytes'),
    'counter',
    'Bytes received by the guest on the virtio-net device.',
    'bytes',
  );
  const txBytes = createFamily(
    p('network_transmit_bytes'),
    'counter',
    'Bytes sent by the guest on the virtio-net device.',
    'bytes',
  );
  const rxPackets = createFamily(
    p('network_receive_packets'),
    'counter',
    'Packets received by the guest.',
  );
  const txPackets = createFamily(
    p('network_transmit_packets'),
    'counter',
    'Packets sent by the guest.',
  );

  const seen = new Set<string>();
  for (const vm of vms) {
    if (seen.has(vm.id)) continue;
    seen.add(vm.id);
    const l = { vm: vm.id };
    info.add(
      { vm: vm.id, name: vm.name, vmm: vm.vmm, pid: vm.pid === null ? '' : String(vm.pid) },
      1,
    );
    for (const v of vm.vcpus) vcpu.add({ vm: vm.id, vcpu: String(v.index) }, v.cpuSeconds);
    proc.add(l, vm.processCpuSeconds);
    memTotal.add(l, vm.memoryTotal);
    memAvail.add(l, vm.memoryAvailable);
    memUsed.add(l, vm.memoryUsed);
    for (const d of vm.blockDevices) {
      const dl = { vm: vm.id, device: d.device };
      blkRead.add(dl, d.readBytes);
      blkWritten.add(dl, d.writeBytes);
      blkReads.add(dl, d.readOps);
      blkWrites.add(dl, d.writeOps);
    }
    for (const n of vm.netDevices) {
      const nl = { vm: vm.id, device: n.device };
      rxBytes.add(nl, n.rxBytes);
      txBytes.add(nl, n.txBytes);
      rxPackets.add(nl, n.rxPackets);
      txPackets.add(nl, n.txPackets);
    }
  }
  return [
    info.family,
    vcpu.family,
    proc.family,
    memTotal.family,
    memAvail.family,
    memUsed.family,
    blkRead.family,
    blkWritten.family,
    blkReads.family,
    blkWrites.family,
    rxBytes.family,
    txBytes.family,
    rxPackets.family,
    txPackets.family,
  ];
}
