import { emptyGpuReading, type GpuReading, PerfError, type ReadingStamp } from '@arcbox/perf-core';
import { nvidiaNumber, performanceState } from './nvidia-value.js';
import { child, parseXml, textAt, type XmlElement } from './parse-xml.js';

/** A process on a GPU as `-q -x` lists it (before it is given a container). */
export interface NvidiaXmlProcess {
  pid: number;
  usedMemoryBytes: number | null;
  /** The MIG GPU instance it runs on; null on a whole GPU. */
  gpuInstanceId: number | null;
  computeInstanceId: number | null;
  name: string | null;
}

/** A GPU or MIG instance from `-q -x`, with the processes the device lists. */
export interface NvidiaXmlDevice {
  reading: GpuReading;
  /** Set on a whole GPU: its processes (a MIG process names its instance in `gpuInstanceId`). */
  processes: NvidiaXmlProcess[];
}

const MAX_GPUS = 64;
const MAX_MIG = 64;
const MAX_PROCESSES = 4096;

/**
 * Parses `nvidia-smi -q -x` (DTD v11 to v13): one reading per GPU, then one per MIG instance
 * right after its parent (`parentId` set; its memory is part of the parent's, not added to it).
 * Element names that moved between DTD versions are read from either place:
 * `clocks_throttle_reasons` / `clocks_event_reasons`, `power_readings` / `gpu_power_readings`
 * (`power_draw` / `instant_power_draw`, `power_limit` / `current_power_limit`). Values that read
 * N/A or are absent are null. A document that is not nvidia-smi's throws PARSE_ERROR.
 */
export function parseNvidiaSmiXml(text: string, stamp: ReadingStamp): NvidiaXmlDevice[] {
  const doc = parseXml(text);
  const log = child(doc, 'nvidia_smi_log');
  if (!log) throw parseXmlError('no <nvidia_smi_log> element');
  const out: NvidiaXmlDevice[] = [];
  for (const gpu of log.children.filter((c) => c.name === 'gpu').slice(0, MAX_GPUS)) {
    const uuid = textAt(gpu, 'uuid') ?? null;
    const id = uuid ?? gpu.attrs.id ?? `gpu${out.length}`;
    const name = textAt(gpu, 'product_name') ?? 'NVIDIA GPU';
    const power = child(gpu, 'gpu_power_readings') ?? child(gpu, 'power_readings');
    const clocks = child(gpu, 'clocks');
    const util = child(gpu, 'utilization');
    const reasons = child(gpu, 'clocks_event_reasons') ?? child(gpu, 'clocks_throttle_reasons');
    const volatile = child(child(gpu, 'ecc_errors'), 'volatile');
    const reading = emptyGpuReading({
      ...stamp,
      id,
      vendor: 'nvidia',
      name,
      uuid,
      index: nvidiaNumber(textAt(gpu, 'minor_number')),
      utilizationPercent: nvidiaNumber(textAt(util, 'gpu_util')),
      memoryUtilizationPercent: nvidiaNumber(textAt(util, 'memory_util')),
      encoderPercent: nvidiaNumber(textAt(util, 'encoder_util')),
      decoderPercent: nvidiaNumber(textAt(util, 'decoder_util')),
      memoryUsedBytes: nvidiaNumber(textAt(gpu, 'fb_memory_usage', 'used')),
      memoryTotalBytes: nvidiaNumber(textAt(gpu, 'fb_memory_usage', 'total')),
      powerWatts: nvidiaNumber(textAt(power, 'instant_power_draw') ?? textAt(power, 'power_draw')),
      powerLimitWatts: nvidiaNumber(
        textAt(power, 'current_power_limit') ?? textAt(power, 'power_limit'),
      ),
      temperatureCelsius: nvidiaNumber(textAt(gpu, 'temperature', 'gpu_temp')),
      slowdownTemperatureCelsius: nvidiaNumber(
        textAt(gpu, 'temperature', 'gpu_temp_slow_threshold'),
      ),
      smClockHz: nvidiaNumber(textAt(clocks, 'sm_clock')),
      memoryClockHz: nvidiaNumber(textAt(clocks, 'mem_clock')),
      fanPercent: nvidiaNumber(textAt(gpu, 'fan_speed')),
      performanceState: performanceState(textAt(gpu, 'performance_state')),
      throttleReasons: reasons ? activeReasons(reasons) : null,
      eccCorrectedErrors: eccSum(volatile, false),
      eccUncorrectedErrors: eccSum(volatile, true),
    });
    const processes: NvidiaXmlProcess[] = [];
    for (const p of child(gpu, 'processes')?.children ?? []) {
      if (p.name !== 'process_info' || processes.length >= MAX_PROCESSES) continue;
      const pid = nvidiaNumber(textAt(p, 'pid'));
      if (pid === null || !Number.isInteger(pid) || pid <= 0) continue;
      processes.push({
        pid,
        usedMemoryBytes: nvidiaNumber(textAt(p, 'used_memory')),
        gpuInstanceId: nvidiaNumber(textAt(p, 'gpu_instance_id')),
        computeInstanceId: nvidiaNumber(textAt(p, 'compute_instance_id')),
        name: textAt(p, 'process_name') ?? null,
      });
    }
    out.push({ reading, processes });
    const migs = child(gpu, 'mig_devices')?.children.filter((c) => c.name === 'mig_device') ?? [];
    for (const mig of migs.slice(0, MAX_MIG)) {
      const gi = nvidiaNumber(textAt(mig, 'gpu_instance_id'));
      const ci = nvidiaNumber(textAt(mig, 'compute_instance_id'));
      const migVolatile = child(child(mig, 'ecc_error_count'), 'volatile_count');
      out.push({
        reading: emptyGpuReading({
          ...stamp,
          id: `${id}/mig${gi ?? '?'}.${ci ?? '?'}`,
          vendor: 'nvidia',
          name: `${name} MIG ${gi ?? '?'}.${ci ?? '?'}`,
          parentId: id,
          index: nvidiaNumber(textAt(mig, 'index')),
          memoryUsedBytes: nvidiaNumber(textAt(mig, 'fb_memory_usage', 'used')),
          memoryTotalBytes: nvidiaNumber(textAt(mig, 'fb_memory_usage', 'total')),
          eccCorrectedErrors: eccSum(migVolatile, false),
          eccUncorrectedErrors: eccSum(migVolatile, true),
        }),
        processes: [],
      });
    }
  }
  return out;
}

/** Reasons marked `Active`, by their short name (`clocks_event_reason_sw_power_cap` -> `sw_power_cap`). */
function activeReasons(e: XmlElement): string[] {
  return e.children
    .filter((c) => c.text === 'Active')
    .map((c) => c.name.replace(/^clocks_(event|throttle)_reason_/, ''));
}

/**
 * Sum of the volatile ECC counts: `*_correctable` ones, or the uncorrectable ones (`*_uncorrectable`,
 * `*_uncorrectable_parity`, `*_uncorrectable_secded`); null when none is a number (ECC off, N/A).
 */
function eccSum(volatile: XmlElement | undefined, uncorrectable: boolean): number | null {
  let sum: number | null = null;
  for (const c of volatile?.children ?? []) {
    const isUnc = /_uncorrectable(_|$)/.test(c.name);
    const isCorr = /_correctable$/.test(c.name) && !isUnc;
    if (uncorrectable ? !isUnc : !isCorr) continue;
    const v = nvidiaNumber(c.text);
    if (v !== null) sum = (sum ?? 0) + v;
  }
  return sum;
}

function parseXmlError(message: string): PerfError {
  return new PerfError('PARSE_ERROR', `nvidia-smi -q -x: ${message}`);
}
