import type { NetInterfaceReading, ReadingStamp, SourceProblem } from './reading.js';

/** Who runs the container, as found from its cgroup path or the engine that reported it. */
export type ContainerRuntime =
  | 'docker'
  | 'containerd'
  | 'kubernetes'
  | 'podman'
  | 'nspawn'
  | 'lxc'
  | 'cgroup';

/** Where a container reading came from. */
export type ContainerSource = 'cgroup' | 'docker-api';

/** One reading of one container: counters and gauges, no rates. */
export interface ContainerReading extends ReadingStamp {
  id: string;
  name: string;
  runtime: ContainerRuntime;
  source: ContainerSource;
  /** The cgroup path (relative to the hierarchy root), when read from cgroups. */
  cgroupPath: string | null;
  labels: Record<string, string>;

  /** Cumulative CPU time of the container, seconds. */
  cpuSeconds: number | null;
  /**
   * Docker Engine API only: cumulative host CPU time (`system_cpu_usage`), seconds. When set,
   * CPU % follows Docker's formula (delta usage / delta system x online CPUs).
   */
  systemCpuSeconds: number | null;
  cpuPeriods: number | null;
  cpuThrottledPeriods: number | null;
  cpuThrottledSeconds: number | null;
  /** cpu.max / cfs quota as cores (quota / period); null when unlimited. */
  cpuLimitCores: number | null;
  /** Online CPUs of the host (or what the engine reports). */
  hostCpuCount: number;
  /** Host memory, for memoryPercent when the container has no limit. */
  hostMemoryTotal: number | null;

  /** Raw usage (memory.current / memory.usage_in_bytes), page cache included. */
  memoryUsage: number | null;
  /** Usage minus inactive_file: what `docker stats` shows as used. */
  memoryWorkingSet: number | null;
  /** null when unlimited. */
  memoryLimit: number | null;
  /**
   * Lifecycle counters (SEMANTICS.md, Container lifecycle); absent or null where the source has
   * none (the Docker Engine API, recordings made before they were read).
   * OOM kills of the cgroup's processes: v2 memory.events `oom_kill`, v1 memory.oom_control
   * `oom_kill` (kernel 4.13+).
   */
  memoryOomKills?: number | null;
  /** v2 memory.events `oom`: times the limit was hit and reclaim could not make room. */
  memoryOomEvents?: number | null;
  /** Times usage hit the limit: v2 memory.events `max`, v1 memory.failcnt. */
  memoryLimitHits?: number | null;
  /** v2 memory.events `high`: times usage went past memory.high and was throttled. */
  memoryHighEvents?: number | null;
  /** The engine's RestartCount (inspect); absent or null without an engine. */
  restartCount?: number | null;
  /** The engine's state (inspect `State.Status`); absent or null without an engine. */
  state?: ContainerState | null;
  /** The last exit's code while the container is exited (inspect); null while it runs. */
  exitCode?: number | null;
  /** Whether the last exit was an OOM kill, as the engine tells it (inspect `OOMKilled`). */
  oomKilled?: boolean | null;

  blockReadBytes: number | null;
  blockWriteBytes: number | null;
  blockReadOps: number | null;
  blockWriteOps: number | null;

  /** Interfaces of the container's network namespace; null when unknown. */
  interfaces: NetInterfaceReading[] | null;

  pids: number | null;
  pidsLimit: number | null;
  /** GPU memory held by the container's processes, bytes; null (or absent) when not known. */
  gpuMemoryBytes?: number | null;
  problems: SourceProblem[];
}

/** A container's state as a Docker-compatible engine names it (SEMANTICS.md, Container lifecycle). */
export type ContainerState =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';
