import type { CoreTimes, CpuTimes } from './cpu-times.js';
import type { NetInterfaceReading, Platform, ReadingStamp, SourceProblem } from './reading.js';

export interface CpuReading {
  total: CpuTimes;
  cores: CoreTimes[];
}

/** Memory gauges in bytes, already resolved to the SEMANTICS.md definitions by the collector. */
export interface MemoryReading {
  total: number;
  available: number;
  used: number;
  free: number | null;
  /** Linux: Cached + SReclaimable. macOS: file-backed + purgeable. */
  cached: number | null;
  buffers: number | null;
  shared: number | null;
  swapTotal: number | null;
  swapFree: number | null;
  swapUsed: number | null;
  /** macOS terms; null on Linux. */
  app: number | null;
  wired: number | null;
  compressed: number | null;
  /** True when `available` was estimated (no MemAvailable on kernels before 3.14). */
  availableEstimated: boolean;
  /** Terms the source lacked, which were taken as 0 or estimated. */
  missing: string[];
}

/** One PSI line (`some` or `full`) of /proc/pressure/<resource>. */
export interface PressureStall {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time in microseconds (a counter). */
  totalUs: number;
}

export interface ResourcePressure {
  some: PressureStall | null;
  full: PressureStall | null;
}

export type MemoryPressureLevel = 'normal' | 'warn' | 'critical';

export interface PressureReading {
  cpu: ResourcePressure | null;
  memory: ResourcePressure | null;
  io: ResourcePressure | null;
  /** macOS kern.memorystatus_vm_pressure_level. */
  memoryLevel: MemoryPressureLevel | null;
}

/**
 * What kind of block device: only `disk` counts in the system total. `stacked` (dm-*, md*)
 * would count the same bytes twice; `virtual` is loop/ram/zram; `removable` is fd/sr.
 */
export type DiskKind = 'disk' | 'partition' | 'stacked' | 'virtual' | 'removable';

export interface DiskReading {
  name: string;
  kind: DiskKind;
  countedInTotal: boolean;
  readOps: number | null;
  writeOps: number | null;
  readBytes: number | null;
  writeBytes: number | null;
  /** Read + write when the source has no split (macOS iostat); otherwise their sum. */
  totalBytes: number | null;
  readTimeMs: number | null;
  writeTimeMs: number | null;
  /** Milliseconds the device had I/O in flight (diskstats field 10). */
  ioTimeMs: number | null;
}

export interface LoadReading {
  load1: number;
  load5: number;
  load15: number;
}

/** One reading of a host, as a collector returns it: counters and gauges, no rates. */
export interface SystemReading extends ReadingStamp {
  platform: Platform;
  /** Online logical CPUs. */
  cpuCount: number;
  cpu: CpuReading | null;
  memory: MemoryReading | null;
  disks: DiskReading[] | null;
  interfaces: NetInterfaceReading[] | null;
  load: LoadReading | null;
  pressure: PressureReading | null;
  problems: SourceProblem[];
}
