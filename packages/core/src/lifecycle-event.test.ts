import { describe, expect, it } from 'vitest';
import { computeContainerMetrics } from './compute-container-metrics.js';
import type { ContainerReading } from './container-reading.js';
import { containerKind } from './kinds/container-kind.js';
import { describeLifecycleEvent, formatAgo } from './lifecycle-event.js';

const MIB = 2 ** 20;
const reading = (at: number, kills: number, restarts: number): ContainerReading => ({
  id: 'abc',
  name: 'web-1',
  runtime: 'docker',
  source: 'cgroup',
  cgroupPath: '/docker/abc',
  labels: {},
  monotonicMs: at,
  time: 1_000_000 + at,
  cpuSeconds: 1,
  systemCpuSeconds: null,
  cpuPeriods: null,
  cpuThrottledPeriods: null,
  cpuThrottledSeconds: null,
  cpuLimitCores: null,
  hostCpuCount: 2,
  hostMemoryTotal: null,
  memoryUsage: null,
  memoryWorkingSet: null,
  memoryLimit: 256 * MIB,
  memoryOomKills: kills,
  restartCount: restarts,
  blockReadBytes: null,
  blockWriteBytes: null,
  blockReadOps: null,
  blockWriteOps: null,
  interfaces: null,
  pids: null,
  pidsLimit: null,
  problems: [],
});

describe('container lifecycle events', () => {
  it('a moved OOM kill counter is one oom-kill event with the count and the limit', () => {
    const events = containerKind.events!(
      computeContainerMetrics(reading(0, 1, 0), reading(1000, 3, 1)),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'oom-kill',
        count: 2,
        memoryLimit: 256 * MIB,
        time: 1_001_000,
      }),
      expect.objectContaining({ type: 'restart', count: 1, source: 'counter' }),
    ]);
    expect(describeLifecycleEvent(events[0]!)).toBe(
      'web-1 OOM-killed (2 processes), limit 256.0 MiB',
    );
  });

  it('no event on the first reading, nor when nothing moved', () => {
    expect(containerKind.events!(computeContainerMetrics(null, reading(0, 5, 5)))).toEqual([]);
    expect(
      containerKind.events!(computeContainerMetrics(reading(0, 5, 5), reading(1000, 5, 5))),
    ).toEqual([]);
  });

  it('formats how long ago', () => {
    expect(formatAgo(120_000)).toBe('2 min ago');
    expect(formatAgo(5_000)).toBe('5 s ago');
  });
});
