import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  readlinkSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  computeContainerMetrics,
  type ContainerReading,
  createSeriesTracker,
} from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileReader } from '../fs/file-reader.js';
import { createRecordingReader } from '../fs/recording-reader.js';
import { layoutFromMounts } from './cgroup-layout.js';
import { createCgroupContainerCollector } from './cgroup-container-collector.js';
import { readCgroupStats } from './read-cgroup-stats.js';
import { exec, isRoot, which } from './testing/exec.js';
import { type RuncContainer, startRuncContainer } from './testing/runc-container.js';

const hasRunc = which('/usr/sbin/runc', '/usr/bin/runc') !== null;
const hasBusybox = existsSync('/bin/busybox');
const hasIp = which('/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip') !== null;
const hasV1 = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
const ready = isRoot && hasRunc && hasBusybox && hasIp && hasV1;
const why = !isRoot
  ? 'needs root'
  : !hasRunc
    ? 'needs Debian runc'
    : !hasBusybox
      ? 'needs busybox-static'
      : !hasIp
        ? 'needs iproute2'
        : 'needs cgroup v1 hierarchies';

const signal = new AbortController().signal;
const MIB = 2 ** 20;
const DD_MIB = 8;
const PINGS = 40;
const PING_SIZE = 1000;
const hierarchies = [
  'cpu',
  'cpuacct',
  'memory',
  'blkio',
  'pids',
  'cpuset',
  'devices',
  'freezer',
  'systemd',
  'unified',
];
const suffix = `${process.pid}-${Date.now() % 100000}`;
const netns = `arcbox-peer-${suffix}`;
const USER_HZ = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// One busy loop, two sleeps, then a dd with O_DIRECT (buffered writes are charged to the root
// cgroup, runc README): 4 processes once dd has finished (sh, the loop's subshell, 2 sleeps).
const script = [
  'while :; do :; done &',
  'sleep 100000 &',
  'sleep 100000 &',
  `dd if=/dev/zero of=/data/dd.bin bs=1M count=${DD_MIB} oflag=direct 2>/dev/null`,
  ': > /data/dd.done',
  'wait',
].join('\n');

/** utime + stime (fields 14, 15 after the last ')') summed over processes, in ticks. */
function procTicks(pids: string[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(rest[11]) + Number(rest[12]);
    } catch {
      // exited
    }
  }
  return total;
}

describe.skipIf(!ready)(`runc container under /docker/<id> (skipped: ${ready ? '' : why})`, () => {
  let c: RuncContainer;
  let dockerParentExisted = true;

  beforeAll(async () => {
    dockerParentExisted = existsSync('/sys/fs/cgroup/memory/docker');
    c = await startRuncContainer({
      name: `arcbox-web-${suffix}`,
      script,
      memoryLimit: 96 * MIB,
      pidsLimit: 32,
      throttleBundleDisk: true,
    });
    // A veth from a peer namespace into the container's; the container's kernel answers pings.
    await exec('ip', ['netns', 'add', netns]);
    await exec('ip', [
      'link',
      'add',
      'peer0',
      'netns',
      netns,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      String(c.pid),
    ]);
    await exec('ip', ['-n', netns, 'addr', 'add', '10.213.7.1/24', 'dev', 'peer0']);
    await exec('ip', ['-n', netns, 'link', 'set', 'peer0', 'up']);
    await exec('nsenter', [
      `--net=/proc/${c.pid}/ns/net`,
      'ip',
      'addr',
      'add',
      '10.213.7.2/24',
      'dev',
      'eth0',
    ]);
    await exec('nsenter', [`--net=/proc/${c.pid}/ns/net`, 'ip', 'link', 'set', 'eth0', 'up']);
    await exec('nsenter', [`--net=/proc/${c.pid}/ns/net`, 'ip', 'link', 'set', 'lo', 'up']);
    await exec(
      'ip',
      [
        'netns',
        'exec',
        netns,
        'busybox',
        'ping',
        '-A',
        '-q',
        '-c',
        String(PINGS),
        '-s',
        String(PING_SIZE),
        '-W',
        '5',
        '10.213.7.2',
      ],
      {
        timeoutMs: 30_000,
      },
    );
    // dd's 8 MiB of O_DIRECT writes can take a while on a busy disk: wait for it (bounded).
    for (let i = 0; i < 400 && !existsSync(`${c.rootfs}/data/dd.done`); i++) await sleep(100);
    if (!existsSync(`${c.rootfs}/data/dd.done`))
      throw new Error('dd in the container did not finish in 40 s');
  }, 90_000);

  afterAll(async () => {
    await c?.delete();
    await exec('ip', ['netns', 'delete', netns]).catch(() => undefined);
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

  it('discovers it by id with its runc name, and reads figures matching what it did', async () => {
    const collector = createCgroupContainerCollector();
    const tracker = createSeriesTracker<
      ContainerReading,
      ReturnType<typeof computeContainerMetrics>
    >((r) => r.id, computeContainerMetrics);
    const pids = (
      JSON.parse(await exec('runc', ['ps', '--format', 'json', c.name])) as number[]
    ).map(String);
    const ticks0 = procTicks(pids);
    const first = await collector.collect({ signal });
    tracker.update(first);
    await sleep(1500);
    const second = await collector.collect({ signal });
    const ticks1 = procTicks(pids);
    const metrics = tracker.update(second).find((m) => m.id === c.id);
    const reading = second.find((r) => r.id === c.id);
    collector.close();

    expect(reading).toBeDefined();
    expect(reading?.name).toBe(c.name);
    expect(reading?.runtime).toBe('docker');
    expect(reading?.cgroupPath).toBe(c.cgroupPath);
    expect(metrics).toBeDefined();
    if (!metrics || !reading) return;
    // One busy loop: about one core on an idle machine. Other work shares these 2 cores, so the
    // figure is checked against the same processes' utime+stime from /proc/<pid>/stat (an
    // independent source) over the same interval, within 15 points, and it cannot exceed a core.
    const procPercent = ((ticks1 - ticks0) / USER_HZ / ((metrics.intervalMs ?? 1) / 1000)) * 100;
    expect(metrics.cpuPercent).toBeGreaterThan(5);
    expect(metrics.cpuPercent).toBeLessThan(115);
    expect(Math.abs((metrics.cpuPercent ?? 0) - procPercent)).toBeLessThan(15);
    expect(metrics.memoryLimit).toBe(96 * MIB);
    expect(metrics.memoryPercentOfHost).toBe(false);
    expect(metrics.memoryUsed).toBeGreaterThan(0);
    expect(metrics.memoryUsed).toBeLessThanOrEqual(metrics.memoryUsage ?? 0);
    expect(metrics.blockWriteBytes).toBeGreaterThanOrEqual(DD_MIB * MIB);
    expect(metrics.pids).toBe(4);
    expect(metrics.pidsLimit).toBe(32);
    // The pings: every echo request is at least PING_SIZE + 28 bytes on the container's eth0.
    expect(metrics.netRxBytes).toBeGreaterThanOrEqual(PINGS * (PING_SIZE + 28));
    expect(metrics.netTxBytes).toBeGreaterThanOrEqual(PINGS * (PING_SIZE + 28));
    expect(metrics.netRxPackets).toBeGreaterThanOrEqual(PINGS);
    const eth0 = reading.interfaces?.find((i) => i.name === 'eth0');
    expect(eth0?.countedInTotal).toBe(true);
    expect(eth0?.virtual).toBe(true);
    expect(reading.interfaces?.find((i) => i.name === 'lo')?.countedInTotal).toBe(false);
    expect(reading.problems).toEqual([]);
  });

  it('collectContainer reads it by short id', async () => {
    const collector = createCgroupContainerCollector();
    const r = await collector.collectContainer(c.id.slice(0, 12), { signal });
    collector.close();
    expect(r?.id).toBe(c.id);
    expect(r?.name).toBe(c.name);
    expect(r?.memoryLimit).toBe(96 * MIB);
  });

  it('the cgroup2 mount alone gives its CPU time and names what it lacks (this machine has only cpu.stat there)', async () => {
    const reader = createFileReader({ keepOpen: false });
    const unified = {
      mountPoint: 'sys/fs/cgroup/unified',
      mountRoot: '/',
      controllers: [],
      version: 2 as const,
    };
    const v1cpu = Number(reader.read(`sys/fs/cgroup/cpuacct${c.cgroupPath}/cpuacct.usage`)) / 1e9;
    const stats = readCgroupStats(reader, layoutFromMounts([unified]), c.cgroupPath);
    expect(stats.present).toBe(true);
    expect(stats.cpuSeconds).not.toBeNull();
    expect(Math.abs((stats.cpuSeconds ?? 0) - v1cpu)).toBeLessThan(1);
    expect(stats.memoryUsage).toBeNull();
    expect(stats.problems.map((p) => p.source)).toEqual(
      expect.arrayContaining(['memory', 'io', 'pids']),
    );
  });

  it('a recording carries its cgroup files and /proc/<pid>/net/dev, and replays to the same reading', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcbox-cgroup-rec-'));
    try {
      const clock = () => ({ monotonicMs: 5, time: 6 });
      const live = createCgroupContainerCollector({
        reader: createRecordingReader(createFileReader({ keepOpen: false }), dir),
        clock,
        hostCpuCount: 2,
        hostMemoryTotal: null,
      });
      const recorded = (await live.collect({ signal })).find((r) => r.id === c.id);
      const replayed = (
        await createCgroupContainerCollector({
          reader: createFileReader({ root: dir, keepOpen: false }),
          clock,
          hostCpuCount: 2,
          hostMemoryTotal: null,
        }).collect({ signal })
      ).find((r) => r.id === c.id);
      expect(existsSync(join(dir, `proc/${c.pid}/net/dev`))).toBe(true);
      expect(recorded?.interfaces?.length).toBeGreaterThan(0);
      // runc's state (its name) is read through the reader too, so the name replays.
      expect(existsSync(join(dir, `run/runc/${c.name}/state.json`))).toBe(true);
      expect(replayed).toEqual(recorded);
      expect(replayed?.name).toBe(c.name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after runc delete its series ends cleanly and its kept descriptors are closed', async () => {
    const collector = createCgroupContainerCollector();
    const before = await collector.collect({ signal });
    expect(before.some((r) => r.id === c.id)).toBe(true);
    const keptFor = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).includes(c.id);
        } catch {
          return false;
        }
      }).length;
    expect(keptFor()).toBeGreaterThan(0);
    await c.delete();
    const after = await collector.collect({ signal });
    expect(after.some((r) => r.id === c.id)).toBe(false);
    expect(keptFor()).toBe(0);
    expect(await collector.collectContainer(c.id, { signal })).toBeNull();
    collector.close();
    expect(
      existsSync(`/sys/fs/cgroup/memory${c.cgroupPath}`) &&
        statSync(`/sys/fs/cgroup/memory${c.cgroupPath}`).isDirectory(),
    ).toBe(false);
  });
});
