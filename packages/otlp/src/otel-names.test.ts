import {
  type ContainerReading,
  computeContainerMetrics,
  createKindRegistry,
  defaultKinds,
} from '@arcbox/perf-core';
import { kindFamilies, sampleName } from '@arcbox/perf-export';
import { describe, expect, it } from 'vitest';
import { OTEL_NAMES, otelNameOf } from './otel-names.js';

// A constructed container reading (not a recording) with every counter the exporter prints.
function reading(k: number): ContainerReading {
  return {
    id: 'abc',
    name: 'web',
    runtime: 'docker',
    source: 'docker-api',
    cgroupPath: '/docker/abc',
    labels: {},
    monotonicMs: k * 1000,
    time: 1_800_000_000_000 + k * 1000,
    cpuSeconds: 1.5 * k,
    systemCpuSeconds: null,
    cpuPeriods: 10 * k,
    cpuThrottledPeriods: k,
    cpuThrottledSeconds: 0.1 * k,
    cpuLimitCores: 1,
    hostCpuCount: 2,
    hostMemoryTotal: 8 * 2 ** 30,
    memoryUsage: 2 ** 20,
    memoryWorkingSet: 2 ** 19,
    memoryLimit: 2 ** 30,
    blockReadBytes: 100 * k,
    blockWriteBytes: 200 * k,
    blockReadOps: k,
    blockWriteOps: k,
    interfaces: [
      { name: 'eth0', rxBytes: 10 * k, txBytes: 5 * k, rxPackets: k, txPackets: k },
    ] as never,
    pids: 3,
    pidsLimit: 100,
    problems: [],
  };
}

describe('OTEL_NAMES', () => {
  it('maps container names the exporter prints, with container.* attributes', () => {
    const kinds = createKindRegistry(defaultKinds());
    const families = kindFamilies(kinds, {
      containers: [computeContainerMetrics(reading(1), reading(2))],
    });
    const printed = new Set(families.map(sampleName));
    const containerNames = Object.keys(OTEL_NAMES).filter((n) =>
      n.startsWith('arcbox_perf_container_'),
    );
    expect(containerNames.filter((n) => !printed.has(n))).toEqual([]);
    const cpu = families.find((f) => sampleName(f) === 'arcbox_perf_container_cpu_seconds_total')!;
    const spec = otelNameOf(cpu, sampleName(cpu));
    expect(spec.name).toBe('container.cpu.time');
    expect(spec.attributes(cpu.samples[0]!.labels)).toEqual({
      'container.id': 'abc',
      'container.name': 'web',
    });
  });

  it('keeps our name, unit and labels where no convention exists', () => {
    const spec = otelNameOf(
      { name: 'arcbox_perf_load1', type: 'gauge', help: 'Load.', samples: [] },
      'arcbox_perf_load1',
    );
    expect(spec).toMatchObject({ name: 'arcbox_perf_load1', unit: '', instrument: 'gauge' });
    const counter = otelNameOf(
      { name: 'arcbox_perf_x_seconds', type: 'counter', unit: 'seconds', help: 'X.', samples: [] },
      'arcbox_perf_x_seconds_total',
    );
    expect(counter).toMatchObject({
      name: 'arcbox_perf_x_seconds',
      unit: 's',
      instrument: 'counter',
    });
    expect(counter.attributes({ a: 'b' })).toEqual({ a: 'b' });
  });
});
