import { describe, expect, it } from 'vitest';
import { containerFamilies } from './container-families.js';
import { formatExposition } from './format-exposition.js';
import { constructedContainer } from './test-metrics.js';

describe('container lifecycle families', () => {
  it('publish OOM kills, limit hits and restarts as _total counters; absent where not measured', () => {
    const web = {
      ...constructedContainer('abc', 'web-1'),
      memoryOomKills: 3,
      memoryLimitHits: 120,
      memoryOomEvents: null,
      memoryHighEvents: null,
      restarts: 2,
    };
    const text = formatExposition(containerFamilies([web]), 'prometheus');
    expect(text).toContain('# TYPE arcbox_perf_container_oom_kills_total counter');
    expect(text).toContain('arcbox_perf_container_oom_kills_total{id="abc",name="web-1"} 3\n');
    expect(text).toContain(
      'arcbox_perf_container_memory_limit_hits_total{id="abc",name="web-1"} 120\n',
    );
    expect(text).toContain('arcbox_perf_container_restarts_total{id="abc",name="web-1"} 2\n');
    expect(text).not.toContain('arcbox_perf_container_oom_events_total{');
    expect(text).not.toContain('arcbox_perf_container_memory_high_events_total{');
  });
});

describe('container GPU memory family', () => {
  it('publishes gpuMemoryBytes in bytes, 0 for a container without GPU work, absent when unknown', () => {
    const withGpu = { ...constructedContainer('abc', 'infer'), gpuMemoryBytes: 512 * 2 ** 20 };
    const none = { ...constructedContainer('def', 'web'), gpuMemoryBytes: 0 };
    const unknown = { ...constructedContainer('ghi', 'db'), gpuMemoryBytes: null };
    const text = formatExposition(containerFamilies([withGpu, none, unknown]), 'prometheus');
    expect(text).toContain('# TYPE arcbox_perf_container_gpu_memory_used_bytes gauge');
    expect(text).toContain(
      'arcbox_perf_container_gpu_memory_used_bytes{id="abc",name="infer"} 536870912\n',
    );
    expect(text).toContain('arcbox_perf_container_gpu_memory_used_bytes{id="def",name="web"} 0\n');
    expect(text).not.toContain('arcbox_perf_container_gpu_memory_used_bytes{id="ghi"');
  });
});
