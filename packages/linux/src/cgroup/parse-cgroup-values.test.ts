import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import {
  countPids,
  cpuLimitFromCfs,
  firstPid,
  parseCgroupCount,
  parseCgroupLimit,
  parseCgroupNanoseconds,
  parseCgroupNumber,
  parseCpuMax,
  parseFlatKeyed,
} from './parse-cgroup-values.js';

/** The PerfError `fn` throws (failing when it throws none). */
function thrown(fn: () => unknown): PerfError {
  try {
    fn();
  } catch (error) {
    expect(PerfError.isInstance(error)).toBe(true);
    return error as PerfError;
  }
  throw new Error('expected a PerfError');
}

describe('cgroup value files', () => {
  it('reads single numbers and throws a located PerfError on garbage', () => {
    expect(parseCgroupNumber('95996653175\n', 'cpuacct.usage')).toBe(95996653175);
    try {
      parseCgroupNumber('12abc\n', 'x/memory.current');
      expect.unreachable();
    } catch (error) {
      expect(PerfError.isInstance(error)).toBe(true);
      expect((error as PerfError).code).toBe('PARSE_ERROR');
      expect((error as PerfError).file).toBe('x/memory.current');
    }
  });

  it('treats max, >= 2^62 and negative limits as no limit', () => {
    expect(parseCgroupLimit('max\n', 'memory.max')).toBeNull();
    expect(parseCgroupLimit('9223372036854771712\n', 'memory.limit_in_bytes')).toBeNull();
    expect(parseCgroupLimit('-1\n', 'cpu.cfs_quota_us')).toBeNull();
    expect(parseCgroupLimit('268435456\n', 'memory.limit_in_bytes')).toBe(268435456);
  });

  it('parses cpu.max and cfs quotas into cores', () => {
    expect(parseCpuMax('max 100000\n', 'cpu.max')).toBeNull();
    expect(parseCpuMax('4800000 100000\n', 'cpu.max')).toBe(48);
    expect(() => parseCpuMax('lots\n', 'cpu.max')).toThrow(/cpu.max/);
    expect(cpuLimitFromCfs(50000, 100000)).toBe(0.5);
    expect(cpuLimitFromCfs(-1, 100000)).toBeNull();
  });

  it('skips odd lines in flat keyed files', () => {
    const m = parseFlatKeyed('usage_usec 10\nweird line here\nnr_periods x\n\nnr_throttled 4\n');
    expect([...m]).toEqual([
      ['usage_usec', 10],
      ['nr_throttled', 4],
    ]);
  });

  it('reads cgroup.procs', () => {
    expect(firstPid('\n123\n456\n')).toBe(123);
    expect(firstPid('')).toBeNull();
    expect(countPids('1\n2\n3\n')).toBe(3);
  });

  it('reads a figure only when it is a count: negative, past 2^53 or -0 is a PARSE_ERROR naming the file (constructed)', () => {
    expect(parseCgroupCount('295997440\n', 'memory.usage_in_bytes')).toBe(295997440);
    expect(parseCgroupCount('0\n', 'pids.current')).toBe(0);
    for (const text of ['-123456789\n', '-5', '-0', '9007199254740992', '18446744073709551615']) {
      const e = thrown(() => parseCgroupCount(text, 'x/memory.usage_in_bytes'));
      expect(e.code).toBe('PARSE_ERROR');
      expect(e.file).toBe('x/memory.usage_in_bytes');
      expect(e.message).toContain(JSON.stringify(text.trim()));
    }
    expect(parseCgroupCount('9007199254740991', 'f')).toBe(2 ** 53 - 1);
  });

  it('reads nanosecond counters past 2^53 (104 CPU-days), not a -1 printed unsigned (constructed)', () => {
    // 200 days of one core: past 2^53 ns; rounding to the double costs under a microsecond.
    expect(parseCgroupNanoseconds('17280000000000000\n', 'cpuacct.usage')).toBe(17280000000000000);
    expect(thrown(() => parseCgroupNanoseconds('18446744073709551615\n', 'f')).code).toBe(
      'PARSE_ERROR',
    );
    expect(thrown(() => parseCgroupNanoseconds('-1\n', 'f')).code).toBe('PARSE_ERROR');
  });

  it('limits: only max, -1 and >= 2^62 are no limit; another negative or 2^53..2^62 is a PARSE_ERROR (constructed)', () => {
    expect(parseCgroupLimit(' -1 \n', 'cpu.cfs_quota_us')).toBeNull();
    for (const text of ['-5\n', '-2', '9007199254740992\n', '1e3']) {
      expect(thrown(() => parseCgroupLimit(text, 'pids.max')).file).toBe('pids.max');
    }
  });

  it('cpu.max: a negative or oversized quota, or a period of 0 or below, is a PARSE_ERROR naming the field (constructed)', () => {
    expect(thrown(() => parseCpuMax('-50000 100000\n', 'cpu.max'))).toMatchObject({
      code: 'PARSE_ERROR',
      file: 'cpu.max',
      field: 'quota',
    });
    expect(thrown(() => parseCpuMax('50000 0\n', 'cpu.max')).field).toBe('period');
    expect(thrown(() => parseCpuMax('50000 -100000\n', 'cpu.max')).field).toBe('period');
    expect(thrown(() => parseCpuMax('90071992547409920 100000\n', 'cpu.max')).field).toBe('quota');
    expect(parseCpuMax('max -1\n', 'cpu.max')).toBeNull();
    expect(parseCpuMax('50000 100000\n', 'cpu.max')).toBe(0.5);
  });

  it('cgroup.procs: a line that is not a positive pid is skipped (constructed)', () => {
    expect(firstPid('-5\n0\n-0\n99999999999999999999\n42\n')).toBe(42);
    expect(firstPid('-5\n')).toBeNull();
    expect(countPids('-5\n0\n7\n8\n')).toBe(2);
  });
});
