import type { GpuProcessReading, GpuReading, ReadingStamp } from '@arcbox/perf-core';
import { type ComputeApp, parseComputeApps, parseQueryGpuLine } from './parse-nvidia-csv.js';
import { parseNvidiaSmiXml } from './parse-nvidia-smi-xml.js';

/** What `-q -x` adds to a device the query interface reads: its slowdown threshold, its MIGs. */
export interface NvidiaDetail {
  slowdown: number | null;
  migs: GpuReading[];
}

/** The most GPUs one tick keeps (lines past it are dropped). */
export const MAX_TICK_GPUS = 64;

/**
 * What one round of the NVIDIA source was made from, as nvidia-smi printed it: the stream lines
 * of the tick, the compute-apps answer in use (with the container each pid was given) and the
 * `-q -x` answer in use. A recording keeps exactly this; `nvidiaReadingsFromRaw` rebuilds the
 * round from it.
 */
export interface NvidiaRawRound {
  lines: string[];
  apps: NvidiaAppsAnswer | null;
  detail: string | null;
}

/** A `--query-compute-apps` answer and the container id each of its pids was given (null = host). */
export interface NvidiaAppsAnswer {
  text: string;
  containers: Record<string, string | null>;
}

/** Compute apps by GPU uuid, each pid given its container. */
export function appsByUuid(
  apps: readonly ComputeApp[],
  containerOf: (pid: number) => string | null,
): Map<string, GpuProcessReading[]> {
  const out = new Map<string, GpuProcessReading[]>();
  for (const app of apps) {
    const list = out.get(app.gpuUuid) ?? [];
    list.push({
      pid: app.pid,
      usedMemoryBytes: app.usedMemoryBytes,
      container: containerOf(app.pid),
    });
    out.set(app.gpuUuid, list);
  }
  return out;
}

/** `-q -x` by device id: slowdown threshold and MIG instances under their parent. */
export function detailsById(xml: string, stamp: ReadingStamp): Map<string, NvidiaDetail> {
  const out = new Map<string, NvidiaDetail>();
  for (const d of parseNvidiaSmiXml(xml, stamp)) {
    const r = d.reading;
    if (r.parentId === null) out.set(r.id, { slowdown: r.slowdownTemperatureCelsius, migs: [] });
    else out.get(r.parentId)?.migs.push(r);
  }
  return out;
}

/** The tick's devices with the latest details and compute apps; MIGs right after their parent. */
export function assembleNvidiaReadings(
  tick: readonly GpuReading[],
  details: ReadonlyMap<string, NvidiaDetail>,
  apps: ReadonlyMap<string, GpuProcessReading[]>,
): GpuReading[] {
  const out: GpuReading[] = [];
  for (const r of tick) {
    const d = details.get(r.id);
    out.push({
      ...r,
      slowdownTemperatureCelsius: d?.slowdown ?? null,
      processes: apps.get(r.id) ?? [],
    });
    for (const mig of d?.migs ?? [])
      out.push({ ...mig, processes: mig.uuid ? (apps.get(mig.uuid) ?? []) : [] });
  }
  return out;
}

/**
 * A round rebuilt from what nvidia-smi printed (a recording's replay): the same parsers and the
 * same assembly as the live collector, every reading stamped `stamp`. Lines it cannot read are
 * skipped, at most 64 devices kept; a pid without a recorded container is the host's.
 */
export function nvidiaReadingsFromRaw(raw: NvidiaRawRound, stamp: ReadingStamp): GpuReading[] {
  const tick: GpuReading[] = [];
  for (const line of raw.lines) {
    if (tick.length >= MAX_TICK_GPUS) break;
    const r = parseQueryGpuLine(line, stamp);
    if (r) tick.push(r);
  }
  const details = raw.detail === null ? new Map() : detailsById(raw.detail, stamp);
  const containers = raw.apps?.containers ?? {};
  const apps =
    raw.apps === null
      ? new Map()
      : appsByUuid(parseComputeApps(raw.apps.text), (pid) =>
          Object.hasOwn(containers, String(pid)) ? (containers[String(pid)] ?? null) : null,
        );
  return assembleNvidiaReadings(tick, details, apps);
}
