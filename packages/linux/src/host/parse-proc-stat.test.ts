import { PerfError, type SourceProblem } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { fixture, thrown } from './fixtures.test-support.js';
import { parseProcStat } from './parse-proc-stat.js';

describe('parseProcStat', () => {
  it('reads the 10-column node_exporter capture in seconds (USER_HZ 100), guest columns kept apart', () => {
    const stat = parseProcStat(fixture('node_exporter/stat'));
    // cpu  301854 612 111922 8979004 3552 2 3944 0 44 36
    expect(stat.total).toEqual({
      user: 3018.54,
      nice: 6.12,
      system: 1119.22,
      idle: 89790.04,
      iowait: 35.52,
      irq: 0.02,
      softirq: 39.44,
      steal: 0,
      guest: 0.44,
      guestNice: 0.36,
    });
    expect(stat.cores.map((c) => c.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // cpu1 47869 23 16474 1110787 591 0 46 0 3 2
    expect(stat.cores[1]?.times.system).toBe(164.74);
    expect(stat.cores[1]?.times.guestNice).toBe(0.02);
  });

  it('takes clockTicks as a parameter', () => {
    const stat = parseProcStat(fixture('jc/stat'), { clockTicks: 1000 });
    const hz100 = parseProcStat(fixture('jc/stat'));
    expect(stat.total.user * 10).toBeCloseTo(hz100.total.user, 9);
    expect(() => parseProcStat('cpu 1 2 3 4', { clockTicks: 0 })).toThrow(/clockTicks/);
  });

  it('reads 7-column 2.6 lines (no steal or guest) as 0, and keeps the first of repeated ids (jc stat2: two dumps joined)', () => {
    const stat = parseProcStat(fixture('jc/stat2'));
    // first dump: cpu  259246 7001 60190 34250993 137517 772 0
    expect(stat.total.user).toBe(2592.46);
    expect(stat.total.softirq).toBe(0);
    expect(stat.total.steal).toBe(0);
    expect(stat.total.guest).toBe(0);
    // cpu0 from the first dump, cpu1..7 from the second
    expect(stat.cores.map((c) => c.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(stat.cores[0]?.times.user).toBe(2592.46);
    expect(stat.cores[1]?.times.user).toBe(241.84);
  });

  it('reads a file with no final newline and one with an empty line in it', () => {
    expect(parseProcStat(fixture('gopsutil/424_stat')).cores).toHaveLength(4);
    const osstat = parseProcStat(fixture('go-osstat/stat'));
    expect(osstat.cores).toHaveLength(2);
    expect(osstat.total.user).toBe(14159.84);
  });

  it('skips odd cpuN lines and names file and line when the aggregate line is unreadable', () => {
    const text =
      'cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 x 4\ncpu1 1 2 3\ncpuX 1 2 3 4\ncpu2 1 2 3 4 5\n';
    expect(parseProcStat(text).cores.map((c) => c.id)).toEqual([2]);
    const bad = thrown(() => parseProcStat('intr 1\ncpu  1 2 -3 4\n', { file: '/proc/stat' }));
    expect(PerfError.isInstance(bad)).toBe(true);
    expect(bad).toMatchObject({ code: 'PARSE_ERROR', file: '/proc/stat', line: 2 });
    expect(thrown(() => parseProcStat('hello\n'))).toMatchObject({
      code: 'PARSE_ERROR',
      file: 'proc/stat',
    });
  });

  it('a cpuN column that is not a counter skips that CPU with a problem naming file, CPU and column (constructed)', () => {
    const problems: SourceProblem[] = [];
    const text =
      'cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 1 2 3 4\ncpu1 1 -2 3 4\ncpu2 1 2 3 99999999999999999999\ncpu3 1 2 3 4\n';
    expect(parseProcStat(text, { file: 'proc/stat', problems }).cores.map((c) => c.id)).toEqual([
      0, 3,
    ]);
    expect(problems.map((p) => [p.source, p.message])).toEqual([
      ['proc/stat', 'line 3 skipped: cpu1: nice "-2" is not a non-negative integer below 2^53'],
      [
        'proc/stat',
        expect.stringMatching(/^line 4 skipped: cpu2: idle "9+…?" is not a non-negative integer/),
      ],
    ]);
    // Past 2^53 the aggregate is no reading either.
    expect(thrown(() => parseProcStat('cpu  1 2 3 9007199254740993\n'))).toMatchObject({
      code: 'PARSE_ERROR',
      line: 1,
    });
  });
});
