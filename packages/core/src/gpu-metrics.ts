import type { GpuProcessReading, GpuVendor } from './gpu-reading.js';

/** One GPU (or MIG instance): identity and the figures its reader gave, with derived shares. */
export interface GpuMetrics {
  /** The device UUID (`<parent uuid>/mig<gi>.<ci>` for a MIG instance). */
  id: string;
  /** Product name, what an alert rule's `name` matches. */
  name: string;
  /** `index`, `uuid`, `vendor`, `parent` (empty for a whole device). */
  labels: Record<string, string>;
  timestamp: number;
  monotonicMs: number;

  vendor: GpuVendor;
  index: number | null;
  uuid: string | null;
  parentId: string | null;

  utilizationPercent: number | null;
  memoryUtilizationPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  /** used / total x 100; null unless both are known and total > 0. */
  memoryUsedPercent: number | null;
  powerWatts: number | null;
  powerLimitWatts: number | null;
  temperatureCelsius: number | null;
  slowdownTemperatureCelsius: number | null;
  /** slowdown threshold - temperature: 0 or below means the device is slowing itself down. */
  slowdownMarginCelsius: number | null;
  smClockHz: number | null;
  memoryClockHz: number | null;
  fanPercent: number | null;
  performanceState: number | null;
  throttleReasons: string[] | null;
  eccCorrectedErrors: number | null;
  eccUncorrectedErrors: number | null;
  encoderPercent: number | null;
  decoderPercent: number | null;
  rendererPercent: number | null;
  tilerPercent: number | null;
  memoryAllocatedBytes: number | null;
  /** GPU memory held by the listed processes, bytes; null when no process figure is known. */
  processMemoryBytes: number | null;
  processes: GpuProcessReading[];
}
