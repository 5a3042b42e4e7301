import type { CoreTimes, CpuReading, CpuTimes } from '@arcbox/perf-core';
import { emptyCpuTimes } from '@arcbox/perf-core';

/** The part of `os.cpus()` the collector reads: per-core ticks in milliseconds. */
export interface OsCpuTimes {
  times: { user: number; nice: number; sys: number; idle: number; irq: number };
}

/** What the collector takes from `node:os`, injectable so a recording replays anywhere. */
export interface DarwinOs {
  cpus(): OsCpuTimes[];
  loadavg(): number[];
}

/**
 * CPU times from `os.cpus()` (host_processor_info on macOS: no process spawned). Node gives
 * milliseconds; CpuTimes are seconds. Cores are identified by their index in the list.
 * Null when Node reports no CPU (it does inside some sandboxes).
 */
export function darwinCpu(cpus: readonly OsCpuTimes[]): CpuReading | null {
  if (cpus.length === 0) return null;
  const total = emptyCpuTimes();
  const cores: CoreTimes[] = cpus.map((cpu, id) => {
    const times = toSeconds(cpu.times);
    for (const key of ['user', 'nice', 'system', 'idle', 'irq'] as const) total[key] += times[key];
    return { id, times };
  });
  return { total, cores };
}

function toSeconds(t: OsCpuTimes['times']): CpuTimes {
  const s = (ms: number) => (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0);
  return {
    ...emptyCpuTimes(),
    user: s(t.user),
    nice: s(t.nice),
    system: s(t.sys),
    idle: s(t.idle),
    irq: s(t.irq),
  };
}
