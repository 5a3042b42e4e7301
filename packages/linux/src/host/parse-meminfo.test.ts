import { KIB, type SourceProblem } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { fixture, thrown } from './fixtures.test-support.js';
import { parseMeminfo, parseMeminfoFields } from './parse-meminfo.js';

const kib = (n: number) => n * KIB;

describe('parseMeminfo', () => {
  it('modern kernel: used = total - MemAvailable, cached = Cached + SReclaimable (jc)', () => {
    const m = parseMeminfo(fixture('jc/meminfo'));
    expect(m.total).toBe(kib(3997272));
    expect(m.available).toBe(kib(3386876));
    expect(m.used).toBe(kib(3997272 - 3386876));
    expect(m.free).toBe(kib(2760316));
    expect(m.cached).toBe(kib(684856 + 188216));
    expect(m.buffers).toBe(kib(40452));
    expect(m.shared).toBe(kib(1568));
    expect(m.swapTotal).toBe(kib(3996668));
    expect(m.swapUsed).toBe(0);
    expect(m.availableEstimated).toBe(false);
    expect(m.missing).toEqual([]);
  });

  it('kernel without MemAvailable: estimated as MemFree + Active(file) + Inactive(file) + SReclaimable (node_exporter)', () => {
    const m = parseMeminfo(fixture('node_exporter/meminfo'));
    const available = kib(225472 + 213412 + 145676 + 44772);
    expect(m.available).toBe(available);
    expect(m.used).toBe(kib(3742148) - available);
    expect(m.availableEstimated).toBe(true);
    expect(m.missing).toEqual(['MemAvailable']);
    expect(m.swapUsed).toBe(kib(4194300 - 3155360));
    expect(m.shared).toBe(kib(593840));
  });

  it('MemAvailable reported as 0 is estimated too; the estimate is bounded by total', () => {
    const text =
      'MemTotal: 1000 kB\nMemFree: 600 kB\nMemAvailable: 0 kB\nActive(file): 300 kB\nInactive(file): 200 kB\nSReclaimable: 50 kB\n';
    const m = parseMeminfo(text);
    expect(m.available).toBe(kib(1000));
    expect(m.used).toBe(0);
    expect(m.availableEstimated).toBe(true);
    expect(m.missing).toContain('Cached');
  });

  it('MemAvailable above MemTotal (some LXC) falls back to MemFree', () => {
    const m = parseMeminfo('MemTotal: 1000 kB\nMemFree: 400 kB\nMemAvailable: 5000 kB\n');
    expect(m.available).toBe(kib(400));
    expect(m.used).toBe(kib(600));
    expect(m.availableEstimated).toBe(true);
  });

  it('skips the 2.4-style table at the top of gopsutil issue #1002 and reads the rest', () => {
    const m = parseMeminfo(fixture('gopsutil/issue1002_meminfo'));
    expect(m.total).toBe(kib(254472));
    expect(m.available).toBe(kib(210156));
    expect(parseMeminfoFields(fixture('gopsutil/issue1002_meminfo')).has('Mem')).toBe(false);
  });

  it('a 4-line truncated file lists what it lacks', () => {
    const m = parseMeminfo(fixture('gopsutil/anonhugepages_meminfo'));
    expect(m.total).toBe(kib(260799420));
    expect(m.available).toBe(kib(127880216));
    expect(m.cached).toBeNull();
    expect(m.swapUsed).toBeNull();
    expect(m.missing).toEqual(
      expect.arrayContaining([
        'Cached',
        'SReclaimable',
        'Buffers',
        'Shmem',
        'SwapTotal',
        'SwapFree',
      ]),
    );
  });

  it('reads every captured meminfo without NaN', () => {
    for (const f of [
      'gopsutil/intelcorei5_meminfo',
      'procfs/meminfo',
      'elastic-agent-system-metrics/oldkern_meminfo',
      'go-osstat/meminfo',
    ]) {
      const m = parseMeminfo(fixture(f));
      expect(m.used + m.available).toBe(m.total);
      expect(m.available).toBeGreaterThan(0);
    }
  });

  it('values without a unit stay as they are; a file without MemTotal is unreadable', () => {
    expect(parseMeminfoFields('HugePages_Total:       7\n').get('HugePages_Total')).toBe(7);
    expect(
      thrown(() => parseMeminfo('MemFree: 1 kB\n', { file: '/host/proc/meminfo' })),
    ).toMatchObject({
      code: 'PARSE_ERROR',
      file: '/host/proc/meminfo',
    });
  });

  it('a term that is not a count of kB up to 2^53 bytes counts as absent, with a problem naming file and key (constructed)', () => {
    const problems: SourceProblem[] = [];
    const m = parseMeminfo(
      'MemTotal: 1000 kB\nMemFree: -5 kB\nMemAvailable: 9007199254740 kB\nCached: 1.5 kB\nSwapTotal: 0 kB\n',
      { file: 'proc/meminfo', problems },
    );
    expect(m.free).toBeNull();
    expect(m.cached).toBeNull();
    expect(m.availableEstimated).toBe(true);
    expect(m.missing).toEqual(expect.arrayContaining(['MemFree', 'MemAvailable', 'Cached']));
    expect(problems.map((p) => [p.source, p.message])).toEqual([
      ['proc/meminfo', 'MemFree: "-5 kB" is not a non-negative integer up to 2^53 bytes'],
      [
        'proc/meminfo',
        'MemAvailable: "9007199254740 kB" is not a non-negative integer up to 2^53 bytes',
      ],
      ['proc/meminfo', 'Cached: "1.5 kB" is not a non-negative integer up to 2^53 bytes'],
    ]);
    expect(thrown(() => parseMeminfo('MemTotal: -1 kB\n'))).toMatchObject({
      code: 'PARSE_ERROR',
      message: expect.stringContaining('unreadable MemTotal "-1 kB"'),
    });
  });
});
