import { getEventListeners } from 'node:events';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeFilesystemMetrics,
  createCollectorRegistry,
  type FilesystemReading,
  PerfError,
} from '@arcbox/perf-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CommandRunner, createExecFileRunner } from '../command-runner.js';
import { createStubCommands, type StubCommands } from '../stub-commands.js';
import type { StatfsResult } from './bounded-statfs.js';
import { createDarwinFilesystemCollector } from './darwin-filesystem-collector.js';
import { filesystemFixturesDir } from './test-fixtures.js';

const GiB = 1024 ** 3;
const block = 4096;
/** statfs figures in 4096-byte blocks; disk3's volumes all see the container, as APFS reports it. */
const container3 = { bsize: block, blocks: (460 * GiB) / block, bfree: (200 * GiB) / block };
const statfsFigures: Record<string, StatfsResult> = {
  '/': { ...container3, bavail: (200 * GiB) / block, files: 2_000_000_000, ffree: 1_999_000_000 },
  '/System/Volumes/Data': {
    ...container3,
    bavail: (200 * GiB) / block,
    files: 2_000_000_000,
    ffree: 1_997_000_000,
  },
  '/Volumes/My Passport': {
    bsize: 131072,
    blocks: 7_630_000,
    bfree: 5_000_000,
    bavail: 5_000_000,
    files: 0,
    ffree: 0,
  },
};
const fallback: StatfsResult = {
  bsize: block,
  blocks: 100,
  bfree: 50,
  bavail: 40,
  files: 10,
  ffree: 5,
};
let clockMs = 0;
const clock = () => {
  clockMs += 1000;
  return { monotonicMs: clockMs, time: Date.UTC(2026, 0, 1) + clockMs };
};
const live = () => new AbortController().signal;

function fakeStatfs(hang: ReadonlySet<string> = new Set()) {
  const calls: string[] = [];
  const waiting: Array<() => void> = [];
  return {
    calls,
    statfs: (path: string) => {
      calls.push(path);
      const value = statfsFigures[path] ?? fallback;
      if (!hang.has(path)) return Promise.resolve(value);
      return new Promise<StatfsResult>((resolve) => waiting.push(() => resolve(value)));
    },
    releaseAll: () => {
      for (const release of waiting.splice(0)) release();
    },
  };
}

/** Waits until `ready()` holds, failing the test after 10 s rather than hanging it. */
async function until(ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const byPoint = (readings: FilesystemReading[]) => new Map(readings.map((r) => [r.mountPoint, r]));

// Real processes: a stand-in executable named mount prints the constructed macOS output,
// run through the real execFile runner with PATH holding only the stand-ins.
describe('createDarwinFilesystemCollector with a real process printing macOS mount output', () => {
  let stubs: StubCommands;
  let run: CommandRunner;
  const printFixture = (name: string) =>
    stubs.set(
      'mount',
      `exec ${stubs.tools.cat} ${JSON.stringify(join(filesystemFixturesDir, name))}`,
    );
  beforeEach(() => {
    stubs = createStubCommands();
    run = createExecFileRunner({ env: { PATH: stubs.bin } });
    printFixture('mount_apple_silicon_sonoma.txt');
  });
  afterEach(() => stubs.dispose());

  it('reads every volume with one process: mount with no arguments, then statfs in-process', async () => {
    const fake = fakeStatfs();
    const collector = createDarwinFilesystemCollector({
      run,
      statfs: fake.statfs,
      clock,
      timeoutMs: 20_000,
    });
    expect(collector.name).toBe('filesystems');
    const readings = await collector.collect({ signal: live() });
    expect(stubs.calls()).toEqual(['mount']);
    expect(readings.map((r) => r.mountPoint)).toEqual([
      '/',
      '/System/Volumes/VM',
      '/System/Volumes/Preboot',
      '/System/Volumes/Update',
      '/System/Volumes/xarts',
      '/System/Volumes/iSCPreboot',
      '/System/Volumes/Hardware',
      '/System/Volumes/Data',
      '/Volumes/My Passport',
      '/Volumes/Untitled (1)',
      '/Volumes/Photo Library',
      '/Volumes/backup',
    ]);
    expect(fake.calls).toEqual(readings.map((r) => r.mountPoint));
    const m = byPoint(readings);
    expect(m.get('/')).toEqual({
      monotonicMs: 1000,
      time: Date.UTC(2026, 0, 1) + 1000,
      mountPoint: '/',
      device: '/dev/disk3s1s1',
      fsType: 'apfs',
      readOnly: true,
      sizeBytes: 460 * GiB,
      freeBytes: 200 * GiB,
      availableBytes: 200 * GiB,
      inodesTotal: 2_000_000_000,
      inodesFree: 1_999_000_000,
      sharedSpace: 'disk3',
      problems: [],
    });
    expect(m.get('/System/Volumes/Data')).toMatchObject({ readOnly: false, sharedSpace: 'disk3' });
    expect(m.get('/System/Volumes/xarts')?.sharedSpace).toBe('disk1');
    expect(m.get('/Volumes/Untitled (1)')?.sharedSpace).toBe('disk7');
    // Not APFS: space of its own; 0 inodes reported is no inode figure.
    expect(m.get('/Volumes/My Passport')).toMatchObject({
      fsType: 'exfat',
      sharedSpace: null,
      sizeBytes: 7_630_000 * 131072,
      inodesTotal: null,
      inodesFree: null,
    });
    expect(m.get('/Volumes/Photo Library')).toMatchObject({
      device: '//alice@nas._smb._tcp.local/Photo%20Library',
      sharedSpace: null,
    });

    // Core's maths over it: used = size - free, df's Use% = used / (used + available).
    const data = computeFilesystemMetrics(null, m.get('/System/Volumes/Data')!);
    expect(data).toMatchObject({ usedBytes: 260 * GiB, usedPercent: (100 * 260) / 460 });
  });

  it('starts exactly one process per reading', async () => {
    const collector = createDarwinFilesystemCollector({
      run,
      statfs: fakeStatfs().statfs,
      clock,
      timeoutMs: 20_000,
    });
    await collector.collect({ signal: live() });
    await collector.collect({ signal: live() });
    await collector.collect({ signal: live() });
    expect(stubs.calls()).toEqual(['mount', 'mount', 'mount']);
  });

  it('a stuck statfs: that mount null with a problem, not asked again until it returns', async () => {
    const fake = fakeStatfs(new Set(['/Volumes/backup']));
    const collector = createDarwinFilesystemCollector({
      run,
      statfs: fake.statfs,
      clock,
      timeoutMs: 20_000,
      statfsTimeoutMs: 100,
    });
    const first = byPoint(await collector.collect({ signal: live() }));
    expect(first.get('/Volumes/backup')).toMatchObject({
      device: 'nas.local:/volume1/backup',
      fsType: 'nfs',
      sizeBytes: null,
      freeBytes: null,
      availableBytes: null,
      inodesTotal: null,
      problems: [
        {
          source: 'statfs',
          code: 'TIMEOUT',
          message: 'statfs /Volumes/backup timed out after 100 ms',
        },
      ],
    });
    expect(first.get('/')?.sizeBytes).toBe(460 * GiB);

    const second = byPoint(await collector.collect({ signal: live() }));
    expect(second.get('/Volumes/backup')?.sizeBytes).toBeNull();
    expect(second.get('/Volumes/backup')?.problems[0]?.message).toMatch(
      /not asked again until it does$/,
    );
    expect(second.get('/')?.sizeBytes).toBe(460 * GiB);
    expect(fake.calls.filter((p) => p === '/Volumes/backup')).toHaveLength(1);

    fake.releaseAll();
    await new Promise((r) => setTimeout(r, 0));
    const third = collector.collect({ signal: live() });
    // Asked again once it returned: this time it answers in time.
    await until(() => fake.calls.filter((p) => p === '/Volumes/backup').length === 2);
    fake.releaseAll();
    const backup = byPoint(await third).get('/Volumes/backup');
    expect(backup).toMatchObject({ sizeBytes: 100 * block, problems: [] });
    expect(fake.calls.filter((p) => p === '/Volumes/backup')).toHaveLength(2);
  });

  it('a failing statfs leaves only that mount null, with the reason', async () => {
    const statfs = (path: string) =>
      path === '/Volumes/My Passport'
        ? Promise.reject(new Error("EACCES: permission denied, statfs '/Volumes/My Passport'"))
        : Promise.resolve(fallback);
    const collector = createDarwinFilesystemCollector({ run, statfs, clock, timeoutMs: 20_000 });
    const readings = byPoint(await collector.collect({ signal: live() }));
    expect(readings.get('/Volumes/My Passport')).toMatchObject({
      sizeBytes: null,
      problems: [
        {
          source: 'statfs',
          code: 'READ_ERROR',
          message:
            "statfs /Volumes/My Passport failed: EACCES: permission denied, statfs '/Volumes/My Passport'",
        },
      ],
    });
    expect([...readings.values()].filter((r) => r.sizeBytes === null)).toHaveLength(1);
  });

  it('an impossible block size gives no space figures rather than made-up ones', async () => {
    const statfs = async () => ({ ...fallback, bsize: 0 });
    const collector = createDarwinFilesystemCollector({ run, statfs, clock, timeoutMs: 20_000 });
    const root = byPoint(await collector.collect({ signal: live() })).get('/');
    expect(root).toMatchObject({
      sizeBytes: null,
      freeBytes: null,
      availableBytes: null,
      inodesTotal: 10,
    });
    expect(root?.problems).toEqual([
      {
        source: 'statfs',
        code: 'PARSE_ERROR',
        message: 'statfs reported a block size of 0: no space figures',
      },
    ]);
  });

  it('rejects when mount is missing, fails, or prints no mount line', async () => {
    const statfs = fakeStatfs().statfs;
    stubs.remove('mount');
    const missing = await createDarwinFilesystemCollector({ run, statfs, timeoutMs: 20_000 })
      .collect({ signal: live() })
      .catch((e: unknown) => e);
    expect(PerfError.isInstance(missing) && [missing.code, missing.message]).toEqual([
      'COMMAND_FAILED',
      'mount is not on PATH',
    ]);

    stubs.set('mount', 'echo "mount: getmntinfo: Operation not permitted" >&2\nexit 1');
    const failed = await createDarwinFilesystemCollector({ run, statfs, timeoutMs: 20_000 })
      .collect({ signal: live() })
      .catch((e: unknown) => e);
    expect(PerfError.isInstance(failed) && [failed.code, failed.message]).toEqual([
      'COMMAND_FAILED',
      'mount exited with 1: mount: getmntinfo: Operation not permitted',
    ]);

    // Linux's layout is not macOS's: refused, not read as an empty list.
    stubs.set('mount', "echo 'proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)'");
    const unknown = await createDarwinFilesystemCollector({ run, statfs, timeoutMs: 20_000 })
      .collect({ signal: live() })
      .catch((e: unknown) => e);
    expect(PerfError.isInstance(unknown) && unknown.code).toBe('PARSE_ERROR');
  });

  it('a mount that hangs times out under the command timeout', async () => {
    stubs.set('mount', `exec ${stubs.tools.sleep} 30`);
    const collector = createDarwinFilesystemCollector({
      run,
      statfs: fakeStatfs().statfs,
      timeoutMs: 200,
    });
    const error = await collector.collect({ signal: live() }).catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.code).toBe('TIMEOUT');
  });

  it('honours the abort signal: before it starts and while statfs calls are running', async () => {
    const fake = fakeStatfs(new Set(['/Volumes/backup']));
    const collector = createDarwinFilesystemCollector({
      run,
      statfs: fake.statfs,
      timeoutMs: 20_000,
      statfsTimeoutMs: 60_000,
    });
    const before = await collector
      .collect({ signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(PerfError.isInstance(before) && before.code).toBe('ABORTED');
    expect(stubs.calls()).toEqual([]);

    const controller = new AbortController();
    const started = Date.now();
    const reading = collector.collect({ signal: controller.signal });
    await until(() => fake.calls.includes('/Volumes/backup'));
    // One listener for the 12 statfs calls, not one each (Node warns past 10).
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    const during = await reading.catch((e: unknown) => e);
    expect(PerfError.isInstance(during) && during.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    fake.releaseAll();
  });

  it('runs in core’s registry under its name', async () => {
    const collector = createDarwinFilesystemCollector({
      run,
      statfs: fakeStatfs().statfs,
      clock,
      timeoutMs: 20_000,
    });
    const registry = createCollectorRegistry({ collectors: { filesystems: collector } });
    const out = await registry.run();
    expect(out.filesystems?.ok && out.filesystems.value.length).toBe(12);
  });

  it('uses Node’s own statfs by default: the figures of this machine’s /', async () => {
    stubs.set('mount', "echo '/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)'");
    const collector = createDarwinFilesystemCollector({ run, clock, timeoutMs: 20_000 });
    const [root] = await collector.collect({ signal: live() });
    const real = statfsSync('/');
    expect(root).toMatchObject({
      mountPoint: '/',
      sizeBytes: real.blocks * real.bsize,
      problems: [],
    });
    expect(root?.sizeBytes).toBeGreaterThan(0);
  });
});
