import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CpuTimes, cpuUsage, emptyCpuTimes } from './cpu-times.js';

const times = (t: Partial<CpuTimes>): CpuTimes => ({ ...emptyCpuTimes(), ...t });

describe('cpuUsage', () => {
  it('counts iowait as idle and reports the breakdown', () => {
    const usage = cpuUsage(times({}), times({ user: 2, system: 1, idle: 6, iowait: 1 }));
    expect(usage?.percent).toBeCloseTo(30);
    expect(usage?.breakdown.iowait).toBeCloseTo(10);
    expect(usage?.breakdown.user).toBeCloseTo(20);
    expect(usage?.busySeconds).toBeCloseTo(3);
    expect(usage?.totalSeconds).toBeCloseTo(10);
  });

  it('does not count guest time twice (already in user)', () => {
    const usage = cpuUsage(times({}), times({ user: 5, guest: 4, idle: 5 }));
    expect(usage?.totalSeconds).toBeCloseTo(10);
    expect(usage?.percent).toBeCloseTo(50);
  });

  it('counts steal as busy', () => {
    expect(cpuUsage(times({}), times({ steal: 1, idle: 3 }))?.percent).toBeCloseTo(25);
  });

  it('clamps a column that went backwards at 0', () => {
    const usage = cpuUsage(times({ user: 10, idle: 10 }), times({ user: 9, system: 1, idle: 11 }));
    expect(usage?.percent).toBeCloseTo(50);
  });

  it('resets a core whose idle dropped by 3 s or more (hot-plug)', () => {
    expect(cpuUsage(times({ idle: 100 }), times({ idle: 96, user: 1 }))).toBeNull();
  });

  it('is null when no time passed', () => {
    expect(cpuUsage(times({ idle: 5 }), times({ idle: 5 }))).toBeNull();
  });

  const column = fc.double({ min: 0, max: 1e9, noNaN: true });
  const cpuTimes = fc.record({
    user: column,
    nice: column,
    system: column,
    idle: column,
    iowait: column,
    irq: column,
    softirq: column,
    steal: column,
    guest: column,
    guestNice: column,
  });

  it('always lies within 0..100 with finite parts (property)', () => {
    fc.assert(
      fc.property(cpuTimes, cpuTimes, (a, b) => {
        const usage = cpuUsage(a, b);
        if (usage === null) return true;
        const parts = [usage.percent, ...Object.values(usage.breakdown)];
        return parts.every((p) => Number.isFinite(p) && p >= 0 && p <= 100);
      }),
    );
  });
});
