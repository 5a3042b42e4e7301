// OOM kills and CPU throttling of real runc containers (cgroup v1 here), read by the collector
// and checked against what the kernel did: the shell in the container records each killed dd's
// exit status (137 = SIGKILL), and the quota caps the busy loop at half a core.
import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ContainerMetrics,
  type ContainerReading,
  computeContainerMetrics,
  createSeriesTracker,
} from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileReader } from '../fs/file-reader.js';
import { createRecordingReader } from '../fs/recording-reader.js';
import { createCgroupContainerCollector } from './cgroup-container-collector.js';
import { isRoot, which } from './testing/exec.js';
import { type RuncContainer, startRuncContainer } from './testing/runc-container.js';

const hasRunc = which('/usr/sbin/runc', '/usr/bin/runc') !== null;
const hasBusybox = existsSync('/bin/busybox');
const hasV1 = existsSync('/sys/fs/cgroup/memory/memory.oom_control');
const ready = isRoot && hasRunc && hasBusybox && hasV1;
const why = !isRoot
  ? 'needs root'
  : !hasRunc
    ? 'needs Debian runc'
    : !hasBusybox
      ? 'needs busybox-static'
      : 'needs cgroup v1 memory.oom_control';

const signal = new AbortController().signal;
const MIB = 2 ** 20;
const KILLS = 3;
const suffix = `${process.pid}-${Date.now() % 100000}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hierarchies = ['cpu', 'cpuacct', 'memory', 'blkio', 'pids', 'cpuset', 'devices', 'freezer'];

// Each dd allocates a 96 MiB buffer and fills it from /dev/zero: past the 64 MiB limit, so the
// kernel kills it. The shell records each exit status, then waits for a go file per round.
const oomScript = [
  'while [ ! -e /data/go ]; do sleep 0.1; done',
  `for i in ${Array.from({ length: KILLS }, (_, i) => i + 1).join(' ')}; do`,
  '  dd if=/dev/zero of=/dev/null bs=96M count=1 2>/dev/null',
  '  echo $? >> /data/status',
  'done',
  ': > /data/done',
  'sleep 100000',
].join('\n');

function tracker() {
  return createSeriesTracker<ContainerReading, ContainerMetrics>(
    (r) => r.id,
    computeContainerMetrics,
  );
}

describe.skipIf(!ready)(`container lifecycle counters (skipped: ${ready ? '' : why})`, () => {
  let oom: RuncContainer;
  let busy: RuncContainer;
  let dockerParentExisted = true;

  beforeAll(async () => {
    dockerParentExisted = existsSync('/sys/fs/cgroup/memory/docker');
    oom = await startRuncContainer({
      name: `arcbox-oom-${suffix}`,
      script: oomScript,
      memoryLimit: 64 * MIB,
      pidsLimit: 32,
      throttleBundleDisk: false,
    });
    busy = await startRuncContainer({
      name: `arcbox-quota-${suffix}`,
      script: 'while :; do :; done',
      memoryLimit: 64 * MIB,
      cpuShares: 262_144,
      pidsLimit: 32,
      throttleBundleDisk: false,
      cpuQuotaUs: 50_000,
    });
  }, 60_000);

  afterAll(async () => {
    await oom?.delete();
    await busy?.delete();
    if (!dockerParentExisted) {
      for (const h of hierarchies) {
        try {
          rmdirSync(`/sys/fs/cgroup/${h}/docker`);
        } catch {
          // not empty (someone else's container) or not there
        }
      }
    }
  });

  it('counts each OOM kill the kernel made, within two rounds, and the series carries on', async () => {
    // Counts this cgroup's memory.oom_control reads: while the host counts no OOM kill, the
    // collector carries it; the kills below must be counted all the same.
    const files = createFileReader();
    let oomControlReads = 0;
    const counted = {
      ...files,
      read(path: string, maxBytes?: number) {
        if (path.endsWith(`${oom.cgroupPath}/memory.oom_control`)) oomControlReads += 1;
        return files.read(path, maxBytes);
      },
    };
    const collector = createCgroupContainerCollector({ reader: counted });
    const t = tracker();
    const first = t.update(await collector.collect({ signal })).find((m) => m.id === oom.id);
    expect(first?.memoryOomKills).toBe(0);
    expect(first?.memoryOomKillsNew).toBeNull();
    // Rounds until one carries it (an OOM kill elsewhere on the host, say another test's, makes
    // the next three read it again).
    let carried = false;
    for (let round = 0; round < 50 && !carried; round++) {
      const before = oomControlReads;
      t.update(await collector.collect({ signal }));
      carried = oomControlReads === before;
    }
    expect(carried).toBe(true);
    writeFileSync(`${oom.rootfs}/data/go`, '');
    for (let i = 0; i < 300 && !existsSync(`${oom.rootfs}/data/done`); i++) await sleep(100);
    const statuses = readFileSync(`${oom.rootfs}/data/status`, 'utf8').trim().split('\n');
    const killed = statuses.filter((s) => s === '137').length;
    expect(killed).toBe(KILLS);
    // Two rounds at most (the first may still see the last kill's usage unmoved).
    let after: ContainerMetrics | undefined;
    let newKills = 0;
    for (let round = 0; round < 2; round++) {
      after = t.update(await collector.collect({ signal })).find((m) => m.id === oom.id);
      newKills += after?.memoryOomKillsNew ?? 0;
      if (newKills === KILLS) break;
    }
    collector.close();
    files.close();
    expect(after?.memoryOomKills).toBe(KILLS);
    expect(newKills).toBe(KILLS);
    // The kernel's own count for the cgroup, read directly.
    const control = readFileSync(
      `/sys/fs/cgroup/memory${oom.cgroupPath}/memory.oom_control`,
      'utf8',
    );
    expect(control).toContain(`oom_kill ${KILLS}`);
    expect(after?.memoryLimitHits).toBeGreaterThan(0);
    // The other metrics continue: the shell (or the sleep it became) is still there.
    expect(after?.pids).toBeGreaterThanOrEqual(1);
    expect(after?.memoryLimit).toBe(64 * MIB);
    expect(after?.cpuPercent).not.toBeNull();
  }, 60_000);

  it('a half-core quota busy loop reads about 50 % CPU and about 10 throttled periods a second', async () => {
    const collector = createCgroupContainerCollector();
    const t = tracker();
    t.update(await collector.collect({ signal }));
    await sleep(2000);
    const m = t.update(await collector.collect({ signal })).find((x) => x.id === busy.id);
    collector.close();
    expect(m?.cpuLimitCores).toBe(0.5);
    // Other work shares these 2 cores: the loop can get less than its quota, never much more.
    expect(m?.cpuPercent).toBeGreaterThan(35);
    expect(m?.cpuPercent).toBeLessThan(60);
    expect(m?.cpuPercentOfLimit).toBeGreaterThan(70);
    // 100 ms periods: 10 a second, nearly each one throttled while the loop spins.
    expect(m?.cpuThrottledPeriodsPerSecond).toBeGreaterThan(6);
    expect(m?.cpuThrottledPeriodsPerSecond).toBeLessThanOrEqual(11);
    expect(m?.cpuThrottledPercent).toBeGreaterThan(60);
    expect(m?.cpuThrottledSecondsPerSecond).toBeGreaterThan(0);
  }, 30_000);

  it('a recording carries memory.oom_control and memory.failcnt, and replays the kill count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcbox-oom-rec-'));
    try {
      const clock = () => ({ monotonicMs: 5, time: 6 });
      const common = { clock, hostCpuCount: 2, hostMemoryTotal: null, lifecycleCounters: true };
      const live = createCgroupContainerCollector({
        ...common,
        reader: createRecordingReader(createFileReader({ keepOpen: false }), dir),
      });
      const recorded = (await live.collect({ signal })).find((r) => r.id === oom.id);
      live.close();
      const replay = createCgroupContainerCollector({
        ...common,
        reader: createFileReader({ root: dir, keepOpen: false }),
      });
      const replayed = (await replay.collect({ signal })).find((r) => r.id === oom.id);
      replay.close();
      expect(
        existsSync(join(dir, `sys/fs/cgroup/memory${oom.cgroupPath}/memory.oom_control`)),
      ).toBe(true);
      expect(recorded?.memoryOomKills).toBe(KILLS);
      expect(replayed).toEqual(recorded);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
