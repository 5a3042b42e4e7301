import { readFileSync, rmSync } from 'node:fs';
import { totalmem } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { fixture, thrown } from './fixtures.test-support.js';
import { tempDir, writeHostTree } from './host-tree.test-support.js';
import { createLinuxSystemCollector } from './linux-system-collector.js';
import { readLinuxSystem } from './read-linux-system.js';

const signal = new AbortController().signal;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tree = (files: Record<string, string | null> = {}) => {
  const root = tempDir('host');
  dirs.push(root);
  writeHostTree(root, files);
  return root;
};

/** Counts the sysfs lookups a reader is asked for. */
function counting(inner: FileReader): FileReader & { lookups: string[] } {
  const lookups: string[] = [];
  const exists = (path: string) => {
    lookups.push(path);
    return inner.exists(path);
  };
  return { ...inner, lookups, exists };
}

describe('createLinuxSystemCollector on this machine', () => {
  it('reads the live host: CPUs, memory, disks and interfaces classified', async () => {
    const collector = createLinuxSystemCollector();
    try {
      const r = await collector.collect({ signal });
      expect(collector.name).toBe('system');
      const cpuLines = readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm) ?? [];
      expect(r.cpuCount).toBe(cpuLines.length);
      expect(r.cpu?.cores).toHaveLength(cpuLines.length);
      expect(r.memory?.total).toBe(totalmem());
      expect(r.disks?.find((d) => d.name.startsWith('loop'))?.kind ?? 'virtual').toBe('virtual');
      const lo = r.interfaces?.find((i) => i.name === 'lo');
      expect(lo).toMatchObject({ loopback: true, countedInTotal: false });
      for (const d of r.disks ?? []) expect(d.countedInTotal).toBe(d.kind === 'disk');
      expect(r.load?.load1).toBeGreaterThanOrEqual(0);
      const again = await collector.collect({ signal });
      expect(again.monotonicMs).toBeGreaterThan(r.monotonicMs);
    } finally {
      await collector[Symbol.asyncDispose]();
    }
  });
});

describe('readLinuxSystem on a tree of real captures', () => {
  it('classifies disks by sysfs: whole disks, partitions, virtual, removable, stacked', () => {
    const r = readLinuxSystem(createFileReader({ root: tree(), keepOpen: false }));
    const kind = (n: string) => r.disks?.find((d) => d.name === n);
    expect(kind('sda')).toMatchObject({ kind: 'disk', countedInTotal: true });
    expect(kind('sda1')).toMatchObject({ kind: 'partition', countedInTotal: false });
    expect(kind('nvme0n1')).toMatchObject({ kind: 'disk', countedInTotal: true });
    expect(kind('nvme0n1p2')).toMatchObject({ kind: 'partition' });
    expect(kind('mmcblk0p1')?.kind).toBe('partition');
    expect(kind('dm-0')).toMatchObject({ kind: 'stacked', countedInTotal: false });
    expect(kind('fd0')?.kind).toBe('removable');
    expect(kind('sr0')?.kind).toBe('removable');
    expect(kind('loop0')?.kind).toBe('virtual');
    expect(kind('ram0')?.kind).toBe('virtual');
    const counted = r.disks?.filter((d) => d.countedInTotal).map((d) => d.name);
    expect(counted).toEqual(['sda', 'mmcblk0', 'vda', 'nvme0n1', 'sdb', 'sdc']);
  });

  it('flags loopback and virtual interfaces; only physical ones count', () => {
    const r = readLinuxSystem(createFileReader({ root: tree(), keepOpen: false }));
    const counted = r.interfaces?.filter((i) => i.countedInTotal).map((i) => i.name);
    expect(counted).toEqual(['eth0', 'wlan0', 'ibr10:30', '💩0']);
    expect(r.interfaces?.find((i) => i.name === 'veth4B09XN')).toMatchObject({
      virtual: true,
      loopback: false,
    });
    expect(r.interfaces?.find((i) => i.name === 'lo')).toMatchObject({
      virtual: true,
      loopback: true,
    });
    expect(r.cpuCount).toBe(8);
    expect(r.memory?.availableEstimated).toBe(true);
    expect(r.problems.map((p) => p.source)).toEqual([
      'proc/pressure/cpu',
      'proc/pressure/memory',
      'proc/pressure/io',
      'proc/meminfo',
    ]);
    expect(r.pressure).toBeNull();
  });

  it('reads pressure files when present', () => {
    const psi = 'some avg10=2.00 avg60=1.00 avg300=0.50 total=99\n';
    const r = readLinuxSystem(
      createFileReader({ root: tree({ 'proc/pressure/memory': psi }), keepOpen: false }),
    );
    expect(r.pressure?.memory?.some?.avg10).toBe(2);
    expect(r.pressure?.cpu).toBeNull();
    expect(r.problems.filter((p) => p.source.startsWith('proc/pressure'))).toHaveLength(2);
  });

  it('a missing required file is MISSING_FILE naming it', () => {
    const root = tree({ 'proc/diskstats': null });
    const error = thrown(() => readLinuxSystem(createFileReader({ root, keepOpen: false })));
    expect(error).toMatchObject({ code: 'MISSING_FILE', file: `${root}/proc/diskstats` });
  });

  it('a parse error names the file under the root and the line', () => {
    const root = tree({ 'proc/loadavg': 'not a load\n' });
    const error = thrown(() => readLinuxSystem(createFileReader({ root, keepOpen: false })));
    expect(error).toMatchObject({ code: 'PARSE_ERROR', file: `${root}/proc/loadavg`, line: 1 });
  });

  it('a value that is not a counter is left out with a problem naming the file as read, the rest reads (constructed edit of real captures)', () => {
    const diskstats = `${fixture('node_exporter/diskstats')} 8 80 sdf 1 2 -3 4 5 6 7 8 0 10 11\n`;
    const meminfo = fixture('node_exporter/meminfo').replace(/^Buffers:.*$/m, 'Buffers: -4 kB');
    const r = readLinuxSystem(
      createFileReader({
        root: tree({ 'proc/diskstats': diskstats, 'proc/meminfo': meminfo }),
        keepOpen: false,
      }),
    );
    expect(r.disks?.some((d) => d.name === 'sdf')).toBe(false);
    expect(r.disks?.some((d) => d.name === 'sda')).toBe(true);
    expect(r.memory?.buffers).toBeNull();
    const about = (source: string) =>
      r.problems.filter((p) => p.source === source).map((p) => p.message);
    expect(about('proc/diskstats')).toEqual([
      expect.stringMatching(/skipped: sdf: field 3 "-3" is not a non-negative integer/),
    ]);
    expect(about('proc/meminfo')).toContain(
      'Buffers: "-4 kB" is not a non-negative integer up to 2^53 bytes',
    );
  });

  it('without sys/block, tells partitions by name and says so', () => {
    const root = tree();
    rmSync(`${root}/sys/block`, { recursive: true });
    const r = readLinuxSystem(createFileReader({ root, keepOpen: false }));
    expect(r.disks?.find((d) => d.name === 'sda1')?.kind).toBe('partition');
    expect(r.disks?.find((d) => d.name === 'sda')?.kind).toBe('disk');
    expect(r.problems.some((p) => p.source === 'sys/block')).toBe(true);
  });

  it('caches sysfs lookups per name with cacheSysfs, and makes them every reading without', async () => {
    const root = tree();
    const cached = counting(createFileReader({ root, keepOpen: false }));
    const c1 = createLinuxSystemCollector({ reader: cached, cacheSysfs: true });
    await c1.collect({ signal });
    const first = cached.lookups.length;
    expect(first).toBeGreaterThan(0);
    await c1.collect({ signal });
    expect(cached.lookups.length).toBe(first);

    const uncached = counting(createFileReader({ root, keepOpen: false }));
    const c2 = createLinuxSystemCollector({ reader: uncached, cacheSysfs: false });
    await c2.collect({ signal });
    await c2.collect({ signal });
    expect(uncached.lookups.length).toBe(2 * first);
  });

  it('takes the clock and clockTicks it is given', async () => {
    const root = tree();
    const c = createLinuxSystemCollector({
      reader: createFileReader({ root, keepOpen: false }),
      clock: () => ({ monotonicMs: 42, time: 1_700_000_000_000 }),
      clockTicks: 1000,
    });
    const r = await c.collect({ signal });
    expect(r).toMatchObject({ monotonicMs: 42, time: 1_700_000_000_000 });
    expect(r.cpu?.total.user).toBeCloseTo(301.854, 9);
  });

  it('honours an aborted signal', async () => {
    const c = createLinuxSystemCollector({
      reader: createFileReader({ root: tree(), keepOpen: false }),
    });
    await expect(c.collect({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});
