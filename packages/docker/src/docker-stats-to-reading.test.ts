import { readFileSync } from 'node:fs';
import { computeContainerMetrics } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { dockerPreviousReading, dockerStatsToReading } from './docker-stats-to-reading.js';
import type { DockerStats } from './docker-types.js';

const load = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8'),
  ) as DockerStats;
const stamp = { monotonicMs: 50_000, time: 1_700_000_000_000 };
const ctx = (engine: 'docker' | 'podman', hostMemoryTotal: number | null = null) => ({
  engine,
  id: 'c1',
  name: 'web',
  stamp,
  hostMemoryTotal,
});

/** Docker's documented formula, computed straight from the payload. */
function documentedCpuPercent(s: DockerStats): number {
  const cpu = s.cpu_stats ?? {};
  const pre = s.precpu_stats ?? {};
  const dTotal = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const dSystem = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus ?? cpu.cpu_usage?.percpu_usage?.length ?? 0;
  return (dTotal / dSystem) * cpus * 100;
}

describe('dockerStatsToReading on real Docker payloads', () => {
  it.each([
    [
      'docker/otel_dockerstatsreceiver/single_container_cgroupv1_stats.json',
      2887680 - 2162688,
      null,
      8,
    ],
    ['docker/otel_dockerstatsreceiver/cgroups_v2_stats.json', 234647552, 268435456, 2],
    ['docker/moby_api_docs/containers_stats_v1.24_example.json', 6537216, 67108864, 4],
  ])(
    '%s: documented CPU percent, working set %i, limit %s, %i CPUs',
    (file, workingSet, limit, cpus) => {
      const stats = load(file);
      const current = dockerStatsToReading(stats, ctx('docker'));
      // The otel payloads are first samples (empty precpu_stats): no previous unless asked for
      // the CLI's since-start line.
      const firstSample = stats.precpu_stats?.system_cpu_usage === undefined;
      expect(dockerPreviousReading(stats, current) === null).toBe(firstSample);
      const previous = dockerPreviousReading(stats, current, { emptyAsZero: true });
      expect(previous).not.toBeNull();
      const m = computeContainerMetrics(previous, current);
      expect(m.cpuPercent).toBeCloseTo(documentedCpuPercent(stats), 10);
      expect(m.cpuPercent).toBeGreaterThan(0);
      expect(current.hostCpuCount).toBe(cpus);
      expect(m.memoryUsed).toBe(workingSet);
      expect(m.memoryLimit).toBe(limit);
      // Only CPU was sampled twice: no other rate is invented from one payload.
      expect(m.blockReadBps).toBeNull();
      expect(m.netRxBps).toBeNull();
    },
  );

  it('cgroup v1 payload: limit null (Docker put host memory there), blkio Read/Write summed, networks kept', () => {
    const r = dockerStatsToReading(
      load('docker/otel_dockerstatsreceiver/single_container_cgroupv1_stats.json'),
      ctx('docker'),
    );
    expect(r).toMatchObject({
      source: 'docker-api',
      runtime: 'docker',
      memoryUsage: 2887680,
      memoryLimit: null,
      blockReadBytes: 2502656,
      blockWriteBytes: 0,
      blockReadOps: 99,
      pids: 1,
      systemCpuSeconds: 120830.55,
    });
    expect(r.interfaces?.map((i) => [i.name, i.rxBytes, i.rxPackets])).toEqual([
      ['eth0', 1532, 18],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('cgroup v2 payload: lower-case ops, pids limit, limit at host memory is no limit when /info says so', () => {
    const stats = load('docker/otel_dockerstatsreceiver/cgroups_v2_stats.json');
    const r = dockerStatsToReading(stats, ctx('docker'));
    expect(r).toMatchObject({
      blockReadBytes: 167936,
      blockWriteBytes: 0,
      blockReadOps: null,
      pids: 1,
      pidsLimit: 4694,
    });
    expect(dockerStatsToReading(stats, ctx('docker', 268435456)).memoryLimit).toBeNull();
  });
});

describe('dockerStatsToReading corrects podman 4.3.1 (real payloads)', () => {
  const stats = load('podman/podman_v1.41_stats_oneshot.json');
  const r = dockerStatsToReading(stats, ctx('podman'));

  it('leaves system CPU unset (it lacks idle) so CPU % comes from wall-clock time', () => {
    expect(r.systemCpuSeconds).toBeNull();
    expect(r.cpuSeconds).toBeCloseTo(9.795107497, 9);
    // Docker's formula on this payload reads about 4x the container's real 50 %:
    expect(documentedCpuPercent({ ...stats, precpu_stats: {} })).toBeGreaterThan(0.5);
    const later = { ...r, monotonicMs: r.monotonicMs + 2000, cpuSeconds: (r.cpuSeconds ?? 0) + 1 };
    expect(computeContainerMetrics(r, later).cpuPercent).toBeCloseTo(50, 6);
    expect(r.cpuThrottledPeriods).toBeNull();
  });

  it('swaps rx/tx back, names the missing packet counts and working set', () => {
    expect(r.interfaces).toHaveLength(1);
    expect(r.interfaces?.[0]).toMatchObject({ name: 'network', rxBytes: 3300, txBytes: 3598 });
    expect(r.memoryUsage).toBe(34586624);
    expect(r.memoryWorkingSet).toBeNull();
    expect(r.memoryLimit).toBe(268435456);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(
      /no packet counts[\s\S]*|working set unknown/,
    );
    expect(r.problems.some((p) => /working set unknown/.test(p.message))).toBe(true);
    expect(r.problems.some((p) => /packet/.test(p.message))).toBe(true);
  });

  it('sums blkio whatever its swapped major/minor say', () => {
    expect(r.blockReadBytes).toBe(45056);
    expect(r.blockWriteBytes).toBe(16777216);
    expect(r.pids).toBe(4);
    expect(r.hostCpuCount).toBe(2);
  });
});

describe('dockerStatsToReading on malformed payloads', () => {
  it('names every missing part instead of throwing or inventing zeros', () => {
    const r = dockerStatsToReading(
      { cpu_stats: { cpu_usage: {} }, memory_stats: {} } as DockerStats,
      ctx('docker'),
    );
    expect(r.cpuSeconds).toBeNull();
    expect(r.memoryUsage).toBeNull();
    expect(r.blockReadBytes).toBeNull();
    expect(r.interfaces).toBeNull();
    expect(r.problems.map((p) => p.source)).toEqual(
      expect.arrayContaining(['cpu_stats', 'memory_stats', 'blkio_stats', 'networks']),
    );
  });

  it('ignores values of the wrong type', () => {
    const r = dockerStatsToReading(
      {
        cpu_stats: { cpu_usage: { total_usage: 'x' as unknown as number } },
        pids_stats: { current: -3 },
      } as DockerStats,
      ctx('docker'),
    );
    expect(r.cpuSeconds).toBeNull();
    expect(r.pids).toBeNull();
  });
});

describe('limits from inspect', () => {
  it('HostConfig decides whether there is a limit at all', async () => {
    const { limitsFromInspect } = await import('./docker-client.js');
    const inspect = JSON.parse(
      readFileSync(
        new URL('../__fixtures__/podman/podman_v1.41_container_inspect.json', import.meta.url),
        'utf8',
      ),
    );
    expect(limitsFromInspect(inspect)).toEqual({
      memoryLimit: 268435456,
      cpuLimitCores: 0.5,
      pidsLimit: 64,
    });
    expect(
      limitsFromInspect({ HostConfig: { Memory: 0, NanoCpus: 0, CpuQuota: -1, PidsLimit: -1 } }),
    ).toEqual({
      memoryLimit: null,
      cpuLimitCores: null,
      pidsLimit: null,
    });
    // Docker's v2 payload reports a limit; inspect saying none wins over it.
    const stats = load('docker/otel_dockerstatsreceiver/cgroups_v2_stats.json');
    const none = { memoryLimit: null, cpuLimitCores: null, pidsLimit: null };
    expect(dockerStatsToReading(stats, { ...ctx('docker'), limits: none }).memoryLimit).toBeNull();
  });
});
