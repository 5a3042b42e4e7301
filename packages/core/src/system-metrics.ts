import type { CoreTimes, CpuTimes } from './cpu-times.js';
import type { Platform, SourceProblem } from './reading.js';
import type { DiskKind, MemoryPressureLevel } from './system-reading.js';

export interface CoreCpuMetrics {
  id: number;
  /** Busy percent of this core over the interval; null on the first reading or after hot-plug. */
  percent: number | null;
}

export interface DiskMetrics {
  name: string;
  kind: DiskKind;
  countedInTotal: boolean;
  readBytes: number | null;
  writeBytes: number | null;
  readOps: number | null;
  writeOps: number | null;
  readBps: number | null;
  writeBps: number | null;
  /** Read + write bytes per second; the only rate when the source has no split. */
  totalBps: number | null;
  readIops: number | null;
  writeIops: number | null;
  /** Share of the interval the device had I/O in flight, in percent. */
  busyPercent: number | null;
}

/** Per-interface figures in the interface's own direction (rx = received by it). */
export interface NetInterfaceMetrics {
  name: string;
  loopback: boolean;
  virtual: boolean;
  countedInTotal: boolean;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  rxErrors: number | null;
  txErrors: number | null;
  rxDropped: number | null;
  txDropped: number | null;
  rxBps: number | null;
  txBps: number | null;
  rxPps: number | null;
  txPps: number | null;
}

/**
 * A host's metrics over one interval, per ../shared/SEMANTICS.md. Rates and percentages are null
 * on the first reading and after a counter reset; never a made-up 0.
 */
export interface SystemMetrics {
  platform: Platform;
  /** Wall-clock time of the newer reading, ms since the epoch. */
  timestamp: number;
  monotonicMs: number;
  /** Milliseconds between the two readings the rates cover; null on the first reading. */
  intervalMs: number | null;
  cpuCount: number;

  cpuPercent: number | null;
  cpuPerCore: CoreCpuMetrics[];
  cpuUser: number | null;
  cpuNice: number | null;
  cpuSystem: number | null;
  cpuIdle: number | null;
  cpuIowait: number | null;
  cpuSteal: number | null;
  /** irq + softirq. */
  cpuIrq: number | null;
  /** The cumulative counters, in seconds, for exporters. */
  cpuTimes: CpuTimes | null;
  cpuCoreTimes: CoreTimes[];

  memoryTotal: number | null;
  memoryUsed: number | null;
  memoryAvailable: number | null;
  memoryFree: number | null;
  memoryCached: number | null;
  memoryBuffers: number | null;
  memoryShared: number | null;
  memoryPercent: number | null;
  memoryApp: number | null;
  memoryWired: number | null;
  memoryCompressed: number | null;
  memoryAvailableEstimated: boolean;
  swapTotal: number | null;
  swapUsed: number | null;
  swapFree: number | null;

  /** PSI "some" avg10 in percent, where the OS gives it. */
  cpuPressure: number | null;
  memoryPressure: number | null;
  /** PSI memory "full" avg10. */
  memoryPressureFull: number | null;
  ioPressure: number | null;
  memoryPressureLevel: MemoryPressureLevel | null;

  diskReadBytes: number | null;
  diskWriteBytes: number | null;
  diskReadBps: number | null;
  diskWriteBps: number | null;
  diskTotalBps: number | null;
  diskReadIops: number | null;
  diskWriteIops: number | null;
  disks: DiskMetrics[];

  netRxBytes: number | null;
  netTxBytes: number | null;
  netRxBps: number | null;
  netTxBps: number | null;
  netRxPps: number | null;
  netTxPps: number | null;
  interfaces: NetInterfaceMetrics[];

  load1: number | null;
  load5: number | null;
  load15: number | null;

  problems: SourceProblem[];
}

/** Keys of SystemMetrics that hold one number (or null): what history stores and alerts watch. */
export type SystemNumericField = {
  [K in keyof SystemMetrics]-?: SystemMetrics[K] extends number | null ? K : never;
}[keyof SystemMetrics];

export const systemNumericFields = [
  'cpuPercent',
  'cpuUser',
  'cpuNice',
  'cpuSystem',
  'cpuIdle',
  'cpuIowait',
  'cpuSteal',
  'cpuIrq',
  'memoryTotal',
  'memoryUsed',
  'memoryAvailable',
  'memoryFree',
  'memoryCached',
  'memoryBuffers',
  'memoryShared',
  'memoryPercent',
  'memoryApp',
  'memoryWired',
  'memoryCompressed',
  'swapTotal',
  'swapUsed',
  'swapFree',
  'cpuPressure',
  'memoryPressure',
  'memoryPressureFull',
  'ioPressure',
  'diskReadBytes',
  'diskWriteBytes',
  'diskReadBps',
  'diskWriteBps',
  'diskTotalBps',
  'diskReadIops',
  'diskWriteIops',
  'netRxBytes',
  'netTxBytes',
  'netRxBps',
  'netTxBps',
  'netRxPps',
  'netTxPps',
  'load1',
  'load5',
  'load15',
  'cpuCount',
] as const satisfies ReadonlyArray<SystemNumericField>;
