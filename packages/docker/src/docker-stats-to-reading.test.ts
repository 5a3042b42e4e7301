import { readFileSync } from 'node:fs';
import { type ContainerReading, computeContainerMetrics } from '@arcbox/perf-core';
import fc from 'fast-check';
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

describe('dockerStatsToReading on values that are not counts', () => {
  const v1 = 'docker/otel_dockerstatsreceiver/single_container_cgroupv1_stats.json';

  it('a negative, fractional or oversized value is null with a problem naming part and field; no made-up 0 (constructed edit of a real payload)', () => {
    const stats = load(v1);
    stats.memory_stats!.usage = -123456789;
    stats.pids_stats = { current: -5, limit: 2.5 };
    stats.cpu_stats!.throttling_data = {
      periods: 1.5,
      throttled_periods: 2 ** 60,
      throttled_time: -1,
    };
    stats.cpu_stats!.online_cpus = 0;
    stats.blkio_stats!.io_service_bytes_recursive![0]!.value = -5;
    stats.networks!.eth0!.rx_bytes = -1;
    stats.networks!.eth1 = { ...stats.networks!.eth0, rx_bytes: 100, rx_errors: -3 };
    const r = dockerStatsToReading(stats, { ...ctx('docker'), hostCpuCount: -2 });
    expect(r).toMatchObject({
      memoryUsage: null,
      memoryWorkingSet: null,
      pids: null,
      pidsLimit: null,
      cpuPeriods: null,
      cpuThrottledPeriods: null,
      cpuThrottledSeconds: null,
      blockReadBytes: null,
      blockWriteBytes: 0,
      blockReadOps: 99,
      // online_cpus 0 is Docker's "unknown": the percpu_usage count stands in.
      hostCpuCount: 8,
    });
    expect(r.interfaces?.map((i) => [i.name, i.rxBytes, i.rxErrors])).toEqual([
      ['eth1', 100, null],
    ]);
    const said = r.problems.map((p) => `${p.source}: ${p.message}`);
    for (const expected of [
      'memory_stats: usage: expected a non-negative integer below 2^53, got -123456789',
      'pids_stats: current: expected a non-negative integer below 2^53, got -5',
      'pids_stats: limit: expected a non-negative integer below 2^53, got 2.5',
      'cpu_stats: throttling_data.periods: expected a non-negative integer below 2^53, got 1.5',
      'cpu_stats: throttling_data.throttled_periods: expected a non-negative integer below 2^53, got 1152921504606847000',
      'cpu_stats: throttling_data.throttled_time: expected a non-negative integer below 2^63, got -1',
      'blkio_stats: io_service_bytes_recursive Read: expected a non-negative integer below 2^53, got -5',
      'networks.eth0: rx_bytes: expected a non-negative integer below 2^53, got -1',
      'networks.eth0: left out: no byte or packet counter that is a count',
      'networks.eth1: rx_errors: expected a non-negative integer below 2^53, got -3',
    ])
      expect(said).toContain(expected);
    expect(r.problems.every((p) => p.code === 'PARSE_ERROR' || p.code === undefined)).toBe(true);
  });

  it('CPU nanosecond counters past 2^53 still read (system_cpu_usage gets there in days on many cores)', () => {
    const stats = load(v1);
    stats.cpu_stats!.system_cpu_usage = 2 ** 55;
    stats.cpu_stats!.cpu_usage!.total_usage = 2 ** 54;
    const r = dockerStatsToReading(stats, ctx('docker'));
    expect(r.systemCpuSeconds).toBe(2 ** 55 / 1e9);
    expect(r.cpuSeconds).toBe(2 ** 54 / 1e9);
    stats.cpu_stats!.system_cpu_usage = 2 ** 64;
    expect(dockerStatsToReading(stats, ctx('docker')).systemCpuSeconds).toBeNull();
  });

  it('gives only null or finite non-negative figures, integers where counted, for any payload (property)', () => {
    const odd = fc.oneof(
      fc.constantFrom(-1, -0, 1.5, 2 ** 53, 2 ** 62, 2 ** 64, Number.POSITIVE_INFINITY, 1e308),
      fc.constantFrom('12', '', null, true, [], {}),
      fc.integer(),
      fc.double(),
    );
    const payloads = [
      v1,
      'docker/otel_dockerstatsreceiver/cgroups_v2_stats.json',
      'docker/moby_api_docs/containers_stats_v1.24_example.json',
      'podman/podman_v1.41_stats_oneshot.json',
    ].map(load);
    const mutated = fc
      .tuple(fc.constantFrom(...payloads), fc.array(fc.tuple(fc.nat(), odd), { maxLength: 6 }))
      .map(([payload, edits]) => {
        const copy = structuredClone(payload) as unknown;
        const leaves = leafPaths(copy);
        for (const [at, value] of edits) setAt(copy, leaves[at % leaves.length]!, value);
        return copy as DockerStats;
      });
    const anyPayload = fc.oneof(
      mutated,
      fc.jsonValue().map((v) => v as DockerStats),
    );
    fc.assert(
      fc.property(
        anyPayload,
        fc.constantFrom<'docker' | 'podman'>('docker', 'podman'),
        odd,
        odd,
        (stats, engine, hostCpus, hostMemory) => {
          const context = {
            ...ctx(engine),
            hostCpuCount: hostCpus as number,
            hostMemoryTotal: hostMemory as number,
          };
          if (stats === null || typeof stats !== 'object') return;
          const r = dockerStatsToReading(stats, context);
          expectSane(r);
          const previous = dockerPreviousReading(stats, r, { emptyAsZero: true });
          if (previous) expectSane(previous);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

/** Every figure of a reading is null or finite and non-negative, an integer where counted. */
function expectSane(r: ContainerReading) {
  const counts = [
    r.cpuPeriods,
    r.cpuThrottledPeriods,
    r.hostCpuCount,
    r.hostMemoryTotal,
    r.memoryUsage,
    r.memoryWorkingSet,
    r.memoryLimit,
    r.blockReadBytes,
    r.blockWriteBytes,
    r.blockReadOps,
    r.blockWriteOps,
    r.pids,
    r.pidsLimit,
    ...(r.interfaces ?? []).flatMap((i) => [
      i.rxBytes,
      i.rxPackets,
      i.rxErrors,
      i.rxDropped,
      i.txBytes,
      i.txPackets,
      i.txErrors,
      i.txDropped,
    ]),
  ];
  for (const n of counts)
    if (n !== null) expect(Number.isSafeInteger(n) && n >= 0, `${n}`).toBe(true);
  for (const n of [r.cpuSeconds, r.systemCpuSeconds, r.cpuThrottledSeconds, r.cpuLimitCores])
    if (n !== null) expect(Number.isFinite(n) && n >= 0, `${n}`).toBe(true);
  expect(r.hostCpuCount).toBeGreaterThanOrEqual(1);
}

/** Paths to every leaf (number, string, boolean, null) of a JSON value. */
function leafPaths(
  value: unknown,
  path: Array<string | number> = [],
): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  const out = entries.flatMap(([k, v]) => leafPaths(v, [...path, k]));
  return out.length > 0 ? out : [path];
}

function setAt(root: unknown, path: Array<string | number>, value: unknown) {
  if (path.length === 0) return;
  let at = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
}

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

describe('limits from inspect that are not whole numbers', () => {
  it('say neither "none" nor a value: a PARSE_ERROR naming the field, so the stats rule decides (constructed)', async () => {
    const { limitsFromInspect } = await import('./docker-client.js');
    for (const odd of [1.5, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(() => limitsFromInspect({ HostConfig: { Memory: odd } })).toThrow(/HostConfig.Memory/);
      expect(() => limitsFromInspect({ HostConfig: { NanoCpus: odd } })).toThrow(/NanoCpus/);
    }
  });
});

describe('host facts from /info', () => {
  it('keeps only whole positive numbers below 2^53 (constructed)', async () => {
    const { hostFromInfo } = await import('./docker-client.js');
    expect(hostFromInfo({ NCPU: 4, MemTotal: 8 * 2 ** 30 })).toEqual({
      cpus: 4,
      memory: 8 * 2 ** 30,
    });
    for (const bad of [-2, 0, 1.5, 2 ** 53, Number.NaN])
      expect(hostFromInfo({ NCPU: bad, MemTotal: bad })).toEqual({ cpus: null, memory: null });
  });
});
