import { createFamily } from '@arcbox/perf-export';
import { describe, expect, it } from 'vitest';
import { familiesToSeries } from './families-to-series.js';

describe('familiesToSeries', () => {
  it('names series as /metrics does, sorts labels, adds external labels without overriding', () => {
    const cpu = createFamily('arcbox_perf_cpu_seconds', 'counter', 'h', 'seconds');
    cpu.add({ mode: 'user', cpu: '0' }, 12.5);
    const info = createFamily('arcbox_perf_build', 'info', 'h');
    info.add({ version: '1.0.0', instance: 'own' }, 1);
    const mem = createFamily('arcbox_perf_memory_total_bytes', 'gauge', 'h', 'bytes');
    mem.add({}, null);
    const series = familiesToSeries([cpu.family, info.family, mem.family], 1000, {
      instance: 'host-a',
      Zone: 'eu',
    });
    expect(series).toEqual([
      {
        labels: [
          { name: 'Zone', value: 'eu' },
          { name: '__name__', value: 'arcbox_perf_cpu_seconds_total' },
          { name: 'cpu', value: '0' },
          { name: 'instance', value: 'host-a' },
          { name: 'mode', value: 'user' },
        ],
        samples: [{ value: 12.5, timestampMs: 1000 }],
      },
      {
        labels: [
          { name: 'Zone', value: 'eu' },
          { name: '__name__', value: 'arcbox_perf_build_info' },
          { name: 'instance', value: 'own' },
          { name: 'version', value: '1.0.0' },
        ],
        samples: [{ value: 1, timestampMs: 1000 }],
      },
    ]);
  });
});
