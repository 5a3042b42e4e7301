import { counterRate } from './counter-delta.js';
import { cpuUsage } from './cpu-times.js';
import { computeInterfaceMetrics } from './net-metrics.js';
import type { DiskReading, SystemReading } from './system-reading.js';
import type { CoreCpuMetrics, DiskMetrics, SystemMetrics } from './system-metrics.js';
import { sumCounted, sumRates } from './sum-rates.js';
import { clamp } from './units.js';

/** Seconds between two readings by the monotonic clock; null without a usable earlier one. */
export function intervalSeconds(
  previous: { monotonicMs: number } | null | undefined,
  current: { monotonicMs: number },
): number | null {
  if (!previous) return null;
  const ms = current.monotonicMs - previous.monotonicMs;
  return ms > 0 && Number.isFinite(ms) ? ms / 1000 : null;
}

/** Turns two readings of a host into metrics. With no previous reading, every rate is null. */
export function computeSystemMetrics(
  previous: SystemReading | null | undefined,
  current: SystemReading,
): SystemMetrics {
  const seconds = intervalSeconds(previous, current);
  const prev = seconds === null ? null : (previous ?? null);

  const usage = prev?.cpu && current.cpu ? cpuUsage(prev.cpu.total, current.cpu.total) : null;
  const cpuPerCore: CoreCpuMetrics[] = (current.cpu?.cores ?? []).map((core) => {
    const was = prev?.cpu?.cores.find((c) => c.id === core.id);
    return {
      id: core.id,
      percent: was ? (cpuUsage(was.times, core.times)?.percent ?? null) : null,
    };
  });

  const mem = current.memory;
  const disks = (current.disks ?? []).map((d) => diskMetrics(prev?.disks, d, seconds));
  const interfaces = computeInterfaceMetrics(prev?.interfaces, current.interfaces ?? [], seconds);
  const pressure = current.pressure;
  const b = usage?.breakdown;

  return {
    platform: current.platform,
    timestamp: current.time,
    monotonicMs: current.monotonicMs,
    intervalMs: seconds === null ? null : seconds * 1000,
    cpuCount: current.cpuCount,
    cpuPercent: usage?.percent ?? null,
    cpuPerCore,
    cpuUser: b?.user ?? null,
    cpuNice: b?.nice ?? null,
    cpuSystem: b?.system ?? null,
    cpuIdle: b?.idle ?? null,
    cpuIowait: b?.iowait ?? null,
    cpuSteal: b?.steal ?? null,
    cpuIrq: b ? clamp(b.irq + b.softirq, 0, 100) : null,
    cpuTimes: current.cpu?.total ?? null,
    cpuCoreTimes: current.cpu?.cores ?? [],

    memoryTotal: mem?.total ?? null,
    memoryUsed: mem?.used ?? null,
    memoryAvailable: mem?.available ?? null,
    memoryFree: mem?.free ?? null,
    memoryCached: mem?.cached ?? null,
    memoryBuffers: mem?.buffers ?? null,
    memoryShared: mem?.shared ?? null,
    memoryPercent: mem && mem.total > 0 ? clamp((100 * mem.used) / mem.total, 0, 100) : null,
    memoryApp: mem?.app ?? null,
    memoryWired: mem?.wired ?? null,
    memoryCompressed: mem?.compressed ?? null,
    memoryAvailableEstimated: mem?.availableEstimated ?? false,
    swapTotal: mem?.swapTotal ?? null,
    swapUsed: mem?.swapUsed ?? null,
    swapFree: mem?.swapFree ?? null,

    cpuPressure: pressure?.cpu?.some?.avg10 ?? null,
    memoryPressure: pressure?.memory?.some?.avg10 ?? null,
    memoryPressureFull: pressure?.memory?.full?.avg10 ?? null,
    ioPressure: pressure?.io?.some?.avg10 ?? null,
    memoryPressureLevel: pressure?.memoryLevel ?? null,

    diskReadBytes: current.disks ? sumCounted(disks, (d) => d.readBytes) : null,
    diskWriteBytes: current.disks ? sumCounted(disks, (d) => d.writeBytes) : null,
    diskReadBps: current.disks ? sumRates(disks, (d) => d.readBps, seconds) : null,
    diskWriteBps: current.disks ? sumRates(disks, (d) => d.writeBps, seconds) : null,
    diskTotalBps: current.disks ? sumRates(disks, (d) => d.totalBps, seconds) : null,
    diskReadIops: current.disks ? sumRates(disks, (d) => d.readIops, seconds) : null,
    diskWriteIops: current.disks ? sumRates(disks, (d) => d.writeIops, seconds) : null,
    disks,

    netRxBytes: current.interfaces ? sumCounted(interfaces, (i) => i.rxBytes) : null,
    netTxBytes: current.interfaces ? sumCounted(interfaces, (i) => i.txBytes) : null,
    netRxBps: current.interfaces ? sumRates(interfaces, (i) => i.rxBps, seconds) : null,
    netTxBps: current.interfaces ? sumRates(interfaces, (i) => i.txBps, seconds) : null,
    netRxPps: current.interfaces ? sumRates(interfaces, (i) => i.rxPps, seconds) : null,
    netTxPps: current.interfaces ? sumRates(interfaces, (i) => i.txPps, seconds) : null,
    interfaces,

    load1: current.load?.load1 ?? null,
    load5: current.load?.load5 ?? null,
    load15: current.load?.load15 ?? null,
    problems: current.problems,
  };
}

function diskMetrics(
  previous: readonly DiskReading[] | null | undefined,
  now: DiskReading,
  seconds: number | null,
): DiskMetrics {
  const was = previous?.find((d) => d.name === now.name);
  const busyMs = counterRate(was?.ioTimeMs, now.ioTimeMs, seconds);
  return {
    name: now.name,
    kind: now.kind,
    countedInTotal: now.countedInTotal,
    readBytes: now.readBytes,
    writeBytes: now.writeBytes,
    readOps: now.readOps,
    writeOps: now.writeOps,
    readBps: counterRate(was?.readBytes, now.readBytes, seconds),
    writeBps: counterRate(was?.writeBytes, now.writeBytes, seconds),
    totalBps: counterRate(was?.totalBytes, now.totalBytes, seconds),
    readIops: counterRate(was?.readOps, now.readOps, seconds),
    writeIops: counterRate(was?.writeOps, now.writeOps, seconds),
    busyPercent: busyMs === null ? null : clamp(busyMs / 10, 0, 100),
  };
}
