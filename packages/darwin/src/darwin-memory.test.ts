import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { APP_FROM_ACTIVE, darwinMemory } from './darwin-memory.js';
import { parseVmStat } from './parse-vm-stat.js';
import { catchError, fixture } from './test-support.js';

const GIB = 1024 ** 3;
const noSwap = { pagesize: null, swap: null };
const memory = (file: string, memsize: number) =>
  darwinMemory(parseVmStat(fixture(file)), { memsize, ...noSwap });

// Page counts read off each capture; the formulas are SEMANTICS.md's.
describe('darwinMemory', () => {
  it('M1 Pro (32 GiB per its sysctl dump): 16384-byte pages, not 4096', () => {
    const m = memory('macos/ansible/vm_stat_darwin_silicon_m1pro.txt', 34359738368);
    const page = 16384;
    expect(m.total).toBe(34359738368);
    expect(m.app).toBe((912210 - 19224) * page);
    expect(m.wired).toBe(165932 * page);
    expect(m.compressed).toBe(424276 * page);
    expect(m.used).toBe((912210 - 19224 + 165932 + 424276) * page);
    expect(m.used).toBe(24300650496);
    expect(m.available).toBe(34359738368 - 24300650496);
    expect(m.cached).toBe((546992 + 19224) * page);
    expect(m.free).toBe(6472 * page);
    expect(m.missing).toEqual([]);
    expect(m.availableEstimated).toBe(false);
    expect([m.buffers, m.shared, m.swapTotal]).toEqual([null, null, null]);
  });

  it('Intel 2 GiB VM', () => {
    const m = memory('macos/ansible/vm_stat_darwin_intel.txt', 2 * GIB);
    expect(m.used).toBe((138689 - 17512 + 104517 + 4244) * 4096);
    expect(m.available).toBe(2 * GIB - 941826048);
    expect(m.cached).toBe((251947 + 17512) * 4096);
  });

  it('Intel 2015 (8 GiB inferred)', () => {
    const m = memory('macos/gopsutil/vm_stat_intel_4096_2015.txt', 8 * GIB);
    expect(m.used).toBe((831846 - 128967 + 560835 + 249167) * 4096);
    expect(m.cached).toBe((349192 + 128967) * 4096);
  });

  it('compressor at zero', () => {
    const m = memory('macos/go-osstat/vm_stat_intel_4096_compressor_zero.txt', 16 * GIB);
    expect(m.compressed).toBe(0);
    expect(m.used).toBe((2996150 - 383371 + 446975) * 4096);
    expect(m.missing).toEqual([]);
  });

  it('heavy swap on Apple Silicon (16 GiB inferred)', () => {
    const m = memory('macos/aimpugn-study/vm_stat_silicon_16384_heavy_swap.txt', 16 * GIB);
    expect(m.used).toBe((296433 - 1703 + 131951 + 417096) * 16384);
    expect(m.available).toBe(16 * GIB - 13824442368);
    expect(m.free).toBe(2568 * 16384);
  });

  it('64 GiB Apple Silicon', () => {
    const m = memory('macos/watchhttp/vm_stat_silicon_16384.txt', 64 * GIB);
    expect(m.used).toBe((1023077 - 125376 + 164337 + 35364) * 16384);
    expect(m.cached).toBe((1300312 + 125376) * 16384);
  });

  it('pre-10.9 (no anonymous line): app estimated from "Pages active", so used = active + wired', () => {
    const m = memory('macos/ohai/vm_stat_old_osx_object_cache.txt', 17179869184);
    const page = 4096;
    // Pages active 924164, Pages wired down 391749, Pages free 2155305 (ohai's capture).
    expect(m.app).toBe(924164 * page);
    expect(m.wired).toBe(391749 * page);
    expect(m.compressed).toBe(0);
    expect(m.used).toBe((924164 + 391749) * page);
    expect(m.used).toBe(5389979648);
    // Counting the absent anonymous line as 0 left used = wired only (1604603904, under a
    // third of this figure).
    expect(m.used).toBeGreaterThan(3 * 391749 * page);
    expect(m.available).toBe(17179869184 - 5389979648);
    expect(m.availableEstimated).toBe(true);
    expect(m.missing).toEqual([APP_FROM_ACTIVE, 'purgeable', 'fileBacked', 'compressed']);
    expect(APP_FROM_ACTIVE).toBe('app(estimated from active)');
    expect(m.cached).toBe(0);
    expect(m.free).toBe(2155305 * page);
  });

  it('a vm_stat with the anonymous line keeps the modern formula even if active is larger', () => {
    // This capture's "Pages active" (150001) exceeds its "Anonymous pages" (138689): not used.
    const vm = parseVmStat(fixture('macos/ansible/vm_stat_darwin_intel.txt'));
    expect(vm.active).not.toBeNull();
    const m = darwinMemory(vm, { memsize: 2 * GIB, ...noSwap });
    expect(m.app).toBe((138689 - 17512) * 4096);
    expect(m.missing).toEqual([]);
    expect(m.availableEstimated).toBe(false);
  });

  it('neither anonymous nor active: app counts 0 and anonymous is named', () => {
    const vm = parseVmStat(
      'Mach Virtual Memory Statistics: (page size of 4096 bytes)\nPages wired down: 20.\n',
    );
    const m = darwinMemory(vm, { memsize: GIB, ...noSwap });
    expect([m.app, m.used, m.availableEstimated]).toEqual([0, 20 * 4096, false]);
    expect(m.missing).toEqual(['anonymous', 'purgeable', 'fileBacked', 'compressed']);
  });

  it('takes swap from vm.swapusage', () => {
    const m = darwinMemory(parseVmStat(fixture('macos/ansible/vm_stat_darwin_intel.txt')), {
      memsize: 2 * GIB,
      pagesize: null,
      swap: {
        total: 2048 * 1024 ** 2,
        used: 1017.5 * 1024 ** 2,
        free: 1030.5 * 1024 ** 2,
        encrypted: true,
      },
    });
    expect([m.swapTotal, m.swapUsed, m.swapFree]).toEqual([2147483648, 1066926080, 1080557568]);
  });

  it('uses hw.pagesize when the header is missing, and refuses to guess without either', () => {
    const vm = parseVmStat('Pages free: 10.\nPages wired down: 20.\nAnonymous pages: 5.\n');
    expect(darwinMemory(vm, { memsize: GIB, pagesize: 16384, swap: null }).used).toBe(25 * 16384);
    const error = catchError(() => darwinMemory(vm, { memsize: GIB, pagesize: null, swap: null }));
    expect(PerfError.isInstance(error) && error.field).toBe('page size');
  });

  it('throws without hw.memsize, naming it', () => {
    const vm = parseVmStat(fixture('macos/ansible/vm_stat_darwin_intel.txt'));
    const error = catchError(() => darwinMemory(vm, { memsize: null, pagesize: null, swap: null }));
    expect(PerfError.isInstance(error) && [error.code, error.field]).toEqual([
      'PARSE_ERROR',
      'hw.memsize',
    ]);
  });

  it('a page count whose bytes pass 2^53 is taken as absent, never as 8 PiB of memory (constructed edit of a real capture)', () => {
    const text = fixture('macos/ansible/vm_stat_darwin_silicon_m1pro.txt');
    const huge = (label: string) =>
      text.replace(new RegExp(`^(${label}:\\s+)\\d+\\.`, 'm'), '$1562949953421312.');
    const m = darwinMemory(parseVmStat(huge('Pages purgeable')), { memsize: 32 * GIB, ...noSwap });
    expect(m.missing).toEqual(['purgeable']);
    expect(Number.isSafeInteger(m.used) && Number.isSafeInteger(m.cached ?? 0)).toBe(true);
    const free = darwinMemory(parseVmStat(huge('Pages free')), { memsize: 32 * GIB, ...noSwap });
    expect(free.free).toBeNull();
    const error = catchError(() =>
      darwinMemory(parseVmStat(huge('Pages wired down')), { memsize: 32 * GIB, ...noSwap }),
    );
    expect(PerfError.isInstance(error) && error.field).toBe('Pages wired down');
  });
});
