import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { catchError, fixture } from './test-support.js';
import { parseVmStat } from './parse-vm-stat.js';

// Expected values read off each capture by hand.
describe('parseVmStat on real captures', () => {
  it('Apple Silicon M1 Pro: 16384-byte pages from the header', () => {
    const v = parseVmStat(fixture('macos/ansible/vm_stat_darwin_silicon_m1pro.txt'));
    expect(v.pageSize).toBe(16384);
    expect(v).toMatchObject({
      free: 6472,
      active: 730051,
      inactive: 710941,
      speculative: 18210,
      throttled: 0,
      wired: 165932,
      purgeable: 19224,
      translationFaults: 2500287752,
      fileBacked: 546992,
      anonymous: 912210,
      storedInCompressor: 1414412,
      occupiedByCompressor: 424276,
      decompressions: 4833976,
      compressions: 8360458,
      pageins: 21634062,
      pageouts: 135974,
      swapins: 385871,
      swapouts: 437651,
    });
  });

  it('Intel (Parallels VM): 4096-byte pages', () => {
    const v = parseVmStat(fixture('macos/ansible/vm_stat_darwin_intel.txt'));
    expect(v).toMatchObject({ pageSize: 4096, free: 24686, wired: 104517, purgeable: 17512 });
    expect(v).toMatchObject({ fileBacked: 251947, anonymous: 138689, occupiedByCompressor: 4244 });
  });

  it('Intel 2015 with a busy compressor', () => {
    const v = parseVmStat(fixture('macos/gopsutil/vm_stat_intel_4096_2015.txt'));
    expect(v).toMatchObject({ pageSize: 4096, free: 105885, wired: 560835, purgeable: 128967 });
    expect(v).toMatchObject({
      fileBacked: 349192,
      anonymous: 831846,
      occupiedByCompressor: 249167,
    });
    expect(v).toMatchObject({ storedInCompressor: 876507, swapins: 2988073, swapouts: 3283599 });
  });

  it('compressor lines present but zero are 0, not missing', () => {
    const v = parseVmStat(fixture('macos/go-osstat/vm_stat_intel_4096_compressor_zero.txt'));
    expect(v).toMatchObject({ pageSize: 4096, free: 72827, wired: 446975, anonymous: 2996150 });
    expect(v).toMatchObject({ occupiedByCompressor: 0, storedInCompressor: 0, pageouts: 353 });
  });

  it('pre-10.9 layout: no compressor, anonymous, file-backed or purgeable; Object cache skipped', () => {
    const v = parseVmStat(fixture('macos/ohai/vm_stat_old_osx_object_cache.txt'));
    expect(v).toMatchObject({
      pageSize: 4096,
      free: 2155305,
      active: 924164,
      inactive: 189127,
      speculative: 531321,
      wired: 391749,
      translationFaults: 14107520,
      pageins: 630064,
      pageouts: 0,
    });
    expect(v).toMatchObject({
      throttled: null,
      purgeable: null,
      fileBacked: null,
      anonymous: null,
      occupiedByCompressor: null,
      swapins: null,
    });
  });

  it('Apple Silicon under heavy swap: 10-digit counters', () => {
    const v = parseVmStat(fixture('macos/aimpugn-study/vm_stat_silicon_16384_heavy_swap.txt'));
    expect(v).toMatchObject({ pageSize: 16384, free: 2568, wired: 131951, purgeable: 1703 });
    expect(v).toMatchObject({
      fileBacked: 159405,
      anonymous: 296433,
      occupiedByCompressor: 417096,
    });
    expect(v).toMatchObject({
      translationFaults: 3082430124,
      compressions: 1259322627,
      swapouts: 6446877,
    });
  });

  it('Apple Silicon 64 GiB with a large speculative count', () => {
    const v = parseVmStat(fixture('macos/watchhttp/vm_stat_silicon_16384.txt'));
    expect(v).toMatchObject({ pageSize: 16384, free: 1616097, speculative: 829846, wired: 164337 });
    expect(v).toMatchObject({
      purgeable: 125376,
      fileBacked: 1300312,
      anonymous: 1023077,
      occupiedByCompressor: 35364,
    });
  });
});

describe('parseVmStat on bad input', () => {
  it('throws PARSE_ERROR naming the file on text that is not vm_stat', () => {
    const error = catchError(() => parseVmStat('command not found\n'));
    expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
    expect(PerfError.isInstance(error) && error.file).toBe('vm_stat');
  });

  it('throws on an impossible page size, with its line', () => {
    const error = catchError(() =>
      parseVmStat('Mach Virtual Memory Statistics: (page size of 1000 bytes)\n'),
    );
    expect(PerfError.isInstance(error) && [error.code, error.line, error.field]).toEqual([
      'PARSE_ERROR',
      1,
      'page size',
    ]);
  });

  it('keeps the page size null without a header (hw.pagesize is then used)', () => {
    expect(parseVmStat('Pages free:  12.\nPages wired down: 3.\n')).toMatchObject({
      pageSize: null,
      free: 12,
      wired: 3,
    });
  });
});
