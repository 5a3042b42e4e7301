import { type ChildProcess, fork, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSeriesTracker,
  type ProcessMetrics,
  type ProcessReading,
  processKind,
} from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createCgroupContainerCollector } from '../cgroup/cgroup-container-collector.js';
import { exec, isRoot, which } from '../cgroup/testing/exec.js';
import { type RuncContainer, startRuncContainer } from '../cgroup/testing/runc-container.js';
import { createLinuxProcessCollector } from './linux-process-collector.js';

const signal = new AbortController().signal;
const MIB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hasPs = which('/usr/bin/ps', '/bin/ps') !== null;
const hasLosetup = which('/usr/sbin/losetup', '/sbin/losetup') !== null;
const hasRunc = which('/usr/sbin/runc', '/usr/bin/runc') !== null;
const hasBusybox = existsSync('/bin/busybox');
const hasV1 = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');

/**
 * A Node child that answers `usage` with its own process.cpuUsage() (µs), spins one core in 5 ms
 * slices (so it can answer between them) when told `spin`, and holds `hold` MiB of touched memory.
 */
const CHILD = `
let held = null;
process.on('message', (m) => {
  if (m.type === 'usage') { const u = process.cpuUsage(); process.send({ type: 'usage', micros: u.user + u.system, ns: String(process.hrtime.bigint()) }); }
  if (m.type === 'hold') { held = Buffer.allocUnsafe(m.mib * 1048576); held.fill(1); process.send({ type: 'held' }); }
  if (m.type === 'spin') { const go = () => { const end = Date.now() + 5; while (Date.now() < end) {} setImmediate(go); }; go(); process.send({ type: 'spinning' }); }
});
process.send({ type: 'ready' });
`;

function startChild(): Promise<ChildProcess> {
  const child = fork('-e', [CHILD], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('error', reject);
  });
}

function ask<T>(child: ChildProcess, type: string, extra: object = {}): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send({ type, ...extra });
  });
}

/**
 * This process's descriptors: those kept on /proc/<pid>/ files (the collector keeps each
 * process's `stat` open) apart from all the others.
 */
function openFds(): { other: number; proc: string[] } {
  const proc: string[] = [];
  let other = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    let target = '';
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the directory's own descriptor, closed by now
    }
    const pid = /^\/proc\/(\d+)\//.exec(target)?.[1];
    if (pid) proc.push(`${pid} ${target}`);
    else other += 1;
  }
  return { other, proc };
}

describe('linux process collector on this machine', () => {
  let child: ChildProcess;
  beforeAll(async () => {
    child = await startChild();
  });
  afterAll(() => child?.kill('SIGKILL'));

  it('a child spinning one core reads ~100 % of a core, within 2 % of its own cpuUsage', async () => {
    // The child keeps its core while other work (other test files, their cgroups) loads the
    // machine: as root, the highest nice and a v1 cpu cgroup of its own with the most shares.
    const group = `/sys/fs/cgroup/cpu/arcbox-spin-${process.pid}`;
    const favoured = isRoot && existsSync('/sys/fs/cgroup/cpu/cpu.shares');
    if (favoured) {
      mkdirSync(group, { recursive: true });
      writeFileSync(`${group}/cpu.shares`, '262144');
      writeFileSync(`${group}/cgroup.procs`, String(child.pid));
    }
    if (isRoot) setPriority(child.pid!, -20);
    onTestFinished(() => {
      // The child serves the next tests at the usual priority, back in the root group.
      if (isRoot) setPriority(child.pid!, 0);
      if (!favoured) return;
      writeFileSync('/sys/fs/cgroup/cpu/cgroup.procs', String(child.pid));
      rmdirSync(group);
    });
    await ask(child, 'spin');
    await sleep(300);
    const pid = child.pid!;
    const collector = createLinuxProcessCollector();
    const tracker = createSeriesTracker(processKind.keyOf, processKind.compute);
    tracker.update(await collector.collect({ signal }));
    const u0 = await ask<{ micros: number; ns: string }>(child, 'usage');
    await sleep(3000);
    const all = tracker.update(await collector.collect({ signal }));
    const u1 = await ask<{ micros: number; ns: string }>(child, 'usage');
    collector.close();
    const m = all.find((p) => p.pid === pid)!;
    // The child's own rate over its own interval (between its two answers, on the monotonic
    // clock), against ours between our two reads of its stat: on a busy machine the answers
    // come some way from the reads, and mixing one side's CPU with the other's interval was off
    // by several percent.
    const ownSeconds = Number(BigInt(u1.ns) - BigInt(u0.ns)) / 1e9;
    const own = ((u1.micros - u0.micros) / 1e6 / ownSeconds) * 100;
    expect((m.intervalMs ?? 0) / 1000).toBeGreaterThan(2.9);
    // The kernel's name of the main thread: `node`, or `MainThread` where Node names it.
    expect(m.comm).toBe(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    expect(m.cpuPercent).toBeGreaterThanOrEqual(90);
    expect(m.cpuPercent).toBeLessThanOrEqual(110);
    expect(Math.abs((m.cpuPercent ?? 0) - own)).toBeLessThanOrEqual(2);
  }, 20_000);

  it('on this procfs the listing is reused between forks, and a process started since is still seen', async () => {
    const c = createLinuxProcessCollector();
    await c.collect({ signal });
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = child.pid!;
      const seen = (await c.collect({ signal })).some((r) => r.pid === pid);
      expect(seen).toBe(true);
      child.kill();
      await new Promise((r) => child.once('exit', r));
      const after = await c.collect({ signal });
      expect(after.some((r) => r.pid === pid)).toBe(false);
    } finally {
      child.kill();
      c.close();
    }
  });

  it('a child holding 256 MiB of touched memory reads at least 256 MiB resident', async () => {
    await ask(child, 'hold', { mib: 256 });
    const collector = createLinuxProcessCollector();
    const all = await collector.collect({ signal });
    collector.close();
    const r = all.find((p) => p.pid === child.pid)!;
    expect(r.residentBytes).toBeGreaterThanOrEqual(256 * MIB);
  }, 20_000);

  it.skipIf(!hasPs)(
    'agrees with procps ps -o pid,rss,cputime read at the same moment (needs Debian procps)',
    async () => {
      const sleeper = spawn('sleep', ['1000'], { stdio: 'ignore' });
      try {
        await sleep(100);
        const pids = [1, process.pid, child.pid!, sleeper.pid!];
        const collector = createLinuxProcessCollector();
        const [mine, ps] = await Promise.all([
          collector.collect({ signal }),
          exec('ps', ['-o', 'pid=,rss=,cputime=', '-p', pids.join(',')]),
        ]);
        const rows = ps
          .trim()
          .split('\n')
          .map((l) => l.trim().split(/\s+/));
        collector.close();
        expect(rows).toHaveLength(pids.length);
        for (const [pid, rss, cputime] of rows) {
          const r = mine.find((p) => p.pid === Number(pid))!;
          const [h, mi, s] = cputime!.replace(/^\d+-/, '').split(':').map(Number);
          const psSeconds = h! * 3600 + mi! * 60 + s!;
          // ps truncates to whole seconds; the spinning child and this test move between the reads.
          expect(Math.abs((r.cpuSeconds ?? 0) - psSeconds)).toBeLessThanOrEqual(1.5);
          const busy = Number(pid) === process.pid;
          if (busy)
            expect(Math.abs((r.residentBytes ?? 0) / 1024 - Number(rss))).toBeLessThan(8192);
          else expect((r.residentBytes ?? 0) / 1024).toBe(Number(rss));
        }
      } finally {
        sleeper.kill('SIGKILL');
      }
    },
    20_000,
  );

  it('keeps the status and io of a process busy two rounds running open, and closes them when it idles', async () => {
    // A shell spinning is always runnable (R): busy on every round, whatever the timing.
    const spinner = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
    const c = createLinuxProcessCollector();
    try {
      const pid = spinner.pid!;
      const kept = () =>
        openFds()
          .proc.filter((p) => p.startsWith(`${pid} `))
          .map((p) => p.slice(p.lastIndexOf('/') + 1))
          .sort();
      // In its loop before the first round (it used CPU): while it still execs sh it may sleep
      // on the disk, and a round may find it idle.
      const ticks = () => {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return Number(f[11]) + Number(f[12]);
      };
      while (ticks() === 0) await sleep(5);
      await c.collect({ signal });
      // First seen: its status and io were opened for one read.
      expect(kept()).toEqual(['stat']);
      await c.collect({ signal });
      expect(kept()).toEqual(['io', 'stat', 'status']);
      // Stopped (a signal is handled on its way back to user space: wait for it). Idle within
      // three rounds: one may see ticks it used before, the next its first time on CPU from
      // schedstat, the one after that held too.
      spinner.kill('SIGSTOP');
      while (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'T') await sleep(5);
      let idle: ProcessReading | undefined;
      for (let round = 0; round < 3; round++)
        idle = (await c.collect({ signal })).find((r) => r.pid === pid);
      expect(idle?.state).toBe('T');
      expect(kept()).toEqual(['schedstat', 'stat']);
    } finally {
      spinner.kill('SIGKILL');
      c.close();
    }
  });

  it('2,000 short-lived processes forked while sampling: no error, no leaked descriptor', async () => {
    const collector = createLinuxProcessCollector();
    await collector.collect({ signal });
    const before = openFds();
    const forker = spawn(
      'sh',
      [
        '-c',
        'i=0; while [ $i -lt 2000 ]; do /bin/true & i=$((i+1)); [ $((i % 50)) -eq 0 ] && wait && sleep 0.05; done; wait; echo $i',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    forker.stdout.on('data', (d) => {
      out += d;
    });
    const done = new Promise<number | null>((r) => forker.once('exit', r));
    let rounds = 0;
    let exited = false;
    void done.then(() => {
      exited = true;
    });
    // Faster than 1 Hz on purpose: more rounds meet more processes exiting mid-read.
    while (!exited) {
      const all = await collector.collect({ signal });
      expect(all.length).toBeGreaterThan(0);
      rounds += 1;
      await sleep(50);
    }
    expect(await done).toBe(0);
    expect(out.trim()).toBe('2000');
    expect(rounds).toBeGreaterThan(5);
    const last = new Set((await collector.collect({ signal })).map((p) => String(p.pid)));
    const after = openFds();
    // Nothing but the kept /proc descriptors changes, and each one left is of a process the
    // last round read (other processes of this machine come and go too: their number is not
    // compared).
    expect(after.other).toBe(before.other);
    expect(after.proc.filter((p) => !last.has(p.split(' ')[0]!))).toEqual([]);
    expect(after.proc.length).toBeGreaterThan(0);
    collector.close();
    expect(openFds().proc).toEqual([]);
  }, 120_000);
});

describe.skipIf(!(isRoot && hasLosetup))(
  `O_DIRECT writes to a loop device (${isRoot ? 'needs util-linux losetup' : 'needs root'})`,
  () => {
    let dir = '';
    let device = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'arcbox-loop-'));
      writeFileSync(join(dir, 'disk.img'), '');
      await exec('truncate', ['-s', '80M', join(dir, 'disk.img')]);
      device = (await exec('losetup', ['-f', '--show', join(dir, 'disk.img')])).trim();
    });
    afterAll(async () => {
      if (device) await exec('losetup', ['-d', device]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    });

    it('dd writing 64 MiB with oflag=direct reads exactly 64 MiB more written', async () => {
      // count=65 keeps dd alive, waiting on stdin for a 65th block, once 64 MiB are written.
      const dd = spawn(
        'dd',
        [`of=${device}`, 'bs=1M', 'count=65', 'iflag=fullblock', 'oflag=direct', 'status=none'],
        { stdio: ['pipe', 'ignore', 'inherit'] },
      );
      try {
        await sleep(200);
        const collector = createLinuxProcessCollector();
        const before = (await collector.collect({ signal })).find((p) => p.pid === dd.pid)!;
        expect(before.ioWriteBytes).not.toBeNull();
        const block = Buffer.alloc(MIB);
        for (let i = 0; i < 64; i++) {
          if (!dd.stdin.write(block)) await new Promise((r) => dd.stdin.once('drain', r));
        }
        let after: ProcessMetrics | undefined;
        const tracker = createSeriesTracker(processKind.keyOf, processKind.compute);
        for (let i = 0; i < 100; i++) {
          const all = tracker.update(await collector.collect({ signal }));
          after = all.find((p) => p.pid === dd.pid);
          if ((after?.ioWriteBytes ?? 0) - (before.ioWriteBytes ?? 0) >= 64 * MIB) break;
          await sleep(100);
        }
        collector.close();
        expect((after?.ioWriteBytes ?? 0) - (before.ioWriteBytes ?? 0)).toBe(64 * MIB);
      } finally {
        dd.kill('SIGKILL');
      }
    }, 30_000);
  },
);

const runcReady = isRoot && hasRunc && hasBusybox && hasV1;
describe.skipIf(!runcReady)(
  `a busy process in a runc container (${runcReady ? '' : 'needs root, Debian runc, busybox-static and cgroup v1'})`,
  () => {
    let c: RuncContainer;
    beforeAll(async () => {
      c = await startRuncContainer({
        name: `arcbox-proc-${process.pid}`,
        script: 'while :; do :; done &\nwait',
        memoryLimit: 64 * MIB,
        cpuShares: 262_144,
        pidsLimit: 16,
        throttleBundleDisk: false,
      });
    }, 60_000);
    afterAll(async () => {
      await c?.delete();
    });

    it('is attributed to the container id the container collector uses, and listed under it', async () => {
      const containers = createCgroupContainerCollector();
      const ids = (await containers.collect({ signal })).map((r) => r.id);
      expect(ids).toContain(c.id);
      const collector = createLinuxProcessCollector({
        containers: () => containers.discover().map((t) => ({ id: t.id, path: t.path })),
      });
      const tracker = createSeriesTracker(processKind.keyOf, processKind.compute);
      tracker.update(await collector.collect({ signal }));
      await sleep(1000);
      const all = tracker.update(await collector.collect({ signal }));
      containers.close();
      collector.close();
      const inside = all.filter((p) => p.container === c.id);
      const pids = (
        JSON.parse(await exec('runc', ['ps', '--format', 'json', c.name])) as number[]
      ).sort();
      expect(inside.map((p) => p.pid).sort()).toEqual(pids);
      const busy = inside.reduce((a, b) => ((a.cpuPercent ?? 0) >= (b.cpuPercent ?? 0) ? a : b));
      expect(busy.cpuPercent).toBeGreaterThan(30);
      expect(all.find((p) => p.pid === process.pid)?.container).toBeNull();
    }, 30_000);
  },
);
