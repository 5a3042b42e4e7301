// cgroup v2 on a real v2 kernel (this host is v1 hybrid): a QEMU guest makes
// system.slice/docker-<id>.scope cgroups, OOM-kills a process past memory.max 32 MiB and
// throttles a busy loop under cpu.max "50000 100000"; the files it printed before and after are
// read back through the same collector. Skips with the reason when QEMU or the kernel are missing
// (CI installs them: .ci/apt-packages.txt).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContainerReading, computeContainerMetrics } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCgroupContainerCollector } from './cgroup-container-collector.js';
import {
  BUSY_ID,
  cgroupV2GuestMissing,
  GUEST_KILLS,
  type GuestReading,
  OOM_ID,
  parseGuestConsole,
  runCgroupV2Guest,
  writeGuestReading,
} from './testing/cgroup-v2-guest.js';

const why = cgroupV2GuestMissing();
const ready = why === null;
const signal = new AbortController().signal;

describe.skipIf(!ready)(`cgroup v2 in a QEMU guest (skipped: ${why ?? ''})`, () => {
  let console = '';
  let guest: GuestReading[] = [];
  const dirs: string[] = [];
  let readings: ContainerReading[][] = [];

  beforeAll(async () => {
    console = await runCgroupV2Guest();
    guest = parseGuestConsole(console);
    readings = [];
    for (const g of guest) {
      const root = mkdtempSync(join(tmpdir(), 'arcbox-cgv2-root-'));
      dirs.push(root);
      writeGuestReading(g, root);
      const collector = createCgroupContainerCollector({
        root,
        clock: () => ({ monotonicMs: g.uptime * 1000, time: g.uptime * 1000 }),
      });
      try {
        readings.push(await collector.collect({ signal }));
      } finally {
        collector.close();
      }
    }
  }, 300_000);

  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const pair = (id: string) => {
    const [a, b] = readings.map((list) => list.find((r) => r.id === id));
    expect(a, `${id} in reading 1`).toBeDefined();
    expect(b, `${id} in reading 2`).toBeDefined();
    return { before: a!, after: b!, metrics: computeContainerMetrics(a!, b!) };
  };
  const eventsField = (g: GuestReading | undefined, field: string) =>
    Number(
      new RegExp(`^${field} (\\d+)$`, 'm').exec(
        g?.files.get(`/sys/fs/cgroup/system.slice/docker-${OOM_ID}.scope/memory.events`) ?? '',
      )?.[1],
    );

  it('the guest ran cgroup v2 and printed two readings', () => {
    expect(guest).toHaveLength(2);
    expect(guest[0]?.files.get('/proc/self/mountinfo')).toMatch(/ \/sys\/fs\/cgroup .* - cgroup2 /);
    // Each dd was killed (SIGKILL: 137).
    expect(console.match(/ARCBOX: dd exit 137/g)).toHaveLength(GUEST_KILLS);
  });

  it('the OOM kill counter is the kernel’s oom_kill for that cgroup, the limit 32 MiB', () => {
    const { before, after, metrics } = pair(OOM_ID);
    const kernelKills = eventsField(guest[1], 'oom_kill') - eventsField(guest[0], 'oom_kill');
    expect(kernelKills).toBe(GUEST_KILLS);
    expect(before.memoryOomKills).toBe(eventsField(guest[0], 'oom_kill'));
    expect(after.memoryOomKills).toBe(eventsField(guest[1], 'oom_kill'));
    expect(metrics.memoryOomKillsNew).toBe(GUEST_KILLS);
    expect(after.memoryLimitHits).toBe(eventsField(guest[1], 'max'));
    expect(after.memoryLimitHits).toBeGreaterThan(0);
    expect(after.memoryLimit).toBe(32 * 2 ** 20);
    expect(after.runtime).toBe('docker');
  });

  it('the half-core quota: CPU ≈ 50 % of a core, throttled periods and time growing', () => {
    const { after, metrics } = pair(BUSY_ID);
    expect(after.cpuLimitCores).toBe(0.5);
    expect(metrics.cpuPercent).toBeGreaterThan(40);
    expect(metrics.cpuPercent).toBeLessThan(60);
    // 10 periods a second, nearly all throttled while the loop spins (measured: 9.1/s, 47 %).
    // Each reading is stamped when its copy begins and cpu.stat is read some way into it: under
    // emulation on a loaded host the two copies can take different times (seen: 11.07/s).
    expect(metrics.cpuThrottledPeriodsPerSecond).toBeGreaterThan(5);
    expect(metrics.cpuThrottledPeriodsPerSecond).toBeLessThanOrEqual(12);
    expect(metrics.cpuThrottledSecondsPerSecond).toBeGreaterThan(0.1);
  });
});
