import type { MemoryPressureLevel } from '@arcbox/perf-core';
import { parseSwapUsage, type SwapUsage, sysctlInteger } from './parse-sysctl.js';

/** The names the collector's one `sysctl` call asks for, printed as `name: value` lines. */
export const DARWIN_SYSCTL_NAMES = [
  'hw.memsize',
  'hw.pagesize',
  'hw.ncpu',
  'vm.swapusage',
  'kern.memorystatus_vm_pressure_level',
] as const;

export interface DarwinSysctl {
  /** Physical memory in bytes (the memory total). */
  memsize: number | null;
  pagesize: number | null;
  ncpu: number | null;
  swap: SwapUsage | null;
  pressureLevel: MemoryPressureLevel | null;
  /** Names that were asked for and not found (older macOS lacks some). */
  missing: string[];
}

/**
 * kern.memorystatus_vm_pressure_level holds the dispatch memory-pressure flag:
 * 1 normal, 2 warn, 4 critical (DISPATCH_MEMORYPRESSURE_*).
 */
const pressureLevels: Record<number, MemoryPressureLevel> = {
  1: 'normal',
  2: 'warn',
  4: 'critical',
};

export function readDarwinSysctl(values: ReadonlyMap<string, string>): DarwinSysctl {
  const level = sysctlInteger(values, 'kern.memorystatus_vm_pressure_level');
  return {
    memsize: positive(sysctlInteger(values, 'hw.memsize')),
    pagesize: pageSize(sysctlInteger(values, 'hw.pagesize')),
    ncpu: positive(sysctlInteger(values, 'hw.ncpu')),
    swap: parseSwapUsage(values.get('vm.swapusage')),
    pressureLevel: level === null ? null : (pressureLevels[level] ?? null),
    missing: DARWIN_SYSCTL_NAMES.filter((name) => !values.has(name)),
  };
}

function positive(n: number | null): number | null {
  return n !== null && n > 0 ? n : null;
}

/** As parseVmStat reads the header: a power of two from 512 bytes to 1 MiB, as on every Mac. */
function pageSize(n: number | null): number | null {
  return n !== null && n >= 512 && n <= 1 << 20 && (n & (n - 1)) === 0 ? n : null;
}
