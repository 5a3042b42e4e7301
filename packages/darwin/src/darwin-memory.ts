import { type MemoryReading, PerfError } from '@arcbox/perf-core';
import type { DarwinSysctl } from './darwin-sysctl.js';
import type { VmStat } from './parse-vm-stat.js';

/**
 * Memory per SEMANTICS.md from vm_stat pages and sysctl: total = hw.memsize;
 * app = anonymous - purgeable; used = app + wired + compressed (occupied by compressor);
 * cached = file-backed + purgeable; available = total - used. The page size comes from the
 * vm_stat header (16384 on Apple Silicon), else hw.pagesize; never assumed. A line the vm_stat
 * lacks (pre-10.9: no compressor, anonymous, file-backed or purgeable) counts 0 and is named in
 * `missing`.
 */
export function darwinMemory(
  vm: VmStat,
  sysctl: Pick<DarwinSysctl, 'memsize' | 'pagesize' | 'swap'>,
): MemoryReading {
  const pageSize = vm.pageSize ?? sysctl.pagesize;
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
  const anonymous = term(vm.anonymous, 'anonymous');
  const purgeable = term(vm.purgeable, 'purgeable');
  const fileBacked = term(vm.fileBacked, 'fileBacked');
  const compressedPages = term(vm.occupiedByCompressor, 'compressed');

  // Purgeable pages are counted as anonymous too; the kernel may take them back at any time.
  const app = Math.max(0, anonymous - purgeable) * pageSize;
  const wired = vm.wired * pageSize;
  const compressed = compressedPages * pageSize;
  const used = app + wired + compressed;
  const swap = sysctl.swap;
  return {
    total,
    used,
    available: Math.max(0, total - used),
    free: vm.free === null ? null : vm.free * pageSize,
    cached: (fileBacked + purgeable) * pageSize,
    buffers: null,
    shared: null,
    swapTotal: swap?.total ?? null,
    swapFree: swap?.free ?? null,
    swapUsed: swap?.used ?? null,
    app,
    wired,
    compressed,
    availableEstimated: false,
    missing,
  };
}
