import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import {
  countPids,
  cpuLimitFromCfs,
  firstPid,
  parseCgroupLimit,
  parseCgroupNumber,
  parseCpuMax,
  parseFlatKeyed,
} from './parse-cgroup-values.js';

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
});
