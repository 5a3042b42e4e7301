import type { ReadingStamp, SourceProblem } from './reading.js';

/** Who made the GPU and so which tool read it. */
export type GpuVendor = 'nvidia' | 'apple';

/** One process holding GPU memory on a device (NVIDIA's compute apps). */
export interface GpuProcessReading {
  pid: number;
  /** GPU memory the process holds, bytes; null where the driver does not say (`[N/A]`). */
  usedMemoryBytes: number | null;
  /** Id of the container it runs in (the container collector's id); null = the host. */
  container: string | null;
}

/**
 * One GPU (or one MIG instance of a GPU) as its platform's reader saw it (SEMANTICS.md, GPUs).
 * Every figure the device or driver does not give ("N/A", "[Not Supported]", absent) is null,
 * never 0. Nothing here is a rate: utilisation is the driver's own percentage over its sample
 * window; ECC error counts are cumulative counters.
 */
export interface GpuReading extends ReadingStamp {
  /** Series id: the device's UUID; a MIG instance is `<parent uuid>/mig<gi>.<ci>`. */
  id: string;
  vendor: GpuVendor;
  /** The driver's device index (nvidia-smi's `index`; a MIG instance's own index); null when none. */
  index: number | null;
  uuid: string | null;
  /** Product name (`NVIDIA A10G`, `Apple M2 Pro`). */
  name: string;
  /** A MIG instance's parent GPU id; null for a whole device. Its memory is part of the parent's. */
  parentId: string | null;

  utilizationPercent: number | null;
  /** Share of time the memory controller was busy (NVIDIA `utilization.memory`). */
  memoryUtilizationPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  powerWatts: number | null;
  powerLimitWatts: number | null;
  temperatureCelsius: number | null;
  /** The temperature at which the device slows itself down (`gpu_temp_slow_threshold`). */
  slowdownTemperatureCelsius: number | null;
  smClockHz: number | null;
  memoryClockHz: number | null;
  fanPercent: number | null;
  /** Performance state: 0 for P0 (fastest) up to 15; null when not reported. */
  performanceState: number | null;
  /** Active clock throttle (event) reasons by name (`sw_power_cap`); null when not reported. */
  throttleReasons: string[] | null;
  /** Corrected ECC errors since the driver loaded (volatile total); null without ECC. */
  eccCorrectedErrors: number | null;
  /** Uncorrected ECC errors since the driver loaded (volatile total). */
  eccUncorrectedErrors: number | null;
  encoderPercent: number | null;
  decoderPercent: number | null;
  /** Apple: renderer utilisation %. */
  rendererPercent: number | null;
  /** Apple: tiler utilisation %. */
  tilerPercent: number | null;
  /** Apple: system memory allocated to the GPU, bytes (unified memory). */
  memoryAllocatedBytes: number | null;

  /** Processes holding memory on this device; empty when none or not known. */
  processes: GpuProcessReading[];
  problems: SourceProblem[];
}

/** A reading with every figure null, for readers to fill in. */
export function emptyGpuReading(
  base: Pick<GpuReading, 'id' | 'vendor' | 'name' | 'monotonicMs' | 'time'> & Partial<GpuReading>,
): GpuReading {
  return {
    index: null,
    uuid: null,
    parentId: null,
    utilizationPercent: null,
    memoryUtilizationPercent: null,
    memoryUsedBytes: null,
    memoryTotalBytes: null,
    powerWatts: null,
    powerLimitWatts: null,
    temperatureCelsius: null,
    slowdownTemperatureCelsius: null,
    smClockHz: null,
    memoryClockHz: null,
    fanPercent: null,
    performanceState: null,
    throttleReasons: null,
    eccCorrectedErrors: null,
    eccUncorrectedErrors: null,
    encoderPercent: null,
    decoderPercent: null,
    rendererPercent: null,
    tilerPercent: null,
    memoryAllocatedBytes: null,
    processes: [],
    problems: [],
    ...base,
  };
}
