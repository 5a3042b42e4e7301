import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  LifecycleEvent,
  Collector,
  ContainerReading,
  CpuTimes,
  FilesystemMetrics,
  FilesystemReading,
  SystemReading,
} from '@arcbox/perf-core';
import { filesystemKind } from '@arcbox/perf-core';
import { defaultAlertRules } from '@arcbox/perf-history';
import { PerfError } from '@arcbox/perf-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadPlatformCollectors } from './load-platform-collectors.js';
import type { ContainerCollector, VmCollector } from './monitor-collectors.js';
import { createMonitor, PerfMonitor } from './perf-monitor.js';

const T0 = Date.UTC(2026, 0, 1);

const times = (busy: number, idle: number): CpuTimes => ({
  user: busy,
  nice: 0,
  system: 0,
  idle,
  iowait: 0,
  irq: 0,
  softirq: 0,
  steal: 0,
  guest: 0,
  guestNice: 0,
});

/** A constructed host reading: round k, `busy` share of the CPU time since round k-1. */
function systemReading(k: number, busyShare = 0.25): SystemReading {
  const busy = k * busyShare;
  return {
    platform: 'linux',
    monotonicMs: k * 1000,
    time: T0 + k * 1000,
    cpuCount: 2,
    cpu: { total: times(busy, k - busy), cores: [] },
    memory: null,
    disks: null,
    interfaces: null,
    load: { load1: 0.5, load5: 0.5, load15: 0.5 },
    pressure: null,
    problems: [],
  };
}

/** A constructed collector of host readings, counting how many run at once. */
function constructedSystem(options: { takesMs?: number; busyShare?: number } = {}) {
  let k = 0;
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0, closed: false };
  const collector: Collector<SystemReading> = {
    name: 'system',
    async collect() {
      stats.calls += 1;
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        if (options.takesMs) await new Promise((r) => setTimeout(r, options.takesMs));
        k += 1;
        return systemReading(k, options.busyShare);
      } finally {
        stats.inFlight -= 1;
      }
    },
    close() {
      stats.closed = true;
    },
  };
  return { collector, stats };
}

function containerReading(id: string, k: number): ContainerReading {
  return {
    monotonicMs: k * 1000,
    time: T0 + k * 1000,
    id,
    name: `n-${id}`,
    runtime: 'docker',
    source: 'cgroup',
    cgroupPath: null,
    labels: {},
    cpuSeconds: k * 0.5,
    systemCpuSeconds: null,
    cpuPeriods: null,
    cpuThrottledPeriods: null,
    cpuThrottledSeconds: null,
    cpuLimitCores: null,
    hostCpuCount: 2,
    hostMemoryTotal: 2 ** 34,
    memoryUsage: 2 ** 20,
    memoryWorkingSet: 2 ** 20,
    memoryLimit: 2 ** 21,
    blockReadBytes: null,
    blockWriteBytes: null,
    blockReadOps: null,
    blockWriteOps: null,
    interfaces: null,
    pids: 3,
    pidsLimit: null,
    problems: [],
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PerfMonitor timing with a constructed SystemReading collector (fake timers)', () => {
  it('never runs two rounds at once when a round takes longer than the interval', async () => {
    vi.useFakeTimers();
    const { collector, stats } = constructedSystem({ takesMs: 2500 });
    const monitor = new PerfMonitor({
      intervalMs: 1000,
      collectors: { system: collector },
      timeoutMs: 10_000,
      alerts: false,
      now: () => Date.now(),
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(10_000);
    await monitor.stop();
    expect(stats.maxInFlight).toBe(1);
    expect(stats.calls).toBeGreaterThanOrEqual(4);
    expect(stats.calls).toBeLessThanOrEqual(5);
    expect(monitor.overruns).toBeGreaterThanOrEqual(3);
    await monitor.close();
    expect(stats.closed).toBe(true);
  });

  it('samples once per interval when rounds are quick', async () => {
    vi.useFakeTimers();
    const { collector, stats } = constructedSystem({ takesMs: 100 });
    const monitor = createMonitor({
      intervalMs: 1000,
      collectors: { system: collector },
      alerts: false,
      now: () => Date.now(),
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(9_950);
    await monitor.close();
    expect(stats.calls).toBe(10);
    expect(monitor.overruns).toBe(0);
    expect(monitor.running).toBe(false);
  });
});

describe('PerfMonitor with constructed readings', () => {
  it('turns readings into metrics, stores each round and streams samples', async () => {
    const { collector } = constructedSystem({ busyShare: 0.25 });
    const monitor = createMonitor({ collectors: { system: collector }, alerts: false });
    const controller = new AbortController();
    const seen: Array<number | null> = [];
    const reading = (async () => {
      for await (const s of monitor.samples({ signal: controller.signal })) {
        seen.push(s.system?.cpuPercent ?? null);
        if (seen.length === 3) controller.abort();
      }
    })();
    const first = await monitor.collect();
    expect(first.system?.cpuPercent).toBeNull(); // no earlier reading: no rate, never a made-up 0
    await monitor.collect();
    expect((await monitor.collectSystem()).cpuPercent).toBeCloseTo(25, 6);
    await monitor.collect();
    await reading;
    expect(seen).toEqual([null, 25, 25]);
    const h = monitor.systemHistory({ fields: ['cpuPercent', 'load1'] });
    expect(h.timestamps).toEqual([1, 2, 3, 4].map((k) => T0 + k * 1000));
    expect(h.values.cpuPercent).toEqual([null, 25, 25, 25]);
    expect(monitor.sampleIntervalMs).toBe(1000);
    monitor.clearHistory();
    // A series that holds nothing (yet, or any more) is an empty answer, not an error.
    expect(monitor.systemHistory().timestamps).toEqual([]);
    expect(createMonitor({ alerts: false }).systemHistory({ fields: ['load1'] }).values).toEqual({
      load1: [],
    });
    expect(() => monitor.seriesHistory('tpu', '0')).toThrow(/not a kind of series/);
    await monitor.close();
  });

  it('samples any registered kind from its collector: filesystems into the sample, history and alerts', async () => {
    let k = 0;
    const filesystems: Collector<FilesystemReading[]> = {
      name: 'filesystems',
      async collect() {
        k += 1;
        const disk = (mountPoint: string, usedShare: number, readOnly: boolean) => ({
          monotonicMs: k * 1000,
          time: T0 + k * 1000,
          mountPoint,
          device: '/dev/vda1',
          fsType: 'ext4',
          readOnly,
          sizeBytes: 1000 * 4096,
          freeBytes: (1 - usedShare) * 1000 * 4096,
          availableBytes: (1 - usedShare) * 1000 * 4096,
          inodesTotal: 100,
          inodesFree: 90,
          sharedSpace: null,
          problems: [],
        });
        // /data fills up; /ro is just as full but read-only (the default rule leaves it out).
        return k <= 2 ? [disk('/data', 0.95, false), disk('/ro', 0.95, true)] : [];
      },
    };
    const { collector } = constructedSystem();
    const monitor = createMonitor({
      collectors: { system: collector, filesystems },
      alerts: defaultAlertRules
        .filter((r) => r.target === 'filesystem')
        .map((r) => ({ ...r, forSeconds: 0 })),
    });
    const first = await monitor.collect();
    const fs = first.filesystems as FilesystemMetrics[];
    expect(fs.map((f) => [f.mountPoint, f.usedPercent])).toEqual([
      ['/data', 95],
      ['/ro', 95],
    ]);
    expect(first.alerts.map((a) => [a.series, a.state, a.severity, a.unit])).toEqual([
      ['filesystem:/data', 'firing', 'critical', 'percent'],
    ]);
    expect(monitor.history.has('filesystem:/data')).toBe(true);
    await monitor.collect();
    // The mounts went away: their alerts end, their series are marked gone.
    const third = await monitor.collect();
    expect(third.alerts).toMatchObject([{ series: 'filesystem:/data', reason: 'series-gone' }]);
    expect(
      monitor.seriesHistory('filesystem', '/data', { fields: ['usedPercent'] }).values.usedPercent,
    ).toEqual([95, 95]);
    await monitor.close();
  });

  it('reads a kind with an interval of its own only when it is due, showing its last metrics between', async () => {
    let calls = 0;
    let now = 0;
    const filesystems: Collector<FilesystemReading[]> = {
      name: 'filesystems',
      async collect() {
        calls += 1;
        return [
          {
            monotonicMs: now,
            time: T0 + now,
            mountPoint: '/',
            device: '/dev/vda1',
            fsType: 'ext4',
            readOnly: false,
            sizeBytes: 4096 * 100,
            freeBytes: 4096 * calls,
            availableBytes: 4096 * calls,
            inodesTotal: null,
            inodesFree: null,
            sharedSpace: null,
            problems: [],
          },
        ];
      },
    };
    const monitor = createMonitor({
      collectors: { system: constructedSystem().collector, filesystems },
      intervals: { filesystems: 3000 },
      alerts: false,
    });
    const shown: number[] = [];
    const realNow = performance.now;
    try {
      for (let round = 0; round < 7; round++) {
        now = round * 1000;
        performance.now = () => now;
        const sample = await monitor.collect();
        shown.push((sample.filesystems as FilesystemMetrics[])[0]!.freeBytes! / 4096);
      }
    } finally {
      performance.now = realNow;
    }
    // Read at rounds 0, 3 and 6; the rounds between show what was read last.
    expect(calls).toBe(3);
    expect(shown).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(monitor.history.series().find((s) => s.key === 'filesystem:/')?.rawRows).toBe(3);
    await monitor.close();
  });

  it('collectVm says null for a VM no source has, and a single collect evaluates alerts too', async () => {
    const vms: VmCollector = {
      name: 'vms',
      collect: async () => [],
      collectVm: async () => null,
    };
    let k = 0;
    const containers: ContainerCollector = {
      name: 'containers',
      collect: async () => [],
      collectContainer: async (id) => (id === 'a1' ? containerReading('a1', ++k) : null),
    };
    const monitor = createMonitor({
      collectors: { system: constructedSystem().collector, vms, containers },
      alerts: [
        {
          name: 'ctr-cpu',
          target: 'container',
          field: 'cpuPercent',
          comparison: '>',
          warn: 10,
          crit: null,
          clear: null,
          windowSeconds: 0,
          windowAggregation: 'last',
          forSeconds: 0,
        },
      ],
    });
    expect(await monitor.collectVm('nope')).toBeNull();
    expect(await monitor.collectContainer('zz')).toBeNull();
    await monitor.collectContainer('a1');
    await monitor.collectContainer('a1');
    expect(monitor.alerts()).toMatchObject([
      { rule: 'ctr-cpu', series: 'container:a1', state: 'firing', kind: 'container', warn: 10 },
    ]);
    await monitor.close();
  });

  it('reports a failing collector in the sample and as a typed error from collectSystem', async () => {
    const failing: Collector<SystemReading> = {
      name: 'system',
      async collect() {
        throw new Error('proc is gone');
      },
    };
    const monitor = createMonitor({ collectors: { system: failing }, alerts: false });
    const sample = await monitor.collect();
    expect(sample.system).toBeNull();
    expect(sample.errors.system?.code).toBe('COLLECTOR_FAILED');
    await expect(monitor.collectSystem()).rejects.toSatisfy((e) => PerfError.isInstance(e));
    expect((await monitor.status())[0]).toMatchObject({
      name: 'system',
      lastOutcome: { ok: false },
    });
    await monitor.close();
  });

  it('collects one container or all, keeps their history, and raises alerts', async () => {
    let k = 0;
    let ids = ['a1', 'b2'];
    const containers: Collector<ContainerReading[]> = {
      name: 'containers',
      async collect() {
        k += 1;
        return ids.map((id) => containerReading(id, k));
      },
    };
    const { collector } = constructedSystem({ busyShare: 0.95 });
    const monitor = createMonitor({
      collectors: { system: collector, containers },
      alerts: [
        {
          name: 'busy',
          target: 'system',
          field: 'cpuPercent',
          comparison: '>',
          warn: 90,
          crit: null,
          clear: 80,
          windowSeconds: 0,
          windowAggregation: 'avg',
          forSeconds: 0,
        },
      ],
    });
    const events: string[] = [];
    monitor.onAlert((e) => events.push(`${e.rule}:${e.state}`));
    await monitor.collect();
    const second = await monitor.collect();
    expect(second.containers.map((c) => c.cpuPercent)).toEqual([50, 50]);
    expect(second.alerts.map((e) => e.state)).toEqual(['firing']);
    expect(monitor.alerts()).toMatchObject([
      { rule: 'busy', state: 'firing', severity: 'warning' },
    ]);
    expect(events).toEqual(['busy:firing']);

    const one = await monitor.collectContainer('b2', 'renamed');
    expect(one).toMatchObject({ id: 'b2', name: 'renamed', cpuPercent: 50 });
    expect(await monitor.collectContainer('zz')).toBeNull();
    expect(monitor.containerHistory('b2', { fields: ['cpuPercent'] }).values.cpuPercent).toEqual([
      null,
      50,
      50,
    ]);

    ids = ['a1'];
    await monitor.collectContainers();
    expect(
      monitor.history.series().find((s) => s.key === 'container:b2')?.goneSince,
    ).not.toBeNull();
    await expect(monitor.collectVms()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await monitor.close();
  });
});

const onLinux = process.platform === 'linux';

describe('PerfMonitor with the platform collectors of this machine', () => {
  it.skipIf(!onLinux)('loads the Linux collectors lazily and reads the real /proc', async () => {
    const monitor = createMonitor();
    const first = await monitor.collectSystem();
    await delay(300);
    const second = await monitor.collectSystem();
    const memTotalKb = Number(
      /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1],
    );
    expect(first.cpuPercent).toBeNull();
    expect(second.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(second.cpuPercent).toBeLessThanOrEqual(100);
    expect(second.memoryTotal).toBe(memTotalKb * 1024);
    const names = (await monitor.status()).map((s) => s.name);
    expect(names).toEqual(['system', 'containers', 'vms', 'filesystems', 'processes']);
    // Whatever runs here: lists, possibly empty, never an error.
    expect(Array.isArray(await monitor.collectContainers())).toBe(true);
    expect(Array.isArray(await monitor.collectVms())).toBe(true);
    // The root filesystem is mounted on any Linux machine.
    const mounts = (await monitor.collectKind(filesystemKind)).map((f) => f.mountPoint);
    expect(mounts).toContain('/');
    // History keeps Float32 values: the byte count to 7 significant digits.
    const stored = Math.fround(memTotalKb * 1024);
    expect(monitor.systemHistory({ fields: ['memoryTotal'] }).values.memoryTotal).toEqual([
      stored,
      stored,
    ]);
    await monitor.close();
  });

  it('imports the platform packages only where used (dynamic imports in the build)', () => {
    const built = readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8');
    for (const pkg of [
      '@arcbox/perf-linux',
      '@arcbox/perf-darwin',
      '@arcbox/perf-vmm',
      '@arcbox/perf-docker',
    ]) {
      expect(built).toContain(`import("${pkg}")`);
      expect(built).not.toMatch(new RegExp(`from ["']${pkg}["']`));
    }
  });

  it('builds the macOS collectors from @arcbox/perf-darwin (created here, not run)', async () => {
    const collectors = await loadPlatformCollectors('darwin', { containers: false, vms: false });
    expect(collectors.system.name).toBe('system');
    expect(collectors.containers).toBeUndefined();
    expect(collectors.filesystems?.name).toBe('filesystems');
    await collectors.system.close?.();
    await collectors.filesystems?.close?.();
  });

  it('refuses a platform it cannot read, with a typed error', async () => {
    const monitor = createMonitor({ platform: 'win32' });
    await expect(monitor.collect()).rejects.toMatchObject({ code: 'UNSUPPORTED_PLATFORM' });
    await monitor.close();
  });
});

describe('PerfMonitor and processes', () => {
  const proc = (
    pid: number,
    k: number,
    cpu: number,
    rss: number,
    container: string | null = null,
  ) => ({
    pid,
    ppid: 1,
    startTime: 100 + pid,
    comm: `p${pid}`,
    command: null,
    uid: 0,
    user: 'root',
    state: 'S',
    threads: 1,
    cpuUserSeconds: null,
    cpuSystemSeconds: null,
    cpuSeconds: k * cpu,
    residentBytes: rss,
    swapBytes: null,
    ioReadBytes: null,
    ioWriteBytes: null,
    container,
    kernelThread: false,
    hostCpuCount: 2,
    monotonicMs: k * 1000,
    time: T0 + k * 1000,
  });
  /** 40 processes: pid i uses i/100 of a core and 1000 - i bytes; pids 35-40 are in container `cafe0001`. */
  function processes() {
    let k = 0;
    return {
      name: 'processes',
      async collect() {
        k += 1;
        return Array.from({ length: 40 }, (_, i) =>
          proc(i + 1, k, (i + 1) / 100, 1000 - i, i >= 34 ? 'cafe0001' : null),
        );
      },
    };
  }

  it('samples and history keep the configured top N plus the named containers; the full list on demand', async () => {
    const monitor = createMonitor({
      collectors: { system: constructedSystem().collector, processes: processes() },
      selections: {},
      alerts: false,
    });
    const first = await monitor.collect();
    // The kind's own selection: top 10 by CPU (cumulative seconds before a rate) and memory.
    expect((first.processes as unknown[]).length).toBe(20);
    const all = await monitor.collectProcesses();
    expect(all).toHaveLength(40);
    expect(all[0]?.pid).toBe(40);
    expect(all[0]?.cpuPercent).toBeCloseTo(40);
    expect(
      (await monitor.collectProcesses({ container: 'cafe', limit: 3 })).map((m) => m.pid),
    ).toEqual([40, 39, 38]);
    expect((await monitor.collectProcesses({ sort: 'mem', limit: 2 })).map((m) => m.pid)).toEqual([
      1, 2,
    ]);
    expect(
      (await monitor.collectProcesses({ container: 'host' })).every((m) => m.container === null),
    ).toBe(true);
    await expect(monitor.collectProcesses({ limit: 0 })).rejects.toThrow(/limit/);
    await monitor.close();

    const { createProcessSelection } = await import('@arcbox/perf-core');
    const narrow = createMonitor({
      collectors: { system: constructedSystem().collector, processes: processes() },
      selections: {
        processes: createProcessSelection({ limit: 2, containers: ['cafe0001'] }) as never,
      },
      alerts: false,
    });
    const s = await narrow.collect();
    const pids = (s.processes as Array<{ pid: number }>).map((p) => p.pid).sort((a, b) => a - b);
    expect(pids).toEqual([1, 2, 35, 36, 37, 38, 39, 40]);
    expect(narrow.seriesHistory('process', '3@103').timestamps).toEqual([]);
    expect(narrow.seriesHistory('process', '40@140').timestamps).toHaveLength(1);
    await narrow.close();
  });

  it("latestProcesses answers a container's every process from the last round, without reading again", async () => {
    let reads = 0;
    const source = processes();
    const counted = {
      name: 'processes',
      collect: () => {
        reads += 1;
        return source.collect();
      },
    };
    const monitor = createMonitor({
      collectors: { system: constructedSystem().collector, processes: counted },
      selections: {
        processes: (await import('@arcbox/perf-core')).createProcessSelection({
          limit: 2,
        }) as never,
      },
      alerts: false,
    });
    expect(monitor.latestProcesses()).toEqual([]);
    await monitor.collect();
    const second = await monitor.collect();
    // Kept: the top 2 by CPU and by memory, none of them pid 35-38.
    expect((second.processes as Array<{ pid: number }>).map((p) => p.pid).sort()).toEqual(
      [1, 2, 39, 40].sort(),
    );
    const inside = monitor.latestProcesses({ container: 'cafe0001' });
    expect(inside.map((m) => m.pid)).toEqual([40, 39, 38, 37, 36, 35]);
    // Rates over the rounds' interval (1 s): pid 36 used 0.36 of a core.
    expect(inside.find((m) => m.pid === 36)?.cpuPercent).toBeCloseTo(36);
    expect(monitor.latestProcesses({ sort: 'mem', limit: 3 }).map((m) => m.pid)).toEqual([1, 2, 3]);
    expect(reads).toBe(2);
    await monitor.close();
  });

  it('takes a container by name as well as by id, on demand and from the last round', async () => {
    let containerReads = 0;
    const containers: ContainerCollector = {
      name: 'containers',
      async collect() {
        containerReads += 1;
        return [containerReading('cafe0001', containerReads), containerReading('beef0002', 1)];
      },
    };
    const fresh = () =>
      createMonitor({
        collectors: { system: constructedSystem().collector, processes: processes(), containers },
        alerts: false,
      });
    // No round yet: the containers are read once to learn the name.
    const cold = fresh();
    const byName = await cold.collectProcesses({ container: 'n-cafe0001' });
    expect(byName.map((m) => m.pid)).toEqual([40, 39, 38, 37, 36, 35]);
    expect(containerReads).toBe(1);
    expect(await cold.collectProcesses({ container: 'n-beef0002' })).toEqual([]);
    expect(await cold.collectProcesses({ container: 'nobody' })).toEqual([]);
    // Once containers were seen, an id or an unknown name reads none again.
    expect(await cold.collectProcesses({ container: 'cafe' })).toHaveLength(6);
    expect(containerReads).toBe(1);
    await cold.close();
    // After a round, names come from its series.
    const warm = fresh();
    await warm.collect();
    const reads = containerReads;
    expect(warm.latestProcesses({ container: 'n-cafe0001' }).map((m) => m.pid)).toHaveLength(6);
    expect(
      (await warm.collectProcesses({ container: 'n-cafe0001' })).map((m) => m.pid),
    ).toHaveLength(6);
    expect(containerReads).toBe(reads);
    await warm.close();
  });
});

describe('PerfMonitor lifecycle events (constructed container readings)', () => {
  it('an OOM kill counter that moved is an event in the round, in events(), in recentEvents, and fires the default rule', async () => {
    let k = 0;
    const kills = [0, 0, 2, 2];
    const containers: ContainerCollector = {
      name: 'containers',
      async collect() {
        k += 1;
        // Stamped now: the log keeps the history's retention (24 h) back from the clock.
        return [
          { ...containerReading('web', k), time: Date.now(), memoryOomKills: kills[k - 1] ?? 2 },
        ];
      },
    };
    const monitor = createMonitor({
      collectors: { system: constructedSystem().collector, containers },
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of monitor.events({ signal: controller.signal })) {
        seen.push(`${e.type}:${e.name}:${e.count}`);
        controller.abort();
      }
    })();
    const rounds = [];
    for (let i = 0; i < 4; i++) rounds.push(await monitor.collect());
    await reading;
    expect(rounds.map((r) => r.events.length)).toEqual([0, 0, 1, 0]);
    expect(seen).toEqual(['oom-kill:n-web:2']);
    expect(rounds[2]?.alerts.map((a) => `${a.rule}:${a.state}`)).toEqual([
      'container-oom-killed:firing',
    ]);
    // The series goes on after the kill.
    expect(rounds[3]?.containers[0]?.cpuPercent).not.toBeNull();
    const kept = monitor.recentEvents({ since: 0 });
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ type: 'oom-kill', memoryLimit: 2 ** 21, source: 'counter' });
    expect(monitor.recentEvents({ since: kept[0]!.time + 1 })).toEqual([]);
    await monitor.close();
  });

  it('an engine oom and the counted kill of the same container are one event (counter+engine); an engine oom nothing counts comes out two rounds later', async () => {
    let k = 0;
    const kills = [0, 0, 1, 1, 1, 1];
    const containers: ContainerCollector = {
      name: 'containers',
      async collect() {
        k += 1;
        return [
          { ...containerReading('web', k), time: Date.now(), memoryOomKills: kills[k - 1] ?? 1 },
          { ...containerReading('db', k), time: Date.now(), memoryOomKills: 0 },
        ];
      },
    };
    const monitor = createMonitor({
      collectors: { system: constructedSystem().collector, containers },
      alerts: false,
    });
    const engineOom = (id: string): LifecycleEvent => ({
      // Stamped before any later reading, even one in the same millisecond: the log orders by time.
      time: Date.now() - 1,
      type: 'oom',
      kind: 'container',
      id,
      name: `n-${id}`,
      source: 'engine',
      count: 1,
      memoryLimit: null,
      exitCode: null,
    });
    const rounds = [await monitor.collect()];
    // The engine tells of the kill before the counter's next reading sees it.
    monitor.publishEvent(engineOom('web'));
    monitor.publishEvent(engineOom('db'));
    expect(monitor.recentEvents()).toEqual([]);
    for (let i = 0; i < 2; i++) rounds.push(await monitor.collect());
    // A late engine report of the same kill, in the next round, is not a second event.
    monitor.publishEvent(engineOom('web'));
    for (let i = 0; i < 3; i++) rounds.push(await monitor.collect());
    const summary = (e: LifecycleEvent) => `${e.type}:${e.id}:${e.source}:${e.count}`;
    expect(rounds.map((r) => r.events.map(summary))).toEqual([
      [],
      [],
      ['oom-kill:web:counter+engine:1', 'oom:db:engine:1'],
      [],
      [],
      [],
    ]);
    expect(monitor.recentEvents().map(summary)).toEqual([
      'oom:db:engine:1',
      'oom-kill:web:counter+engine:1',
    ]);
    await monitor.close();
  });
});
