import type { ContainerRuntime, ContainerSource, ContainerState } from './container-reading.js';
import type { SourceProblem } from './reading.js';
import type { NetInterfaceMetrics } from './system-metrics.js';

/** One container's metrics over an interval, per ../shared/SEMANTICS.md (Containers). */
export interface ContainerMetrics {
  id: string;
  name: string;
  runtime: ContainerRuntime;
  source: ContainerSource;
  cgroupPath: string | null;
  labels: Record<string, string>;
  timestamp: number;
  monotonicMs: number;
  intervalMs: number | null;

  /** 200 = two busy cores, as in `docker stats`. */
  cpuPercent: number | null;
  /** cpuPercent divided by the host's online CPUs, always (0.5 core busy on 2 CPUs = 25). */
  cpuPercentOfHost: number | null;
  /** Share of the cgroup's CPU quota (cpu.max / cfs_quota) in use; null without a quota. */
  cpuPercentOfLimit: number | null;
  cpuSeconds: number | null;
  cpuThrottledPeriods: number | null;
  cpuThrottledSeconds: number | null;
  /** Share of enforcement periods in the interval that were throttled, percent. */
  cpuThrottledPercent: number | null;
  /** Throttled enforcement periods per second over the interval. */
  cpuThrottledPeriodsPerSecond: number | null;
  /** Seconds throttled per second over the interval (0.5 = throttled half the time). */
  cpuThrottledSecondsPerSecond: number | null;
  cpuLimitCores: number | null;

  /** Working set: usage minus inactive file cache. */
  memoryUsed: number | null;
  /** Raw usage, page cache included. */
  memoryUsage: number | null;
  memoryLimit: number | null;
  memoryPercent: number | null;
  /** True when memoryPercent is relative to host memory because the container has no limit. */
  memoryPercentOfHost: boolean;
  /** OOM kills since the cgroup was made (counter; see ContainerReading.memoryOomKills). */
  memoryOomKills: number | null;
  /** OOM kills in this interval; null on the first reading or after a reset. */
  memoryOomKillsNew: number | null;
  /** v2 `oom` events (counter). */
  memoryOomEvents: number | null;
  /** Times usage hit the limit (counter: v2 `max`, v1 failcnt). */
  memoryLimitHits: number | null;
  memoryLimitHitsPerSecond: number | null;
  /** v2 `high` events (counter). */
  memoryHighEvents: number | null;
  /** Restarts the engine counted (its RestartCount); null without an engine. */
  restarts: number | null;
  /** Restarts in this interval; null on the first reading. */
  restartsNew: number | null;
  /** The engine's state, refreshed with its restart count; null (or absent) without an engine. */
  state?: ContainerState | null;
  /** The last exit's code while exited; null while running or without an engine. */
  exitCode?: number | null;
  /** Whether the last exit was an OOM kill, as the engine tells it; null without an engine. */
  oomKilled?: boolean | null;

  blockReadBytes: number | null;
  blockWriteBytes: number | null;
  blockReadBps: number | null;
  blockWriteBps: number | null;
  blockReadIops: number | null;
  blockWriteIops: number | null;

  netRxBytes: number | null;
  netTxBytes: number | null;
  netRxPackets: number | null;
  netTxPackets: number | null;
  netRxBps: number | null;
  netTxBps: number | null;
  netRxPps: number | null;
  netTxPps: number | null;
  interfaces: NetInterfaceMetrics[];

  pids: number | null;
  pidsLimit: number | null;
  /** GPU memory held by the container's processes (NVIDIA compute apps), bytes; null when unknown. */
  gpuMemoryBytes: number | null;
  problems: SourceProblem[];
}

export type ContainerNumericField = {
  [K in keyof ContainerMetrics]-?: ContainerMetrics[K] extends number | null ? K : never;
}[keyof ContainerMetrics];

export const containerNumericFields = [
  'cpuPercent',
  'cpuPercentOfHost',
  'cpuSeconds',
  'cpuThrottledPercent',
  'memoryUsed',
  'memoryUsage',
  'memoryLimit',
  'memoryPercent',
  'blockReadBytes',
  'blockWriteBytes',
  'blockReadBps',
  'blockWriteBps',
  'blockReadIops',
  'blockWriteIops',
  'netRxBytes',
  'netTxBytes',
  'netRxBps',
  'netTxBps',
  'netRxPps',
  'netTxPps',
  'pids',
  'pidsLimit',
  'cpuPercentOfLimit',
  'cpuThrottledPeriodsPerSecond',
  'cpuThrottledSecondsPerSecond',
  'memoryOomKills',
  'memoryOomKillsNew',
  'memoryOomEvents',
  'memoryLimitHits',
  'memoryLimitHitsPerSecond',
  'memoryHighEvents',
  'restarts',
  'restartsNew',
  'gpuMemoryBytes',
] as const satisfies ReadonlyArray<ContainerNumericField>;
