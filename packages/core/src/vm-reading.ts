import type { ReadingStamp, SourceProblem } from './reading.js';

export type Vmm = 'qemu' | 'cloud-hypervisor' | 'firecracker' | 'libvirt';

export interface VcpuReading {
  index: number;
  /** Host thread running this vCPU, where the VMM says. */
  threadId: number | null;
  /** Cumulative host CPU time of the vCPU thread, seconds. */
  cpuSeconds: number | null;
}

export interface VirtioBlkReading {
  /** Device id (QEMU `-device ...,id=`), else the drive / disk name. */
  device: string;
  readBytes: number | null;
  writeBytes: number | null;
  readOps: number | null;
  writeOps: number | null;
  flushOps: number | null;
  readTimeNs: number | null;
  writeTimeNs: number | null;
  flushTimeNs: number | null;
}

/** Counters of one virtio-net device, already turned to the guest's view (rx = guest received). */
export interface VirtioNetReading {
  device: string;
  /** Host backend, e.g. the tap interface; null for user-mode networking. */
  backend: string | null;
  rxBytes: number | null;
  txBytes: number | null;
  rxPackets: number | null;
  txPackets: number | null;
}

export type VmMemorySource = 'balloon' | 'configured';

/** One reading of one VM: counters and gauges, no rates. */
export interface VmReading extends ReadingStamp {
  id: string;
  name: string;
  vmm: Vmm;
  /** Host pid of the VMM process, when known. */
  pid: number | null;
  vcpus: VcpuReading[];
  /** Cumulative CPU time of the whole VMM process (all threads), seconds. */
  processCpuSeconds: number | null;
  hostCpuCount: number;
  memoryTotal: number | null;
  memoryAvailable: number | null;
  /** total - available when the guest reports both; null otherwise. */
  memoryUsed: number | null;
  memoryDiskCaches: number | null;
  memorySource: VmMemorySource | null;
  blockDevices: VirtioBlkReading[];
  netDevices: VirtioNetReading[];
  problems: SourceProblem[];
}
