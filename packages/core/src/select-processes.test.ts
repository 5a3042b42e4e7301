import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeProcessMetrics } from './compute-process-metrics.js';
import { processReading } from './process-reading.test-support.js';
import { PerfError } from './perf-error.js';
import type { ProcessMetrics } from './process-metrics.js';
import { createProcessSelection, processInContainer, sortProcesses } from './select-processes.js';

function metrics(
  pid: number,
  cpu: number,
  rss: number,
  io: number,
  container: string | null = null,
): ProcessMetrics {
  return {
    ...computeProcessMetrics(null, processReading({ pid, container, residentBytes: rss })),
    cpuPercent: cpu,
    ioReadBps: io,
    ioWriteBps: 0,
  };
}

describe('process selection', () => {
  const all = Array.from({ length: 50 }, (_, i) => metrics(i + 1, i, 1000 - i, i % 7));

  it('sorts highest first, unknown values last, and bounds the list', () => {
    const unknown = { ...metrics(99, 0, 1, 0), cpuPercent: null, cpuSeconds: null };
    expect(sortProcesses([unknown, ...all], 'cpu', 3).map((m) => m.pid)).toEqual([50, 49, 48]);
    expect(sortProcesses(all, 'mem', 2).map((m) => m.pid)).toEqual([1, 2]);
    expect(sortProcesses([unknown, metrics(5, 1, 1, 0)], 'cpu').map((m) => m.pid)).toEqual([5, 99]);
  });

  it('keeps the union of the top N by CPU, memory and I/O, plus named containers', () => {
    const inBox = metrics(500, 0, 0, 0, 'abcdef0123');
    const select = createProcessSelection({ limit: 3, containers: ['abcd'] });
    const kept = select([...all, inBox]).map((m) => m.pid);
    // CPU: 50 49 48; memory: 1 2 3; io (i % 7 = 6): 7 14 21.
    expect(new Set(kept)).toEqual(new Set([50, 49, 48, 1, 2, 3, 7, 14, 21, 500]));
    // Default 10 per ranking: at most 30, here fewer since the rankings overlap.
    const kept10 = createProcessSelection()(all);
    expect(kept10.length).toBeGreaterThan(10);
    expect(kept10.length).toBeLessThanOrEqual(30);
    expect(createProcessSelection()(all.slice(0, 5))).toHaveLength(5);
  });

  it('refuses a limit out of bounds and an unknown sort', () => {
    expect(() => createProcessSelection({ limit: 0 })).toThrow(PerfError);
    expect(() => sortProcesses(all, 'cpu', 1e9)).toThrow(/limit/);
    expect(() => sortProcesses(all, 'disk' as never)).toThrow(/sort/);
  });

  it('matches a container by id or a prefix of 4+ characters; "host" is no container', () => {
    const m = metrics(1, 0, 0, 0, 'abcdef');
    expect(processInContainer(m, 'abcdef')).toBe(true);
    expect(processInContainer(m, 'abcd')).toBe(true);
    expect(processInContainer(m, 'abc')).toBe(false);
    expect(processInContainer(metrics(2, 0, 0, 0), 'host')).toBe(true);
  });

  it('a short top of many (the selection each round) is the full sort cut short', () => {
    const row = fc.record({
      cpu: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
      rss: fc.integer({ min: 0, max: 20 }),
      io: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 300 }), fc.integer({ min: 1, max: 12 }), (rows, n) => {
        const list = rows.map((r, i) => ({
          ...metrics(1000 - i, r.cpu ?? 0, r.rss, r.io),
          cpuPercent: r.cpu,
        }));
        for (const sort of ['cpu', 'mem', 'io'] as const) {
          const full = sortProcesses(list, sort, list.length || 1).slice(0, n);
          expect(sortProcesses(list, sort, n).map((m) => m.pid)).toEqual(full.map((m) => m.pid));
        }
      }),
    );
  });
});
