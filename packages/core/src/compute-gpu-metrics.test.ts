import { describe, expect, it } from 'vitest';
import { computeGpuMetrics, gpuMemoryByContainer } from './compute-gpu-metrics.js';
import { emptyGpuReading } from './gpu-reading.js';
import { gpuKind } from './kinds/gpu-kind.js';
import { MIB } from './units.js';

const base = { vendor: 'nvidia' as const, name: 'NVIDIA A10G', monotonicMs: 1000, time: 5000 };

describe('gpu kind', () => {
  it('derives memory share and slowdown margin; absent figures stay null, never 0', () => {
    const m = computeGpuMetrics(
      null,
      emptyGpuReading({
        ...base,
        id: 'GPU-1',
        uuid: 'GPU-1',
        index: 0,
        memoryUsedBytes: 1024 * MIB,
        memoryTotalBytes: 4096 * MIB,
        temperatureCelsius: 84,
        slowdownTemperatureCelsius: 87,
      }),
    );
    expect(m.memoryUsedPercent).toBe(25);
    expect(m.slowdownMarginCelsius).toBe(3);
    expect(m.powerWatts).toBeNull();
    expect(m.fanPercent).toBeNull();
    expect(m.processMemoryBytes).toBeNull();
    expect(m.labels).toEqual({ index: '0', uuid: 'GPU-1', vendor: 'nvidia', parent: '' });
    for (const f of gpuKind.fields.filter((f) => f.name.startsWith('ecc')))
      expect(f.value(m), f.name).toBeNull();
    const noTotal = computeGpuMetrics(
      null,
      emptyGpuReading({ ...base, id: 'x', memoryUsedBytes: 5, memoryTotalBytes: 0 }),
    );
    expect(noTotal.memoryUsedPercent).toBeNull();
    expect(noTotal.slowdownMarginCelsius).toBeNull();
  });

  it('marks MIG instances with the mig fact and sums process memory per container', () => {
    const mig = computeGpuMetrics(
      null,
      emptyGpuReading({ ...base, id: 'GPU-1/mig3.0', parentId: 'GPU-1' }),
    );
    expect(gpuKind.facts.mig!(mig)).toBe(true);
    expect(gpuKind.keyOf(emptyGpuReading({ ...base, id: 'GPU-1/mig3.0' }))).toBe('GPU-1/mig3.0');
    const gpus = [
      emptyGpuReading({
        ...base,
        id: 'a',
        processes: [
          { pid: 1, usedMemoryBytes: 100, container: 'c1' },
          { pid: 2, usedMemoryBytes: 50, container: null },
          { pid: 3, usedMemoryBytes: null, container: 'c2' },
        ],
      }),
      emptyGpuReading({
        ...base,
        id: 'b',
        processes: [{ pid: 4, usedMemoryBytes: 7, container: 'c1' }],
      }),
    ];
    expect([...gpuMemoryByContainer(gpus)]).toEqual([['c1', 107]]);
    expect(computeGpuMetrics(null, gpus[0]!).processMemoryBytes).toBe(150);
  });

  it('throttled ignores the idle reason; default rules watch memory and the slowdown margin', () => {
    const m = (reasons: string[] | null) =>
      computeGpuMetrics(null, emptyGpuReading({ ...base, id: 'g', throttleReasons: reasons }));
    expect(gpuKind.facts.throttled!(m(['gpu_idle']))).toBe(false);
    expect(gpuKind.facts.throttled!(m(['gpu_idle', 'sw_power_cap']))).toBe(true);
    expect(gpuKind.facts.throttled!(m(null))).toBe(false);
    expect(gpuKind.defaultRules.map((r) => [r.field, r.comparison, r.warn, r.crit])).toEqual([
      ['memoryUsedPercent', '>=', 95, 99],
      ['slowdownMarginCelsius', '<=', 5, 0],
    ]);
  });
});
