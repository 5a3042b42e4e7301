import { computeFilesystemMetrics, PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import type { FileReader } from '../fs/file-reader.js';
import { createLinuxFilesystemCollector } from './linux-filesystem-collector.js';
import type { StatfsResult } from './statfs-figures.js';

const MOUNTINFO = [
  '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '21 26 0:20 / /proc rw - proc proc rw',
  '24 26 0:22 / /dev/shm rw,nosuid - tmpfs tmpfs rw,size=1024k',
  '30 26 8:1 / /srv\\040data ro,relatime - xfs /dev/sdb1 ro',
  '31 26 0:50 / /mnt/fuse rw - fuse.big big rw',
].join('\n');

/** mountinfo from memory: successive reads get successive texts, the last one repeated. */
function memoryReader(...texts: string[]): FileReader & { paths: string[] } {
  const paths: string[] = [];
  let n = 0;
  return {
    root: '/host',
    paths,
    read: (path) => {
      paths.push(path);
      return texts[Math.min(n++, texts.length - 1)] ?? null;
    },
    exists: () => true,
    list: () => null,
    forget: () => undefined,
    close: () => undefined,
  };
}

const figures = (over: Partial<StatfsResult> = {}): StatfsResult => ({
  bsize: 4096n,
  blocks: 1000n,
  bfree: 600n,
  bavail: 500n,
  files: 100n,
  ffree: 40n,
  ...over,
});
const clock = () => ({ monotonicMs: 123, time: 1_700_000_000_000 });
const signal = new AbortController().signal;
const rejectWith = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));

describe('createLinuxFilesystemCollector', () => {
  it('reads mountinfo through the reader and statfs under the root, one reading per mount', async () => {
    const asked: string[] = [];
    const reader = memoryReader(MOUNTINFO);
    const collector = createLinuxFilesystemCollector({
      root: '/host',
      reader,
      clock,
      statfs: async (path) => {
        asked.push(path);
        if (path === '/host/mnt/fuse') return figures({ frsize: 512n, blocks: 2n ** 60n });
        return path === '/host/dev/shm' ? figures({ files: 0n, ffree: 0n }) : figures();
      },
    });
    const readings = await collector.collect({ signal });
    expect(collector.name).toBe('filesystems');
    // Under another root, the host's mounts are init's (proc/1), not this process's.
    expect(reader.paths).toEqual(['proc/1/mountinfo', 'proc/1/mountinfo']);
    expect(asked).toEqual(['/host/', '/host/dev/shm', '/host/srv data', '/host/mnt/fuse']);
    expect(readings[0]).toEqual({
      monotonicMs: 123,
      time: 1_700_000_000_000,
      mountPoint: '/',
      device: '/dev/vda',
      fsType: 'ext4',
      readOnly: false,
      sizeBytes: 4096 * 1000,
      freeBytes: 4096 * 600,
      availableBytes: 4096 * 500,
      inodesTotal: 100,
      inodesFree: 40,
      sharedSpace: null,
      problems: [],
    });
    const [, shm, srv, fuse] = readings;
    expect(shm).toMatchObject({ fsType: 'tmpfs', inodesTotal: null, inodesFree: null });
    expect(srv).toMatchObject({ mountPoint: '/srv data', device: '/dev/sdb1', readOnly: true });
    // f_frsize, not f_bsize, is the unit; 2^60 x 512 is past 2^53 and still exact (a power of 2).
    expect(fuse).toMatchObject({ sizeBytes: 2 ** 69, freeBytes: 600 * 512 });
    expect(computeFilesystemMetrics(null, srv!).usedPercent).toBeCloseTo((400 / 900) * 100, 10);
  });

  it('leaves out a mount gone before its statfs (ENOENT) or unmounted with its directory left', async () => {
    const after = MOUNTINFO.split('\n')
      .filter((l) => !l.includes('/mnt/fuse'))
      .join('\n');
    const collector = createLinuxFilesystemCollector({
      reader: memoryReader(MOUNTINFO, after),
      statfs: (path) => (path === '/dev/shm' ? rejectWith('ENOENT') : Promise.resolve(figures())),
    });
    const readings = await collector.collect({ signal });
    expect(readings.map((r) => r.mountPoint)).toEqual(['/', '/srv data']);
  });

  it('a mount statfs fails on keeps its place with null figures and a problem', async () => {
    const collector = createLinuxFilesystemCollector({
      reader: memoryReader(MOUNTINFO),
      statfs: (path) => (path === '/srv data' ? rejectWith('EACCES') : Promise.resolve(figures())),
    });
    const srv = (await collector.collect({ signal })).find((r) => r.mountPoint === '/srv data');
    expect(srv).toMatchObject({
      sizeBytes: null,
      freeBytes: null,
      availableBytes: null,
      inodesTotal: null,
      problems: [{ source: 'statfs /srv data', code: 'READ_ERROR', message: 'EACCES' }],
    });
    expect(computeFilesystemMetrics(null, srv!).usedPercent).toBeNull();
  });

  it('names the stuck mount, by its mount point, until its statfs returns', async () => {
    let release = () => {};
    const collector = createLinuxFilesystemCollector({
      root: '/host',
      reader: memoryReader(MOUNTINFO),
      statfsTimeoutMs: 20,
      statfs: (path) =>
        path === '/host/mnt/fuse'
          ? new Promise((r) => {
              release = () => r(figures());
            })
          : Promise.resolve(figures()),
    });
    const first = await collector.collect({ signal });
    expect(first.find((r) => r.mountPoint === '/mnt/fuse')?.problems).toEqual([
      { source: 'statfs /mnt/fuse', code: 'TIMEOUT', message: expect.stringMatching(/20 ms/) },
    ]);
    expect(first.filter((r) => r.sizeBytes !== null)).toHaveLength(3);
    expect(collector.stuckMounts()).toEqual(['/mnt/fuse']);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(collector.stuckMounts()).toEqual([]);
  });

  it('rejects at once when aborted, before or during a round', async () => {
    const aborted = AbortSignal.abort();
    const collector = createLinuxFilesystemCollector({
      reader: memoryReader(MOUNTINFO),
      statfs: () => new Promise(() => {}),
      statfsTimeoutMs: 4_000,
    });
    await expect(collector.collect({ signal: aborted })).rejects.toMatchObject({ code: 'ABORTED' });
    const controller = new AbortController();
    const started = performance.now();
    const round = collector.collect({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(round).rejects.toMatchObject({ code: 'ABORTED' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('fails on a missing or unreadable mountinfo, and on bad options', async () => {
    const missing = createLinuxFilesystemCollector({ reader: memoryReader() });
    await expect(missing.collect({ signal })).rejects.toMatchObject({ code: 'MISSING_FILE' });
    const junk = createLinuxFilesystemCollector({ reader: memoryReader('<html>') });
    await expect(junk.collect({ signal })).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    for (const bad of [
      { statfsTimeoutMs: 0 },
      { statfsTimeoutMs: 5_000 },
      { statfsTimeoutMs: Number.NaN },
      { maxStatfsInFlight: 0 },
      { maxStatfsInFlight: 1.5 },
    ]) {
      const error = (() => {
        try {
          createLinuxFilesystemCollector({ reader: memoryReader(MOUNTINFO), ...bad });
        } catch (e) {
          return e;
        }
      })();
      expect(PerfError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    }
  });
});
