import { computeVmMetrics } from '../compute-vm-metrics.js';
import type { VmMetrics } from '../vm-metrics.js';
import type { VmReading } from '../vm-reading.js';
import { field, type KindDescriptor } from './kind-descriptor.js';

const f = field<VmMetrics>;

/** One series per VM, `vm:<id>`, whatever its VMM. */
export const vmKind: KindDescriptor<VmReading, VmMetrics> = {
  name: 'vm',
  sampleKey: 'vms',
  title: 'VMs',
  singleton: false,
  keyOf: (r) => r.id,
  compute: computeVmMetrics,
  identity: (m) => ({
    id: m.id,
    name: m.name,
    labels: {},
    timestamp: m.timestamp,
    monotonicMs: m.monotonicMs,
  }),
  fields: [
    f('cpuPercent', 'percent', 'vCPUs busy, summed: 200 = two busy vCPUs.'),
    f('processCpuPercent', 'percent', 'The whole VMM process, 100 = one host core.'),
    f('processCpuSeconds', 'seconds', 'CPU time of the VMM process.'),
    f('memoryTotal', 'bytes', 'Guest memory (balloon statistics, else the configured size).'),
    f('memoryUsed', 'bytes', 'Guest memory in use: total minus available.'),
    f('memoryAvailable', 'bytes', 'Guest memory available, as the guest reports it.'),
    f('memoryPercent', 'percent', 'Guest memory used, share of total.'),
    f('virtioBlkReadBytes', 'bytes', 'Bytes read by the guest’s virtio disks.'),
    f('virtioBlkWriteBytes', 'bytes', 'Bytes written by the guest’s virtio disks.'),
    f('virtioBlkReadBps', 'bytes/s', 'Disk read throughput of the guest.'),
    f('virtioBlkWriteBps', 'bytes/s', 'Disk write throughput of the guest.'),
    f('virtioBlkReadIops', 'ops/s', 'Disk reads per second of the guest.'),
    f('virtioBlkWriteIops', 'ops/s', 'Disk writes per second of the guest.'),
    f('virtioNetRxBytes', 'bytes', 'Bytes the guest received.'),
    f('virtioNetTxBytes', 'bytes', 'Bytes the guest sent.'),
    f('virtioNetRxBps', 'bytes/s', 'Guest receive throughput.'),
    f('virtioNetTxBps', 'bytes/s', 'Guest transmit throughput.'),
    f('virtioNetRxPps', 'packets/s', 'Packets the guest received per second.'),
    f('virtioNetTxPps', 'packets/s', 'Packets the guest sent per second.'),
  ],
  facts: {},
  defaultRules: [],
};
