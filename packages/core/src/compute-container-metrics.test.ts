import { describe, expect, it } from 'vitest';
import { computeContainerMetrics } from './compute-container-metrics.js';
import type { ContainerReading } from './container-reading.js';
import { createSeriesTracker } from './series-tracker.js';

const MIB = 1024 ** 2;

function reading(
  at: number,
  cpuSeconds: number,
  extra: Partial<ContainerReading> = {},
): ContainerReading {
  return {
    id: 'abc',
    name: 'web',
    runtime: 'docker',
    source: 'cgroup',
    cgroupPath: '/docker/abc',
    labels: {},
    monotonicMs: at,
    time: at,
    cpuSeconds,
    systemCpuSeconds: null,
    cpuPeriods: null,
    cpuThrottledPeriods: null,
    cpuThrottledSeconds: null,
    cpuLimitCores: null,
    hostCpuCount: 4,
    hostMemoryTotal: 1024 * MIB,
    memoryUsage: 300 * MIB,
    memoryWorkingSet: 200 * MIB,
    memoryLimit: 400 * MIB,
    blockReadBytes: 0,
    blockWriteBytes: at * 1000,
    blockReadOps: 0,
    blockWriteOps: at,
    interfaces: null,
    pids: 3,
    pidsLimit: 64,
    problems: [],
    ...extra,
  };
}

describe('computeContainerMetrics', () => {
  it('reads 200 % for two busy cores, as docker stats does', () => {
    const m = computeContainerMetrics(reading(0, 10), reading(1_000, 12));
    expect(m.cpuPercent).toBeCloseTo(200);
    expect(m.cpuPercentOfHost).toBeCloseTo(50);
    expect(m.blockWriteBps).toBeCloseTo(1e6);
  });

  it('divides cpuPercentOfHost by the host CPUs always, and gives the share of a quota apart', () => {
    // Half a core busy under a half-core quota on a 4-CPU host (SEMANTICS, changed 2026-12-05).
    const m = computeContainerMetrics(
      reading(0, 10, { cpuLimitCores: 0.5 }),
      reading(1_000, 10.5, { cpuLimitCores: 0.5 }),
    );
    expect(m.cpuPercent).toBeCloseTo(50);
    expect(m.cpuPercentOfHost).toBeCloseTo(12.5);
    expect(m.cpuPercentOfLimit).toBeCloseTo(100);
    const free = computeContainerMetrics(reading(0, 10), reading(1_000, 10.5));
    expect(free.cpuPercentOfLimit).toBeNull();
  });

  it('uses the working set, not the page cache, against the limit', () => {
    const m = computeContainerMetrics(null, reading(0, 1));
    expect(m.memoryUsed).toBe(200 * MIB);
    expect(m.memoryUsage).toBe(300 * MIB);
    expect(m.memoryPercent).toBe(50);
    expect(m.memoryPercentOfHost).toBe(false);
    expect(m.cpuPercent).toBeNull();
  });

  it('flags memoryPercent as relative to the host when there is no limit', () => {
    const m = computeContainerMetrics(null, reading(0, 1, { memoryLimit: null }));
    expect(m.memoryLimit).toBeNull();
    expect(m.memoryPercent).toBeCloseTo(100 * (200 / 1024));
    expect(m.memoryPercentOfHost).toBe(true);
  });

  it("follows Docker's formula when the engine gives system CPU time", () => {
    const before = reading(0, 10, { systemCpuSeconds: 1_000 });
    const after = reading(5_000, 11, { systemCpuSeconds: 1_004 });
    expect(computeContainerMetrics(before, after).cpuPercent).toBeCloseTo(100);
  });

  it('treats a restarted container (counter down) as a reset', () => {
    const m = computeContainerMetrics(reading(0, 500), reading(1_000, 1));
    expect(m.cpuPercent).toBeNull();
    expect(m.blockWriteBps).not.toBeNull();
  });

  it('computes the throttled share of periods', () => {
    const before = reading(0, 1, { cpuPeriods: 100, cpuThrottledPeriods: 10 });
    const after = reading(1_000, 2, { cpuPeriods: 110, cpuThrottledPeriods: 15 });
    expect(computeContainerMetrics(before, after).cpuThrottledPercent).toBeCloseTo(50);
  });
});

describe('createSeriesTracker', () => {
  it('ends a series that disappears and starts a new one with null rates', () => {
    const tracker = createSeriesTracker((r: ContainerReading) => r.id, computeContainerMetrics);
    tracker.update([reading(0, 1)]);
    expect(tracker.update([reading(1_000, 2)])[0]?.cpuPercent).toBeCloseTo(100);
    expect(tracker.update([])).toEqual([]);
    expect(tracker.ids()).toEqual([]);
    expect(tracker.update([reading(2_000, 3)])[0]?.cpuPercent).toBeNull();
  });

  it('updates one series without touching the others', () => {
    const tracker = createSeriesTracker((r: ContainerReading) => r.id, computeContainerMetrics);
    tracker.update([reading(0, 1), reading(0, 1, { id: 'other' })]);
    expect(tracker.updateOne(reading(1_000, 1.5)).cpuPercent).toBeCloseTo(50);
    expect(tracker.ids().sort()).toEqual(['abc', 'other']);
  });
});

describe('lifecycle counters', () => {
  it('OOM kills and restarts in the interval, limit hits and throttling as rates; first reading null', () => {
    const a = reading(0, 1, {
      memoryOomKills: 1,
      memoryLimitHits: 100,
      restartCount: 0,
      cpuThrottledPeriods: 10,
      cpuThrottledSeconds: 1,
    });
    const b = reading(2000, 2, {
      memoryOomKills: 3,
      memoryLimitHits: 140,
      restartCount: 2,
      cpuThrottledPeriods: 30,
      cpuThrottledSeconds: 2,
    });
    const first = computeContainerMetrics(null, a);
    expect([first.memoryOomKills, first.memoryOomKillsNew, first.restartsNew]).toEqual([
      1,
      null,
      null,
    ]);
    const m = computeContainerMetrics(a, b);
    expect(m.memoryOomKills).toBe(3);
    expect(m.memoryOomKillsNew).toBe(2);
    expect(m.restarts).toBe(2);
    expect(m.restartsNew).toBe(2);
    expect(m.memoryLimitHitsPerSecond).toBe(20);
    expect(m.cpuThrottledPeriodsPerSecond).toBe(10);
    expect(m.cpuThrottledSecondsPerSecond).toBe(0.5);
  });

  it('a counter that went down (a new cgroup) is a reset: no new kills, no negative rate', () => {
    const m = computeContainerMetrics(
      reading(0, 1, { memoryOomKills: 5, memoryLimitHits: 9 }),
      reading(1000, 2, { memoryOomKills: 0, memoryLimitHits: 0 }),
    );
    expect(m.memoryOomKillsNew).toBeNull();
    expect(m.memoryLimitHitsPerSecond).toBeNull();
  });

  it('a source without them (the Docker API, old recordings) reads null', () => {
    const m = computeContainerMetrics(reading(0, 1), reading(1000, 2));
    expect([m.memoryOomKills, m.memoryOomKillsNew, m.restarts, m.memoryHighEvents]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});
