import type { SourceProblem } from './reading.js';
import type { VmMemorySource, Vmm } from './vm-reading.js';

export interface VcpuMetrics {
  index: number;
  threadId: number | null;
  cpuSeconds: number | null;
  /** Busy percent of one host CPU by this vCPU thread (0..100). */
  percent: number | null;
}

export interface VirtioBlkMetrics {
  device: string;
  readBytes: number | null;
  writeBytes: number | null;
  readOps: number | null;
  writeOps: number | null;
  flushOps: number | null;
  readBps: number | null;
  writeBps: number | null;
  readIops: number | null;
  writeIops: number | null;
  flushIops: number | null;
  /** Mean latency of the interval's operations, milliseconds. */
  readLatencyMs: number | null;
  writeLatencyMs: number | null;
}

export interface VirtioNetMetrics {
  device: string;
  backend: string | null;
  rxBytes: number | null;
  txBytes: number | null;
  rxPackets: number | null;
  txPackets: number | null;
  rxBps: number | null;
  txBps: number | null;
  rxPps: number | null;
  txPps: number | null;
}

/** One VM's metrics over an interval, per ../shared/SEMANTICS.md (VMs). */
export interface VmMetrics {
  id: string;
  name: string;
  vmm: Vmm;
  pid: number | null;
  timestamp: number;
  monotonicMs: number;
  intervalMs: number | null;

  /** Per-vCPU busy percent, by vCPU index order. */
  vcpuPercent: Array<number | null>;
  vcpus: VcpuMetrics[];
  /** Sum over vCPUs: 200 = two busy vCPUs. */
  cpuPercent: number | null;
  /** The whole VMM process (vCPUs, emulation and I/O threads): 100 = one host core. */
  processCpuPercent: number | null;
  processCpuSeconds: number | null;

  memoryTotal: number | null;
  memoryUsed: number | null;
  memoryAvailable: number | null;
  memoryDiskCaches: number | null;
  memoryPercent: number | null;
  memorySource: VmMemorySource | null;

  virtioBlkReadBytes: number | null;
  virtioBlkWriteBytes: number | null;
  virtioBlkReadOps: number | null;
  virtioBlkWriteOps: number | null;
  virtioBlkReadBps: number | null;
  virtioBlkWriteBps: number | null;
  virtioBlkReadIops: number | null;
  virtioBlkWriteIops: number | null;
  blockDevices: VirtioBlkMetrics[];

  virtioNetRxBytes: number | null;
  virtioNetTxBytes: number | null;
  virtioNetRxPackets: number | null;
  virtioNetTxPackets: number | null;
  virtioNetRxBps: number | null;
  virtioNetTxBps: number | null;
  virtioNetRxPps: number | null;
  virtioNetTxPps: number | null;
  netDevices: VirtioNetMetrics[];

  problems: SourceProblem[];
}

export type VmNumericField = {
  [K in keyof VmMetrics]-?: VmMetrics[K] extends number | null ? K : never;
}[keyof VmMetrics];

export const vmNumericFields = [
  'cpuPercent',
  'processCpuPercent',
  'processCpuSeconds',
  'memoryTotal',
  'memoryUsed',
  'memoryAvailable',
  'memoryPercent',
  'virtioBlkReadBytes',
  'virtioBlkWriteBytes',
  'virtioBlkReadBps',
  'virtioBlkWriteBps',
  'virtioBlkReadIops',
  'virtioBlkWriteIops',
  'virtioNetRxBytes',
  'virtioNetTxBytes',
  'virtioNetRxBps',
  'virtioNetTxBps',
  'virtioNetRxPps',
  'virtioNetTxPps',
] as const satisfies ReadonlyArray<VmNumericField>;
