import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerReading, GpuMetrics } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSources } from '../config/resolve-sources.js';
import { createMonitor } from '../perf-monitor.js';
import { createPlatformSources } from './create-platform-sources.js';
import { withGpuMemory } from './with-gpu-memory.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-perf-gpu-'));
// A stand-in nvidia-smi: the stream prints one constructed A10G line per period (PROVENANCE in
// perf-linux's gpu fixtures); compute apps list this test's own pid (a host process).
const line =
  '0, GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94, NVIDIA A10G, 7, 1, 22, 23028, 25.58, 300.00, 17, 210, 405, 0, P8, 0x0000000000000001, 0, 0, 0, 0';
writeFileSync(
  join(dir, 'nvidia-smi'),
  `#!/bin/sh
case "$*" in
  *--query-compute-apps*) echo "${process.pid}, GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94, 100"; exit 0 ;;
  *-x) exit 1 ;;
esac
while :; do echo "${line}"; sleep 0.2; done
`,
);
chmodSync(join(dir, 'nvidia-smi'), 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (gpus: object) =>
  resolveSources({
    sources: {
      containers: { enabled: false },
      vms: { enabled: false },
      filesystems: { enabled: false },
      processes: { enabled: false },
      gpus,
    },
  });

describe.skipIf(process.platform !== 'linux')('GPU sources on Linux', () => {
  it('builds the GPU source only when nvidia-smi is on the PATH; none is not an error', async () => {
    const none = await createPlatformSources(config({}), { env: { PATH: '/nonexistent' } });
    expect(none.collectors.gpus).toBeUndefined();
    // No NVIDIA driver here (this host has none): nothing to say.
    expect(none.notes.filter((n) => n.startsWith('gpus'))).toEqual([]);
    await none.close();
    // A loaded driver (its /proc folder, under a constructed root) without nvidia-smi is a note.
    const root = join(dir, 'root');
    mkdirSync(join(root, 'proc/driver/nvidia/gpus/0000:00:1e.0'), { recursive: true });
    const driver = await createPlatformSources(
      { ...config({}), root },
      { env: { PATH: '/nonexistent' } },
    );
    expect(driver.notes).toContain(
      'gpus: an NVIDIA driver is loaded but nvidia-smi is not on the PATH: no GPU source',
    );
    await driver.close();
    const off = await createPlatformSources(config({ enabled: false }), { env: { PATH: dir } });
    expect(off.collectors.gpus).toBeUndefined();
    await off.close();
  });

  it('samples GPUs through the monitor: one series per device, with its history', async () => {
    const sources = config({ interval: '200ms', appsInterval: '1s' });
    const monitor = createMonitor({
      sources,
      platform: 'linux',
      intervalMs: 200,
      timeouts: { gpus: 2000 },
    });
    // The composition reads PATH from the environment it is given; the monitor uses process.env.
    const saved = process.env.PATH;
    process.env.PATH = `${dir}:${saved}`;
    try {
      const sample = await monitor.collect();
      expect(sample.errors).toEqual({});
      const gpus = sample.gpus as GpuMetrics[];
      expect(gpus.map((g) => [g.name, g.utilizationPercent, g.memoryUsedBytes])).toEqual([
        ['NVIDIA A10G', 7, 22 * 2 ** 20],
      ]);
      expect(gpus[0]!.throttleReasons).toEqual(['gpu_idle']);
      const rows = monitor.seriesHistory('gpu', gpus[0]!.id, { lastMs: 60_000 });
      expect(rows.timestamps).toHaveLength(1);
      expect(rows.fields).toContain('memoryUsedPercent');
    } finally {
      process.env.PATH = saved;
      await monitor.close();
    }
  });
});

describe('container GPU memory', () => {
  it('fills gpuMemoryBytes from the GPU source: null before it answers, 0 for none', async () => {
    let byId: Map<string, number> | null = null;
    const reading = (id: string) => ({ id }) as ContainerReading;
    const wrapped = withGpuMemory(
      { name: 'containers', collect: async () => [reading('a'), reading('b')] },
      () => byId,
    );
    const signal = new AbortController().signal;
    expect((await wrapped.collect({ signal })).map((r) => r.gpuMemoryBytes)).toEqual([null, null]);
    byId = new Map([['a', 512]]);
    expect((await wrapped.collect({ signal })).map((r) => r.gpuMemoryBytes)).toEqual([512, 0]);
  });
});

describe('GPU sources on macOS (the composition only: ioreg runs on a Mac)', () => {
  it('builds the Apple GPU collector when sources.gpus is on, none when off', async () => {
    const on = await createPlatformSources(config({}), { platform: 'darwin', env: {} });
    expect(on.collectors.gpus?.name).toBe('gpus');
    await on.close();
    const off = await createPlatformSources(config({ enabled: false }), {
      platform: 'darwin',
      env: {},
    });
    expect(off.collectors.gpus).toBeUndefined();
    await off.close();
  });
});
