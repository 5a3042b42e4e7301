import { mkdirSync, readFileSync, rmdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { type FilesystemReading, MIB } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, isRoot, run, suffix, tryRun } from '../host/integration.test-support.js';
import { createLinuxFilesystemCollector } from './linux-filesystem-collector.js';
import { parseMountinfo } from './parse-mountinfo.js';

const tools = ['mkfs.ext4', 'losetup', 'mount', 'umount', 'stat', 'df', 'findmnt'];
const ready = isRoot && tools.every(hasCommand);
const signal = new AbortController().signal;

/** What coreutils prints for one mount: stat -f (raw statfs) and df (its own arithmetic). */
async function groundTruth(path: string) {
  const stat = await run('stat', ['-f', '-c', '%S %b %f %a %c %d', path]);
  const [frsize, blocks, bfree, bavail, files, ffree] = stat.stdout.trim().split(' ').map(Number);
  const df = await run('df', ['-B1', '--output=size,used,avail,itotal,iavail', path]);
  const [size, used, avail, itotal, iavail] = df.stdout.trim().split('\n')[1]!.trim().split(/ +/);
  return {
    sizeBytes: frsize! * blocks!,
    freeBytes: frsize! * bfree!,
    availableBytes: frsize! * bavail!,
    inodesTotal: files!,
    inodesFree: ffree!,
    df: { size: Number(size), used: Number(used), avail: Number(avail) },
    dfInodes: { total: Number(itotal), free: Number(iavail) },
  };
}

const usedOf = (r: FilesystemReading) => r.sizeBytes! - r.freeBytes!;

describe.skipIf(!ready)(
  `real ext4 (loop) and tmpfs mounts (needs root, ${tools.join(', ')})`,
  () => {
    const dir = `/tmp/arcbox-fs-${process.pid}-${suffix()}`;
    const ext4 = join(dir, 'ext4');
    // A space in the path: mountinfo writes it as \040.
    const tmpfs = join(dir, 'tmp fs');
    const mounted: string[] = [];
    let loop: string | null = null;
    const collector = createLinuxFilesystemCollector();
    const collect = async () => {
      const readings = await collector.collect({ signal });
      const at = (point: string) => readings.find((r) => r.mountPoint === point);
      return { readings, ext4: at(ext4)!, tmpfs: at(tmpfs)!, at };
    };
    const mount = async (args: string[], point: string) => {
      mkdirSync(point, { recursive: true });
      await run('mount', [...args, point]);
      mounted.push(point);
    };

    beforeAll(async () => {
      mkdirSync(dir);
      const image = join(dir, 'ext4.img');
      writeFileSync(image, '');
      truncateSync(image, 64 * MIB);
      await run('mkfs.ext4', ['-q', '-F', '-b', '4096', image]);
      loop = (await run('losetup', ['--find', '--show', image])).stdout.trim();
      await mount([loop], ext4);
      await mount(['-t', 'tmpfs', '-o', 'size=16m', 'arcbox-test'], tmpfs);
    });

    afterAll(async () => {
      collector.close();
      for (const point of mounted.reverse()) await tryRun('umount', [point]);
      if (loop) await tryRun('losetup', ['-d', loop]);
      // Only once nothing is mounted below it, or rm would reach into a mounted filesystem.
      const still = readFileSync('/proc/self/mountinfo', 'utf8').includes(dir);
      if (!still) rmSync(dir, { recursive: true, force: true });
    });

    it('every figure is what stat -f and df print for the same mount', async () => {
      for (const point of [ext4, tmpfs]) {
        const before = await groundTruth(point);
        const reading = (await collect()).at(point)!;
        const after = await groundTruth(point);
        expect(after).toEqual(before); // idle filesystems: "the same moment"
        const { df, dfInodes, ...figures } = before;
        expect(reading).toMatchObject({ ...figures, readOnly: false, problems: [] });
        expect(usedOf(reading)).toBe(df.used);
        expect([reading.sizeBytes, reading.availableBytes]).toEqual([df.size, df.avail]);
        expect([reading.inodesTotal, reading.inodesFree]).toEqual([dfInodes.total, dfInodes.free]);
      }
      const { ext4: e, tmpfs: t } = await collect();
      expect(e).toMatchObject({ fsType: 'ext4', device: loop, sharedSpace: null });
      expect(t).toMatchObject({ fsType: 'tmpfs', device: 'arcbox-test', sizeBytes: 16 * MIB });
    });

    it('8 MiB written and fsynced moves used by 8 MiB (ext4: within a few blocks of metadata)', async () => {
      const write = async (path: string) => {
        const file = await open(path, 'w');
        try {
          await file.write(Buffer.alloc(8 * MIB, 0x5a));
          await file.sync();
        } finally {
          await file.close();
        }
      };
      const before = await collect();
      await write(join(ext4, 'eight.bin'));
      await write(join(tmpfs, 'eight.bin'));
      const after = await collect();
      const grew = usedOf(after.ext4) - usedOf(before.ext4);
      expect(grew).toBeGreaterThanOrEqual(8 * MIB);
      expect(grew).toBeLessThanOrEqual(8 * MIB + 4 * 4096);
      expect(before.ext4.availableBytes! - after.ext4.availableBytes!).toBe(grew);
      expect(usedOf(after.tmpfs) - usedOf(before.tmpfs)).toBe(8 * MIB);
      expect(usedOf(after.ext4)).toBe((await groundTruth(ext4)).df.used);
    });

    it('a read-only remount flips readOnly, and back', async () => {
      await run('mount', ['-o', 'remount,ro', ext4]);
      try {
        expect((await collect()).ext4).toMatchObject({ readOnly: true, problems: [] });
      } finally {
        await run('mount', ['-o', 'remount,rw', ext4]);
      }
      expect((await collect()).ext4.readOnly).toBe(false);
    });

    it('a mount unmounted between mountinfo and statfs ends its series; the others are read', async () => {
      const left = join(dir, 'gone-dir-left');
      const removed = join(dir, 'gone-dir-removed');
      await mount(['-t', 'tmpfs', '-o', 'size=1m', 'arcbox-gone'], left);
      await mount(['-t', 'tmpfs', '-o', 'size=2m', 'arcbox-gone'], removed);
      let seenAtLeft: bigint | null = null;
      const racing = createLinuxFilesystemCollector({
        statfsTimeoutMs: 4_000,
        statfs: async (path) => {
          if (path === left) await run('umount', [left]);
          if (path === removed) {
            await run('umount', [removed]);
            rmdirSync(removed);
          }
          const result = await statfs(path, { bigint: true });
          if (path === left) seenAtLeft = result.blocks * result.bsize;
          return result;
        },
      });
      try {
        const readings = await racing.collect({ signal });
        const points = readings.map((r) => r.mountPoint);
        expect(points).not.toContain(left);
        expect(points).not.toContain(removed);
        // statfs of the left-behind directory read the filesystem beneath, not the 1 MiB tmpfs.
        expect(seenAtLeft).not.toBe(BigInt(MIB));
        const ext4Reading = readings.find((r) => r.mountPoint === ext4);
        expect(ext4Reading).toMatchObject({ problems: [], readOnly: false });
        expect(ext4Reading?.sizeBytes).toBeGreaterThan(0);
        expect(readings.find((r) => r.mountPoint === tmpfs)?.sizeBytes).toBe(16 * MIB);
      } finally {
        racing.close();
      }
    });

    it('parses this machine’s mountinfo as findmnt (util-linux) reads it', async () => {
      for (let attempt = 0; ; attempt += 1) {
        const text = readFileSync('/proc/self/mountinfo', 'utf8');
        const { stdout } = await run('findmnt', [
          '--json',
          '--list',
          '-o',
          'ID,PARENT,MAJ:MIN,FSROOT,TARGET,FSTYPE,VFS-OPTIONS',
        ]);
        // Other tests may mount meanwhile: compare only a list that held still.
        if (readFileSync('/proc/self/mountinfo', 'utf8') !== text && attempt < 5) continue;
        const theirs = (JSON.parse(stdout) as { filesystems: Record<string, unknown>[] })
          .filesystems;
        const ours = parseMountinfo(text).map((m) => ({
          id: m.mountId,
          parent: m.parentId,
          'maj:min': m.device,
          fsroot: m.root,
          target: m.mountPoint,
          fstype: m.fsType,
          'vfs-options': m.mountOptions.join(','),
        }));
        expect(ours).toEqual(theirs);
        expect(ours.map((m) => m.target)).toContain(tmpfs);
        return;
      }
    });
  },
);
