import { counterDeltaValue, counterRate } from './counter-delta.js';
import { intervalSeconds } from './compute-system-metrics.js';
import type { ContainerMetrics } from './container-metrics.js';
import type { ContainerReading } from './container-reading.js';
import { computeInterfaceMetrics } from './net-metrics.js';
import { sumCounted, sumRates } from './sum-rates.js';
import { clamp } from './units.js';

/** Turns two readings of one container into metrics; rates are null on the first reading. */
export function computeContainerMetrics(
  previous: ContainerReading | null | undefined,
  current: ContainerReading,
): ContainerMetrics {
  const seconds = intervalSeconds(previous, current);
  const prev = seconds === null ? null : (previous ?? null);
  const cpuPercent = containerCpuPercent(prev, current, seconds);
  const quota =
    current.cpuLimitCores !== null && current.cpuLimitCores > 0 ? current.cpuLimitCores : null;
  const interfaces = computeInterfaceMetrics(prev?.interfaces, current.interfaces ?? [], seconds);
  const periods = counterDeltaValue(prev?.cpuPeriods, current.cpuPeriods ?? Number.NaN);
  const throttled = counterDeltaValue(
    prev?.cpuThrottledPeriods,
    current.cpuThrottledPeriods ?? Number.NaN,
  );
  const limit = current.memoryLimit;
  const memoryBase = limit ?? current.hostMemoryTotal;
  const used = current.memoryWorkingSet;
  const hasNet = current.interfaces !== null;

  return {
    id: current.id,
    name: current.name,
    runtime: current.runtime,
    source: current.source,
    cgroupPath: current.cgroupPath,
    labels: current.labels,
    timestamp: current.time,
    monotonicMs: current.monotonicMs,
    intervalMs: seconds === null ? null : seconds * 1000,
    cpuPercent,
    cpuPercentOfHost:
      cpuPercent === null || current.hostCpuCount <= 0
        ? null
        : clamp(cpuPercent / current.hostCpuCount, 0, 100),
    // A quota's periods can let a burst run past it within an interval: not clamped at 100.
    cpuPercentOfLimit:
      cpuPercent === null || quota === null ? null : Math.max(0, cpuPercent / quota),
    cpuSeconds: current.cpuSeconds,
    cpuThrottledPeriods: current.cpuThrottledPeriods,
    cpuThrottledSeconds: current.cpuThrottledSeconds,
    cpuThrottledPercent:
      periods !== null && throttled !== null && periods > 0
        ? clamp((100 * throttled) / periods, 0, 100)
        : null,
    cpuThrottledPeriodsPerSecond: counterRate(
      prev?.cpuThrottledPeriods,
      current.cpuThrottledPeriods,
      seconds,
    ),
    cpuThrottledSecondsPerSecond: counterRate(
      prev?.cpuThrottledSeconds,
      current.cpuThrottledSeconds,
      seconds,
    ),
    cpuLimitCores: current.cpuLimitCores,
    memoryUsed: used,
    memoryUsage: current.memoryUsage,
    memoryLimit: limit,
    memoryPercent:
      used !== null && memoryBase !== null && memoryBase > 0
        ? clamp((100 * used) / memoryBase, 0, 100)
        : null,
    memoryPercentOfHost: limit === null,
    memoryOomKills: current.memoryOomKills ?? null,
    memoryOomKillsNew:
      prev && current.memoryOomKills != null
        ? counterDeltaValue(prev.memoryOomKills, current.memoryOomKills)
        : null,
    memoryOomEvents: current.memoryOomEvents ?? null,
    memoryLimitHits: current.memoryLimitHits ?? null,
    memoryLimitHitsPerSecond: counterRate(prev?.memoryLimitHits, current.memoryLimitHits, seconds),
    memoryHighEvents: current.memoryHighEvents ?? null,
    restarts: current.restartCount ?? null,
    restartsNew:
      prev && current.restartCount != null
        ? counterDeltaValue(prev.restartCount, current.restartCount)
        : null,
    // Only where an engine gave them: readings without one keep the shape they always had.
    ...(current.state !== undefined || current.restartCount !== undefined
      ? {
          state: current.state ?? null,
          exitCode: current.exitCode ?? null,
          oomKilled: current.oomKilled ?? null,
        }
      : {}),
    blockReadBytes: current.blockReadBytes,
    blockWriteBytes: current.blockWriteBytes,
    blockReadBps: counterRate(prev?.blockReadBytes, current.blockReadBytes, seconds),
    blockWriteBps: counterRate(prev?.blockWriteBytes, current.blockWriteBytes, seconds),
    blockReadIops: counterRate(prev?.blockReadOps, current.blockReadOps, seconds),
    blockWriteIops: counterRate(prev?.blockWriteOps, current.blockWriteOps, seconds),
    netRxBytes: hasNet ? sumCounted(interfaces, (i) => i.rxBytes) : null,
    netTxBytes: hasNet ? sumCounted(interfaces, (i) => i.txBytes) : null,
    netRxPackets: hasNet ? sumCounted(interfaces, (i) => i.rxPackets) : null,
    netTxPackets: hasNet ? sumCounted(interfaces, (i) => i.txPackets) : null,
    netRxBps: hasNet ? sumRates(interfaces, (i) => i.rxBps, seconds) : null,
    netTxBps: hasNet ? sumRates(interfaces, (i) => i.txBps, seconds) : null,
    netRxPps: hasNet ? sumRates(interfaces, (i) => i.rxPps, seconds) : null,
    netTxPps: hasNet ? sumRates(interfaces, (i) => i.txPps, seconds) : null,
    interfaces,
    pids: current.pids,
    pidsLimit: current.pidsLimit,
    gpuMemoryBytes: current.gpuMemoryBytes ?? null,
    problems: current.problems,
  };
}

/**
 * Docker Engine source: delta usage / delta system CPU x online CPUs (SEMANTICS.md). Cgroup
 * source: delta CPU seconds / delta wall seconds. Either way 200 = two busy cores.
 */
function containerCpuPercent(
  prev: ContainerReading | null,
  now: ContainerReading,
  seconds: number | null,
): number | null {
  if (!prev || now.cpuSeconds === null) return null;
  const used = counterDeltaValue(prev.cpuSeconds, now.cpuSeconds);
  if (used === null) return null;
  const cap = 100 * Math.max(1, now.hostCpuCount);
  if (now.systemCpuSeconds !== null && prev.systemCpuSeconds !== null) {
    const system = counterDeltaValue(prev.systemCpuSeconds, now.systemCpuSeconds);
    if (system === null || system <= 0) return null;
    return clamp((used / system) * now.hostCpuCount * 100, 0, cap);
  }
  if (seconds === null) return null;
  return clamp((100 * used) / seconds, 0, cap);
}
