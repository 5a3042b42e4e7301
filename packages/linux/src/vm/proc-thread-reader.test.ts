import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileReader } from '../fs/file-reader.js';
import { findUnixSocketInode } from './find-socket-holder.js';
import { createProcThreadReader } from './proc-thread-reader.js';
import { createTapCounterReader } from './tap-counter-reader.js';

const isLinux = process.platform === 'linux';
const reader = createFileReader({ root: '/' });
const tmp = mkdtempSync(join(tmpdir(), 'arcbox-vm-proc-'));
afterAll(() => {
  reader.close();
  rmSync(tmp, { recursive: true, force: true });
});

const burn = (ms: number) => {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
};

describe('createProcThreadReader on this process (real /proc)', () => {
  it.skipIf(!isLinux)(
    'thread and process CPU grow by what process.cpuUsage() says was burnt',
    () => {
      const threads = createProcThreadReader({ reader });
      const t0 = threads.threadCpuSeconds(process.pid, process.pid)!;
      const p0 = threads.processCpuSeconds(process.pid)!;
      const u0 = process.cpuUsage();
      burn(400);
      const used = process.cpuUsage(u0);
      const truth = (used.user + used.system) / 1e6;
      const t1 = threads.threadCpuSeconds(process.pid, process.pid)!;
      const p1 = threads.processCpuSeconds(process.pid)!;
      // Ticks are 10 ms; other threads (GC, libuv) add to the process but not the main thread.
      expect(t1 - t0).toBeGreaterThan(truth * 0.7 - 0.02);
      expect(t1 - t0).toBeLessThan(truth + 0.05);
      expect(p1 - p0).toBeGreaterThanOrEqual(t1 - t0 - 0.02);
    },
  );

  it.skipIf(!isLinux)(
    'maps every thread of this process back to its pid and null for a gone one',
    () => {
      const threads = createProcThreadReader({ reader });
      const tids = (reader.list(`proc/${process.pid}/task`) ?? []).map((e) => Number(e.name));
      expect(tids.length).toBeGreaterThan(1);
      for (const tid of tids) expect(threads.processOfThread(tid)).toBe(process.pid);
      expect(threads.threadCpuSeconds(process.pid, 2 ** 22 + 12345)).toBeNull();
      expect(threads.processOfThread(2 ** 22 + 12345)).toBeNull();
    },
  );

  it.skipIf(!isLinux)('lists the threads of this process with their comm names', () => {
    const threads = createProcThreadReader({ reader });
    const list = threads.listThreads(process.pid)!;
    const comm = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
    expect(list.find((t) => t.tid === process.pid)?.name).toBe(comm);
    expect(list.length).toBe((reader.list(`proc/${process.pid}/task`) ?? []).length);
    expect(threads.listThreads(2 ** 22 + 12345)).toBeNull();
  });

  it.skipIf(!isLinux)('finds the process holding a listening unix socket', async () => {
    const path = join(tmp, 'holder.sock');
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
      });
      const threads = createProcThreadReader({ reader });
      expect(threads.socketHolder(path)).toBe(child.pid);
      expect(threads.socketHolder(join(tmp, 'nobody.sock'))).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('findUnixSocketInode', () => {
  it('prefers the listening entry of a path and skips odd lines (constructed table)', () => {
    const table = [
      'Num       RefCount Protocol Flags    Type St Inode Path',
      'ffff0001: 00000003 00000000 00000000 0001 03 5001 /run/arcbox/vms/vm1.qmp',
      'ffff0002: 00000002 00000000 00010000 0001 01 5000 /run/arcbox/vms/vm1.qmp',
      'not a line',
      'ffff0003: 00000002 00000000 00010000 0001 01 6000 /run/x y.sock',
    ].join('\n');
    expect(findUnixSocketInode(table, '/run/arcbox/vms/vm1.qmp')).toBe(5000);
    expect(findUnixSocketInode(table, '/run/x y.sock')).toBe(6000);
    expect(findUnixSocketInode(table, '/nope')).toBeNull();
  });
});

describe('createTapCounterReader', () => {
  it.skipIf(!isLinux)(
    'reads an interface from the process netns table like sysfs does (real lo)',
    () => {
      const taps = createTapCounterReader({ reader });
      const viaSys = taps.interfaceCounters('lo', null)!;
      const viaProc = taps.interfaceCounters('lo', process.pid)!;
      const viaSysAgain = taps.interfaceCounters('lo', null)!;
      expect(viaProc.rxBytes).toBeGreaterThanOrEqual(viaSys.rxBytes);
      expect(viaProc.rxBytes).toBeLessThanOrEqual(viaSysAgain.rxBytes);
      expect(viaProc.txPackets).toBeGreaterThanOrEqual(viaSys.txPackets);
      expect(taps.interfaceCounters('no-such-if0', process.pid)).toBeNull();
    },
  );

  it('prefers the VMM netns table and falls back to sysfs (constructed tree)', () => {
    const root = join(tmp, 'tree');
    mkdirSync(join(root, 'proc/42/net'), { recursive: true });
    mkdirSync(join(root, 'sys/class/net/tap9/statistics'), { recursive: true });
    writeFileSync(
      join(root, 'proc/42/net/dev'),
      'Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n' +
        '  tap0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n',
    );
    for (const [f, v] of Object.entries({
      rx_bytes: 5,
      tx_bytes: 6,
      rx_packets: 7,
      tx_packets: 8,
    })) {
      writeFileSync(join(root, 'sys/class/net/tap9/statistics', f), `${v}\n`);
    }
    const taps = createTapCounterReader({ reader: createFileReader({ root, keepOpen: false }) });
    expect(taps.interfaceCounters('tap0', 42)).toEqual({
      rxBytes: 1000,
      rxPackets: 10,
      txBytes: 2000,
      txPackets: 20,
    });
    expect(taps.interfaceCounters('tap9', 42)).toEqual({
      rxBytes: 5,
      txBytes: 6,
      rxPackets: 7,
      txPackets: 8,
    });
    expect(taps.interfaceCounters('tap9', null)).toEqual({
      rxBytes: 5,
      txBytes: 6,
      rxPackets: 7,
      txPackets: 8,
    });
    expect(taps.interfaceCounters('tap0', null)).toBeNull();
    expect(readFileSync(join(root, 'proc/42/net/dev'), 'utf8')).toContain('tap0');
  });

  it('a sysfs counter that is not a count is a PARSE_ERROR naming file and field, never a 0 or a negative (constructed tree)', () => {
    const root = join(tmp, 'bad-tree');
    const dir = join(root, 'sys/class/net/tap7/statistics');
    mkdirSync(dir, { recursive: true });
    const taps = createTapCounterReader({ reader: createFileReader({ root, keepOpen: false }) });
    for (const [field, bad] of [
      ['rx_bytes', '-5\n'],
      ['tx_bytes', '\n'],
      ['rx_packets', '1.5\n'],
      ['tx_packets', '99999999999999999999\n'],
    ] as const) {
      for (const f of ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets'])
        writeFileSync(join(dir, f), f === field ? bad : '1\n');
      try {
        taps.interfaceCounters('tap7', null);
        expect.unreachable(`${field} = ${JSON.stringify(bad)}`);
      } catch (error) {
        expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
        expect((error as PerfError).field).toBe(field);
        expect((error as PerfError).file).toBe(join(dir, field));
      }
    }
  });

  it('a task stat with a negative utime is a PARSE_ERROR naming the field, not negative CPU seconds (constructed tree)', () => {
    const root = join(tmp, 'task-tree');
    mkdirSync(join(root, 'proc/9/task/10'), { recursive: true });
    writeFileSync(
      join(root, 'proc/9/task/10/stat'),
      '10 (CPU 0/KVM) S 1 9 9 0 -1 0 0 0 0 0 -500 20 0 0 20 0 3 0 5 0 0\n',
    );
    const threads = createProcThreadReader({ reader: createFileReader({ root, keepOpen: false }) });
    try {
      threads.threadCpuSeconds(9, 10);
      expect.unreachable();
    } catch (error) {
      expect(PerfError.isInstance(error) && (error as PerfError).field).toBe('utime');
    }
    expect(threads.threadCpuSeconds(9, 11)).toBeNull();
  });
});
