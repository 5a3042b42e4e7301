import { type MemoryReading, PerfError } from '@arcbox/perf-core';
import type { DarwinSysctl } from './darwin-sysctl.js';
import type { VmStat } from './parse-vm-stat.js';

/** The `missing` entry of a reading whose app memory was estimated from "Pages active". */
export const APP_FROM_ACTIVE = 'app(estimated from active)';

/**
 * Memory per SEMANTICS.md from vm_stat pages and sysctl: total = hw.memsize;
 * app = anonymous - purgeable; used = app + wired + compressed (occupied by compressor);
 * cached = file-backed + purgeable; available = total - used. The page size comes from the
 * vm_stat header (16384 on Apple Silicon), else hw.pagesize; never assumed. A line the vm_stat
 * lacks (pre-10.9: no compressor, file-backed or purgeable) counts 0 and is named in `missing`,
 * except "Anonymous pages": without it app is estimated from "Pages active" (as psutil does, so
 * used = active + wired there), `missing` says `app(estimated from active)` and
 * `availableEstimated` is true.
 */
export function darwinMemory(
  stat: VmStat,
  sysctl: Pick<DarwinSysctl, 'memsize' | 'pagesize' | 'swap'>,
): MemoryReading {
  const pageSize = stat.pageSize ?? sysctl.pagesize;
  if (pageSize === null) {
    throw new PerfError(
      'PARSE_ERROR',
      'no page size: vm_stat has no header and hw.pagesize is missing',
      {
        file: 'vm_stat',
        field: 'page size',
      },
    );
  }
  const total = sysctl.memsize;
  if (total === null) {
    throw new PerfError('PARSE_ERROR', 'hw.memsize is missing: no memory total', {
      file: 'sysctl',
      field: 'hw.memsize',
    });
  }
  const vm = withinBytes(stat, pageSize);
  if (vm.wired === null) {
    throw new PerfError('PARSE_ERROR', 'vm_stat has no "Pages wired down" line', {
      file: 'vm_stat',
      field: 'Pages wired down',
    });
  }
  const missing: string[] = [];
  const term = (value: number | null, name: string): number => {
    if (value === null) missing.push(name);
    return value ?? 0;
  };
  // Before 10.9 vm_stat has no "Anonymous pages" line. Counting app as 0 there would leave
  // used = wired only, a fraction of the truth; psutil's macOS formula (used = active + wired)
  // stands in instead: app is estimated from "Pages active". Active also holds active
  // file-backed pages and lacks inactive anonymous ones, so it is an estimate (said in
  // `missing`), but of the right size where 0 leaves out most of what applications hold.
  const activePages = vm.anonymous === null ? vm.active : null;
  const estimateApp = activePages !== null;
  const anonymous = estimateApp ? null : term(vm.anonymous, 'anonymous');
  if (estimateApp) missing.push(APP_FROM_ACTIVE);
  const purgeable = term(vm.purgeable, 'purgeable');
  const fileBacked = term(vm.fileBacked, 'fileBacked');
  const compressedPages = term(vm.occupiedByCompressor, 'compressed');

  // Purgeable pages are counted as anonymous too; the kernel may take them back at any time.
  const appPages = anonymous === null ? (activePages ?? 0) : Math.max(0, anonymous - purgeable);
  const app = appPages * pageSize;
  const wired = vm.wired * pageSize;
  const compressed = compressedPages * pageSize;
  const used = app + wired + compressed;
  const cached = (fileBacked + purgeable) * pageSize;
  if (!Number.isSafeInteger(used) || !Number.isSafeInteger(cached)) {
    throw new PerfError('PARSE_ERROR', 'vm_stat pages add up past 2^53 bytes', { file: 'vm_stat' });
  }
  const swap = sysctl.swap;
  return {
    total,
    used,
    available: Math.max(0, total - used),
    free: vm.free === null ? null : vm.free * pageSize,
    cached,
    buffers: null,
    shared: null,
    swapTotal: swap?.total ?? null,
    swapFree: swap?.free ?? null,
    swapUsed: swap?.used ?? null,
    app,
    wired,
    compressed,
    // available = total - used, and used holds the estimate.
    availableEstimated: estimateApp,
    missing,
  };
}

/** The gauges darwinMemory reads, multiplied out by the page size. */
const GAUGES = [
  'free',
  'active',
  'wired',
  'anonymous',
  'purgeable',
  'fileBacked',
  'occupiedByCompressor',
] as const;

/**
 * `stat` with each gauge whose bytes would pass 2^53 taken as absent: 8 PiB is no Mac's memory,
 * so such a count is corruption, and an absent line is already handled (named in `missing`,
 * estimated, or refused for wired).
 */
function withinBytes(stat: VmStat, pageSize: number): VmStat {
  const out = { ...stat };
  for (const key of GAUGES) {
    const pages = out[key];
    if (pages !== null && pages * pageSize > Number.MAX_SAFE_INTEGER) out[key] = null;
  }
  return out;
}
