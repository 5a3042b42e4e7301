import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeriesTracker, processKind } from '@arcbox/perf-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { createLinuxProcessCollector } from './linux-process-collector.js';

const signal = new AbortController().signal;
const ID = 'b'.repeat(64);
let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

function stat(
  pid: number,
  comm: string,
  ppid: number,
  utime: number,
  stime: number,
  start: number,
  rssPages = 0,
) {
  return `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 0 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 0 ${rssPages}\n`;
}

interface Proc {
  pid: number;
  comm?: string;
  ppid?: number;
  utime?: number;
  start?: number;
  rss?: number;
  /** stat's resident pages (the hint); 0 unless given. */
  rssPages?: number;
  uid?: number;
  cmdline?: string;
  io?: string | null;
  cgroup?: string;
  files?: boolean;
}

function tree(procs: Proc[]): string {
  const root = mkdtempSync(join(tmpdir(), 'arcbox-proc-'));
  roots.push(root);
  mkdirSync(join(root, 'etc'));
  writeFileSync(
    join(root, 'etc/passwd'),
    'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n',
  );
  mkdirSync(join(root, 'proc/self'), { recursive: true });
  writeFileSync(join(root, 'proc/stat'), 'cpu 1 2 3 4\n');
  for (const p of procs) write(root, p);
  return root;
}

function write(root: string, p: Proc) {
  const dir = join(root, 'proc', String(p.pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (p.files === false) return;
  writeFileSync(
    join(dir, 'stat'),
    stat(p.pid, p.comm ?? 'app', p.ppid ?? 1, p.utime ?? 100, 0, p.start ?? 1000, p.rssPages),
  );
  writeFileSync(
    join(dir, 'status'),
    `Name:\t${p.comm ?? 'app'}\nUid:\t${p.uid ?? 1000}\t0\t0\t0\nVmRSS:\t${p.rss ?? 2048} kB\nVmSwap:\t0 kB\n`,
  );
  writeFileSync(join(dir, 'cmdline'), p.cmdline ?? `${p.comm ?? 'app'}\0--flag\0`);
  if (p.io !== null) writeFileSync(join(dir, 'io'), p.io ?? 'read_bytes: 100\nwrite_bytes: 200\n');
  writeFileSync(join(dir, 'cgroup'), p.cgroup ?? '0::/user.slice\n');
}

/** A reader of `root` that lists every path it reads, in order. */
function countingReader(root: string): { reader: FileReader; reads: string[] } {
  const inner = createFileReader({ root, keepOpen: false });
  const reads: string[] = [];
  const reader: FileReader = {
    ...inner,
    root,
    read: (p, max) => {
      reads.push(p);
      return inner.read(p, max);
    },
  };
  return { reader, reads };
}

describe('linux process collector on a constructed proc tree', () => {
  it('reads every process with its user, command line, memory, io and container', async () => {
    const root = tree([
      { pid: 1, comm: 'init', ppid: 0, uid: 0 },
      { pid: 2, comm: 'kthreadd', ppid: 0, uid: 0, cmdline: '' },
      { pid: 3, comm: 'kworker/0:0', ppid: 2, uid: 0, cmdline: '', io: null },
      { pid: 40, comm: 'java', utime: 250, rss: 4096, cgroup: `5:memory:/docker/${ID}\n0::/\n` },
      { pid: 41, comm: 'secret', io: null },
    ]);
    const c = createLinuxProcessCollector({
      root,
      hostCpuCount: 2,
      clock: () => ({ monotonicMs: 1, time: 2 }),
    });
    const all = await c.collect({ signal });
    c.close();
    expect(all.map((r) => r.pid)).toEqual([1, 2, 3, 40, 41]);
    const java = all.find((r) => r.pid === 40)!;
    expect(java).toMatchObject({
      comm: 'java',
      command: 'java --flag',
      user: 'app',
      uid: 1000,
      state: 'S',
      cpuSeconds: 2.5,
      residentBytes: 4096 * 1024,
      ioReadBytes: 100,
      ioWriteBytes: 200,
      container: ID,
      kernelThread: false,
      startTime: 1000,
    });
    expect(all.find((r) => r.pid === 1)?.user).toBe('root');
    expect(all.find((r) => r.pid === 3)).toMatchObject({
      kernelThread: true,
      command: null,
      container: null,
    });
    // io not readable: null, not 0.
    expect(all.find((r) => r.pid === 41)).toMatchObject({ ioReadBytes: null, ioWriteBytes: null });
  });

  it('bounds the command line and the number of processes read', async () => {
    const root = tree([
      { pid: 10, cmdline: `x\0${'a'.repeat(100_000)}\0` },
      { pid: 11 },
      { pid: 12 },
    ]);
    const c = createLinuxProcessCollector({ root, commandMaxBytes: 64, maxProcesses: 2 });
    const all = await c.collect({ signal });
    expect(all.map((r) => r.pid)).toEqual([10, 11]);
    expect(all[0]?.command?.length).toBe(64);
    expect(() => createLinuxProcessCollector({ root, maxProcesses: 0 })).toThrow(/maxProcesses/);
  });

  it('skips processes that exit between listing and reading, silently', async () => {
    const root = tree([{ pid: 20 }, { pid: 21, files: false }, { pid: 22 }, { pid: 23 }]);
    const inner = createFileReader({ root, keepOpen: false });
    // 22 exits after its stat was read; 23 exits right after the listing.
    const reader: FileReader = {
      ...inner,
      root,
      list: (p) => {
        const l = inner.list(p);
        if (p === 'proc') rmSync(join(root, 'proc/23'), { recursive: true });
        return l;
      },
      read: (p, max) => {
        const text = inner.read(p, max);
        if (p === 'proc/22/stat') rmSync(join(root, 'proc/22'), { recursive: true });
        return text;
      },
    };
    const c = createLinuxProcessCollector({ reader });
    expect((await c.collect({ signal })).map((r) => r.pid)).toEqual([20]);
  });

  it('stamps each process when its stat was read, not once per round', async () => {
    const root = tree([
      { pid: 70, comm: 'a' },
      { pid: 71, comm: 'b' },
    ]);
    const { reader } = countingReader(root);
    // A stat that takes 20 ms to read, as a round over thousands of processes spreads its reads.
    const slow: FileReader = {
      ...reader,
      read: (p, max) => {
        if (p.endsWith('/stat')) {
          const until = performance.now() + 20;
          while (performance.now() < until) {}
        }
        return reader.read(p, max);
      },
    };
    const before = performance.now();
    const [a, b] = await createLinuxProcessCollector({ reader: slow }).collect({ signal });
    expect(a!.monotonicMs).toBeGreaterThanOrEqual(before);
    expect(b!.monotonicMs - a!.monotonicMs).toBeGreaterThanOrEqual(19);
    // A clock given (tests, recordings) stamps the round.
    const clock = () => ({ monotonicMs: 5, time: 6 });
    const [c, d] = await createLinuxProcessCollector({ reader: slow, clock }).collect({ signal });
    expect([c!.monotonicMs, d!.monotonicMs]).toEqual([5, 5]);
  });

  it('a pid reused by a new process (new start time) is a second series', async () => {
    const root = tree([{ pid: 30, comm: 'old', start: 1000, utime: 500 }]);
    let ms = 0;
    const c = createLinuxProcessCollector({
      root,
      clock: () => {
        ms += 1000;
        return { monotonicMs: ms, time: ms };
      },
    });
    const tracker = createSeriesTracker(processKind.keyOf, processKind.compute);
    const first = tracker.update(await c.collect({ signal }));
    write(root, { pid: 30, comm: 'new', start: 9000, utime: 1, cmdline: 'new\0' });
    const second = tracker.update(await c.collect({ signal }));
    expect(first[0]?.id).toBe('30@1000');
    expect(second[0]?.id).toBe('30@9000');
    expect(second[0]?.command).toBe('new');
    expect(second[0]?.cpuPercent).toBeNull();
  });

  it('gives a process the id the container collector uses for a configured cgroup', async () => {
    const root = tree([{ pid: 50, cgroup: '4:memory:/mygroup/a/leaf\n' }]);
    const c = createLinuxProcessCollector({
      root,
      containers: () => [{ id: '/mygroup/a', path: '/mygroup/a' }],
    });
    expect((await c.collect({ signal }))[0]?.container).toBe('/mygroup/a');
  });

  it('a container that appears, or changes id, after its process was seen re-attributes it', async () => {
    const root = tree([{ pid: 51, cgroup: '4:memory:/mygroup/b/leaf\n' }]);
    let known: { id: string; path: string }[] = [];
    const c = createLinuxProcessCollector({ root, containers: () => known, containersEveryMs: 0 });
    expect((await c.collect({ signal }))[0]?.container).toBeNull();
    known = [{ id: '/mygroup/b', path: '/mygroup/b' }];
    expect((await c.collect({ signal }))[0]?.container).toBe('/mygroup/b');
    known = [{ id: 'renamed', path: '/mygroup/b' }];
    expect((await c.collect({ signal }))[0]?.container).toBe('renamed');
    known = [];
    expect((await c.collect({ signal }))[0]?.container).toBeNull();
  });

  it('throws MISSING_FILE when the root has no proc', async () => {
    const root = mkdtempSync(join(tmpdir(), 'arcbox-noproc-'));
    roots.push(root);
    await expect(createLinuxProcessCollector({ root }).collect({ signal })).rejects.toMatchObject({
      code: 'MISSING_FILE',
    });
  });

  it('an idle process keeps its status and io figures between refreshes; one that used CPU is read again', async () => {
    const root = tree([
      { pid: 60, comm: 'idle', utime: 100, rss: 1000 },
      { pid: 61, comm: 'busy', utime: 100, rss: 1000 },
    ]);
    const { reader, reads } = countingReader(root);
    const fast = createLinuxProcessCollector({ reader, idleRefreshMs: 60_000 });
    const plain = createLinuxProcessCollector({ root, idleRefreshMs: 0 });
    await fast.collect({ signal });
    // Both grow; only the busy one used CPU.
    write(root, { pid: 60, comm: 'idle', utime: 100, rss: 2000 });
    write(root, { pid: 61, comm: 'busy', utime: 150, rss: 2000 });
    reads.length = 0;
    const second = await fast.collect({ signal });
    // Its ticks held: schedstat is asked (absent from this tree: ticks decide), not status or io.
    expect(reads.filter((p) => p.startsWith('proc/60/'))).toEqual([
      'proc/60/stat',
      'proc/60/schedstat',
    ]);
    expect(reads.filter((p) => p.startsWith('proc/61/')).sort()).toEqual([
      'proc/61/io',
      'proc/61/stat',
      'proc/61/status',
    ]);
    expect(second.find((r) => r.pid === 60)?.residentBytes).toBe(1000 * 1024);
    expect(second.find((r) => r.pid === 61)?.residentBytes).toBe(2000 * 1024);
    // The plain path (idleRefreshMs 0) reads everything and agrees wherever nothing was carried.
    const all = await plain.collect({ signal });
    const unstamped = (r: object | undefined) => ({ ...r, monotonicMs: 0, time: 0 });
    expect(unstamped(all.find((r) => r.pid === 61))).toEqual(
      unstamped(second.find((r) => r.pid === 61)),
    );
    expect(all.find((r) => r.pid === 60)?.residentBytes).toBe(2000 * 1024);
  });

  it('an idle process whose resident pages moved in stat has its status read again', async () => {
    const root = tree([{ pid: 62, comm: 'idle', utime: 100, rss: 1000, rssPages: 250 }]);
    const { reader, reads } = countingReader(root);
    const c = createLinuxProcessCollector({ reader });
    await c.collect({ signal });
    // Reclaimed while asleep: no CPU used, fewer pages.
    write(root, { pid: 62, comm: 'idle', utime: 100, rss: 600, rssPages: 150 });
    reads.length = 0;
    const [r] = await c.collect({ signal });
    expect(reads.sort()).toEqual(['proc/62/io', 'proc/62/stat', 'proc/62/status']);
    expect(r?.residentBytes).toBe(600 * 1024);
    // Nothing moved since: stat, and schedstat to confirm.
    reads.length = 0;
    await c.collect({ signal });
    expect(reads).toEqual(['proc/62/stat', 'proc/62/schedstat']);
  });

  it('a kernel thread has stat read each round, and status only at its refresh, busy or not', async () => {
    // No memory of its own and no io read: nothing of status can move.
    const root = tree([{ pid: 80, comm: 'kworker/0:1', ppid: 2, uid: 0, cmdline: '', utime: 5 }]);
    const { reader, reads } = countingReader(root);
    let now = 0;
    const clock = () => ({ monotonicMs: now, time: now });
    const c = createLinuxProcessCollector({ reader, clock, idleRefreshMs: 60_000 });
    const [first] = await c.collect({ signal });
    expect(first?.kernelThread).toBe(true);
    // Busy (its ticks moved), then idle: stat alone, no schedstat, no status.
    for (const utime of [9, 9]) {
      write(root, { pid: 80, comm: 'kworker/0:1', ppid: 2, uid: 0, cmdline: '', utime });
      now += 1000;
      reads.length = 0;
      const [r] = await c.collect({ signal });
      expect(reads).toEqual(['proc/80/stat']);
      expect(r?.cpuSeconds).toBe(0.09);
      expect(r?.user).toBe('root');
    }
    // Its refresh, a minute on at the latest: status again, never io.
    now += 60_000;
    reads.length = 0;
    await c.collect({ signal });
    expect(reads.filter((p) => p.startsWith('proc/'))).toEqual(['proc/80/stat', 'proc/80/status']);
    c.close();
  });

  it('a process whose ticks held but whose time on CPU (schedstat) moved has its io read again', async () => {
    // dd writing with O_DIRECT from a pipe: megabytes on less CPU than one 10 ms tick.
    const root = tree([{ pid: 63, comm: 'dd', utime: 100, rss: 1000 }]);
    const schedstat = (ns: number) =>
      writeFileSync(join(root, 'proc/63/schedstat'), `${ns} 5000 12\n`);
    const ioOf = (written: number) =>
      writeFileSync(join(root, 'proc/63/io'), `read_bytes: 0\nwrite_bytes: ${written}\n`);
    schedstat(1_000_000_000);
    ioOf(0);
    const c = createLinuxProcessCollector({ root });
    await c.collect({ signal });
    // A round with nothing moved: schedstat is known from then on.
    expect((await c.collect({ signal }))[0]?.ioWriteBytes).toBe(0);
    ioOf(64 * 2 ** 20);
    schedstat(1_000_400_000);
    expect((await c.collect({ signal }))[0]?.ioWriteBytes).toBe(64 * 2 ** 20);
    // Written again, but schedstat held: the write cannot have happened; figures kept.
    ioOf(128 * 2 ** 20);
    expect((await c.collect({ signal }))[0]?.ioWriteBytes).toBe(64 * 2 ** 20);
    c.close();
  });

  it('spreads the idle refreshes of processes first seen together over the refresh window', async () => {
    const root = tree(Array.from({ length: 60 }, (_, i) => ({ pid: 100 + i })));
    const { reader, reads } = countingReader(root);
    let now = 0;
    const clock = () => ({ monotonicMs: now, time: now });
    const c = createLinuxProcessCollector({ reader, clock, idleRefreshMs: 60_000 });
    await c.collect({ signal });
    const perRound: number[] = [];
    for (let round = 1; round <= 60; round++) {
      now += 1000;
      reads.length = 0;
      await c.collect({ signal });
      perRound.push(reads.filter((p) => p.endsWith('/status')).length);
    }
    // Each refreshed once in the minute, never all in one round.
    expect(perRound.reduce((a, b) => a + b, 0)).toBe(60);
    expect(Math.max(...perRound)).toBeLessThanOrEqual(5);
  });

  it('reuses the last listing while the newest pid in loadavg holds, at most relistEveryMs', async () => {
    const root = tree([{ pid: 70 }, { pid: 71 }]);
    writeFileSync(join(root, 'proc/loadavg'), '0.00 0.01 0.05 1/120 71\n');
    const inner = createFileReader({ root, keepOpen: false });
    let listings = 0;
    const reader: FileReader = {
      ...inner,
      root,
      list: (p) => {
        listings += 1;
        return inner.list(p);
      },
    };
    let now = 0;
    const clock = () => ({ monotonicMs: now, time: now });
    const c = createLinuxProcessCollector({ reader, clock, reuseListing: true });
    const pids = async () => (await c.collect({ signal })).map((r) => r.pid);
    expect(await pids()).toEqual([70, 71]);
    // 71 exits: its stat is gone, so it drops out without a listing.
    rmSync(join(root, 'proc/71'), { recursive: true });
    now += 1000;
    expect(await pids()).toEqual([70]);
    expect(listings).toBe(1);
    // A new process moves the newest pid: listed again, and seen.
    write(root, { pid: 72 });
    writeFileSync(join(root, 'proc/loadavg'), '0.00 0.01 0.05 1/121 72\n');
    now += 1000;
    expect(await pids()).toEqual([70, 72]);
    expect(listings).toBe(2);
    // A pid the loadavg does not show (a tree edited behind its back) is found by the periodic listing.
    write(root, { pid: 73 });
    now += 1000;
    expect(await pids()).toEqual([70, 72]);
    now += 10_000;
    expect(await pids()).toEqual([70, 72, 73]);
    expect(listings).toBe(3);
    // Off (the default on a constructed tree): every round lists.
    const plain = createLinuxProcessCollector({ reader, clock });
    await plain.collect({ signal });
    await plain.collect({ signal });
    expect(listings).toBe(5);
  });

  it('reads a process cgroup every 5 s while it is young, then every minute', async () => {
    const root = tree([{ pid: 80 }]);
    const { reader, reads } = countingReader(root);
    let now = 0;
    const clock = () => ({ monotonicMs: now, time: now });
    const c = createLinuxProcessCollector({ reader, clock });
    const cgroupReadsBy = async (until: number) => {
      reads.length = 0;
      let n = 0;
      for (; now <= until; now += 1000) {
        await c.collect({ signal });
        n += reads.filter((p) => p === 'proc/80/cgroup').length;
        reads.length = 0;
      }
      return n;
    };
    // Seconds 0..59: at 0, 5, ..., 55.
    expect(await cgroupReadsBy(59_000)).toBe(12);
    // The next two minutes: at 60 s after the last read, then every 60 s.
    expect(await cgroupReadsBy(179_000)).toBe(2);
  });
});
