import type { ContainerReading } from '@arcbox/perf-core';
import { computeContainerMetrics } from '@arcbox/perf-core';
import { createEngineLifecycle } from '@arcbox/perf-docker';
import { describe, expect, it } from 'vitest';
import type { ContainerCollector } from '../monitor-collectors.js';
import { withEngineLifecycle } from './with-engine-lifecycle.js';

const signal = new AbortController().signal;
const reading = (id: string): ContainerReading => ({
  id,
  name: `n-${id}`,
  runtime: 'docker',
  source: 'cgroup',
  cgroupPath: `/docker/${id}`,
  labels: {},
  monotonicMs: 0,
  time: 0,
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
  memoryLimit: null,
  blockReadBytes: null,
  blockWriteBytes: null,
  blockReadOps: null,
  blockWriteOps: null,
  interfaces: null,
  pids: null,
  pidsLimit: null,
  problems: [],
});

describe('withEngineLifecycle', () => {
  it('gives cgroup readings the engine’s state and restart count, moved by an event, and restartsNew follows', async () => {
    let restarts = 0;
    const lifecycle = createEngineLifecycle({
      client: {
        inspect: async (id) =>
          id === 'web'
            ? {
                State: { Status: 'running', ExitCode: 0, OOMKilled: false },
                RestartCount: restarts,
              }
            : null,
      },
      refreshMs: 3_600_000,
    });
    const inner: ContainerCollector = {
      name: 'containers',
      collect: async () => [reading('web'), reading('runc-only')],
      collectContainer: async (id) => reading(id),
    };
    const containers = withEngineLifecycle(inner, lifecycle);
    const [a, other] = await containers.collect({ signal });
    expect([a?.state, a?.restartCount, other?.state, other?.restartCount]).toEqual([
      'running',
      0,
      null,
      null,
    ]);
    restarts = 2;
    lifecycle.invalidate('web');
    const [b] = await containers.collect({ signal });
    expect(b?.restartCount).toBe(2);
    const m = computeContainerMetrics(a!, { ...b!, monotonicMs: 1000, time: 1000 });
    expect([m.restarts, m.restartsNew, m.state]).toEqual([2, 2, 'running']);
    // One container asked for alone keeps the others known.
    expect((await containers.collectContainer!('web', { signal }))?.restartCount).toBe(2);
    expect(lifecycle.size).toBe(2);
  });
});
