import type { GpuMetrics } from './gpu-metrics.js';
import type { GpuReading } from './gpu-reading.js';
import { clamp } from './units.js';

/**
 * One reading of a GPU to metrics. Every figure is a gauge or a cumulative count the driver
 * already keeps (utilisation is its own windowed percentage), so the previous reading is unused.
 */
export function computeGpuMetrics(
  _previous: GpuReading | null | undefined,
  current: GpuReading,
): GpuMetrics {
  const used = current.memoryUsedBytes;
  const total = current.memoryTotalBytes;
  const temp = current.temperatureCelsius;
  const slow = current.slowdownTemperatureCelsius;
  let processMemory: number | null = null;
  for (const p of current.processes)
    if (p.usedMemoryBytes !== null) processMemory = (processMemory ?? 0) + p.usedMemoryBytes;
  return {
    id: current.id,
    name: current.name,
    labels: {
      index: current.index === null ? '' : String(current.index),
      uuid: current.uuid ?? '',
      vendor: current.vendor,
      parent: current.parentId ?? '',
    },
    timestamp: current.time,
    monotonicMs: current.monotonicMs,
    vendor: current.vendor,
    index: current.index,
    uuid: current.uuid,
    parentId: current.parentId,
    utilizationPercent: current.utilizationPercent,
    memoryUtilizationPercent: current.memoryUtilizationPercent,
    memoryUsedBytes: used,
    memoryTotalBytes: total,
    memoryUsedPercent:
      used === null || total === null || total <= 0 ? null : clamp((100 * used) / total, 0, 100),
    powerWatts: current.powerWatts,
    powerLimitWatts: current.powerLimitWatts,
    temperatureCelsius: temp,
    slowdownTemperatureCelsius: slow,
    slowdownMarginCelsius: temp === null || slow === null ? null : slow - temp,
    smClockHz: current.smClockHz,
    memoryClockHz: current.memoryClockHz,
    fanPercent: current.fanPercent,
    performanceState: current.performanceState,
    throttleReasons: current.throttleReasons,
    eccCorrectedErrors: current.eccCorrectedErrors,
    eccUncorrectedErrors: current.eccUncorrectedErrors,
    encoderPercent: current.encoderPercent,
    decoderPercent: current.decoderPercent,
    rendererPercent: current.rendererPercent,
    tilerPercent: current.tilerPercent,
    memoryAllocatedBytes: current.memoryAllocatedBytes,
    processMemoryBytes: processMemory,
    processes: current.processes,
  };
}

/**
 * GPU memory held per container, summed over every device's processes (a process is listed
 * under one device only, so nothing counts twice). Host processes (no container) are left out.
 */
export function gpuMemoryByContainer(
  gpus: readonly Pick<GpuReading, 'processes'>[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const gpu of gpus)
    for (const p of gpu.processes)
      if (p.container !== null && p.usedMemoryBytes !== null)
        out.set(p.container, (out.get(p.container) ?? 0) + p.usedMemoryBytes);
  return out;
}
