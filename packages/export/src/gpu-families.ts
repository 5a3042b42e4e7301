import type { GpuMetrics } from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import { type FamilySpec, uniqueBy, writeTable } from './family-table.js';
import type { MetricFamily } from './metric-family.js';
import type { SampleWriter } from './sample-writer.js';
import { METRIC_PREFIX } from './system-families.js';

const g = (name: string) => `${METRIC_PREFIX}_gpu_${name}`;
const ratio = (v: number | null) => (v === null ? null : v / 100);

/**
 * GPU families in base units (ratios 0..1, bytes, watts, hertz, celsius). Peers: NVIDIA's
 * dcgm-exporter (default counters), named beside each; the apps README lists them.
 */
const gpuSpecs: ReadonlyArray<FamilySpec<GpuMetrics>> = [
  // DCGM_FI_DEV_GPU_UTIL (percent)
  {
    name: g('utilization_ratio'),
    type: 'gauge',
    help: 'GPU busy over the driver’s sample window, 0..1.',
    value: (m) => ratio(m.utilizationPercent),
  },
  // DCGM_FI_DEV_MEM_COPY_UTIL (percent)
  {
    name: g('memory_utilization_ratio'),
    type: 'gauge',
    help: 'Memory controller busy, 0..1.',
    value: (m) => ratio(m.memoryUtilizationPercent),
  },
  // DCGM_FI_DEV_FB_USED (MiB)
  {
    name: g('memory_used_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Device memory in use, bytes.',
    value: (m) => m.memoryUsedBytes,
  },
  // DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE (MiB)
  {
    name: g('memory_total_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Device memory size, bytes.',
    value: (m) => m.memoryTotalBytes,
  },
  // DCGM_FI_DEV_POWER_USAGE (W)
  { name: g('power_watts'), type: 'gauge', help: 'Power draw, watts.', value: (m) => m.powerWatts },
  // DCGM_FI_DEV_POWER_MGMT_LIMIT (W)
  {
    name: g('power_limit_watts'),
    type: 'gauge',
    help: 'Enforced power limit, watts.',
    value: (m) => m.powerLimitWatts,
  },
  // DCGM_FI_DEV_GPU_TEMP (C)
  {
    name: g('temperature_celsius'),
    type: 'gauge',
    help: 'Core temperature, degrees Celsius.',
    value: (m) => m.temperatureCelsius,
  },
  // DCGM_FI_DEV_SLOWDOWN_TEMP (C)
  {
    name: g('slowdown_temperature_celsius'),
    type: 'gauge',
    help: 'Temperature at which the device slows down, degrees Celsius.',
    value: (m) => m.slowdownTemperatureCelsius,
  },
  // DCGM_FI_DEV_SM_CLOCK (MHz)
  { name: g('sm_clock_hertz'), type: 'gauge', help: 'SM clock, hertz.', value: (m) => m.smClockHz },
  // DCGM_FI_DEV_MEM_CLOCK (MHz)
  {
    name: g('memory_clock_hertz'),
    type: 'gauge',
    help: 'Memory clock, hertz.',
    value: (m) => m.memoryClockHz,
  },
  // DCGM_FI_DEV_FAN_SPEED (percent)
  {
    name: g('fan_speed_ratio'),
    type: 'gauge',
    help: 'Fan speed, 0..1 (absent on passive cooling).',
    value: (m) => ratio(m.fanPercent),
  },
  // DCGM_FI_DEV_PSTATE
  {
    name: g('performance_state'),
    type: 'gauge',
    help: 'Performance state, 0 = P0 (fastest).',
    value: (m) => m.performanceState,
  },
  // DCGM_FI_DEV_ECC_SBE_VOL_TOTAL
  {
    name: g('ecc_corrected_errors'),
    type: 'counter',
    help: 'Corrected ECC errors since the driver loaded.',
    value: (m) => m.eccCorrectedErrors,
  },
  // DCGM_FI_DEV_ECC_DBE_VOL_TOTAL
  {
    name: g('ecc_uncorrected_errors'),
    type: 'counter',
    help: 'Uncorrected ECC errors since the driver loaded.',
    value: (m) => m.eccUncorrectedErrors,
  },
  // DCGM_FI_DEV_ENC_UTIL, DCGM_FI_DEV_DEC_UTIL (percent)
  {
    name: g('encoder_utilization_ratio'),
    type: 'gauge',
    help: 'Video encoder busy, 0..1.',
    value: (m) => ratio(m.encoderPercent),
  },
  {
    name: g('decoder_utilization_ratio'),
    type: 'gauge',
    help: 'Video decoder busy, 0..1.',
    value: (m) => ratio(m.decoderPercent),
  },
  // Apple Silicon (no dcgm peer)
  {
    name: g('renderer_utilization_ratio'),
    type: 'gauge',
    help: 'Renderer busy (Apple), 0..1.',
    value: (m) => ratio(m.rendererPercent),
  },
  {
    name: g('tiler_utilization_ratio'),
    type: 'gauge',
    help: 'Tiler busy (Apple), 0..1.',
    value: (m) => ratio(m.tilerPercent),
  },
];

interface GpuProcessRow {
  gpu: GpuMetrics;
  pid: number;
  bytes: number | null;
  container: string | null;
}

/**
 * Per-device families labelled {gpu, uuid, name, parent} (dcgm-exporter: gpu, UUID, modelName;
 * `parent` is the GPU of a MIG instance, empty otherwise), and GPU memory per process labelled
 * {gpu, pid, container} (sum by container for a container's GPU memory).
 */
export function gpuFamilies(gpus: ReadonlyArray<GpuMetrics>): MetricFamily[] {
  return collectFamilies((writer) => writeGpus(writer, gpus));
}

/** `gpuFamilies` through a writer. */
export function writeGpus(writer: SampleWriter, gpus: ReadonlyArray<GpuMetrics>): void {
  const list = uniqueBy(gpus, (m) => m.id);
  writeTable(writer, gpuSpecs, list, (m) => ({
    gpu: m.index === null ? '' : String(m.index),
    uuid: m.uuid ?? m.id,
    name: m.name,
    parent: m.parentId ?? '',
  }));
  const rows: GpuProcessRow[] = list.flatMap((gpu) =>
    gpu.processes.map((p) => ({
      gpu,
      pid: p.pid,
      bytes: p.usedMemoryBytes,
      container: p.container,
    })),
  );
  writeTable<GpuProcessRow>(
    writer,
    [
      {
        name: g('process_memory_used_bytes'),
        type: 'gauge',
        unit: 'bytes',
        help: 'GPU memory held by a process, bytes (container empty for the host).',
        value: (r) => r.bytes,
      },
    ],
    uniqueBy(rows, (r) => `${r.gpu.id}/${r.pid}`),
    (r) => ({ uuid: r.gpu.uuid ?? r.gpu.id, pid: String(r.pid), container: r.container ?? '' }),
  );
}
