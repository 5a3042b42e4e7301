import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, suffix } from '../host/integration.test-support.js';
import { createLinuxFilesystemCollector } from './linux-filesystem-collector.js';
import { canMountFuse, type HungFuse, startHungFuse } from './testing/hung-fuse.js';

const why = canMountFuse();
const signal = new AbortController().signal;

describe.skipIf(why !== null)(
  `a FUSE mount whose statfs hangs in the kernel, in a private mount namespace (${why ?? 'needs root, /dev/fuse, unshare'})`,
  () => {
    let fuse: HungFuse;
    beforeAll(async () => {
      fuse = await startHungFuse(`/tmp/arcbox-fuse-${process.pid}-${suffix()}`);
    });
    afterAll(async () => {
      await fuse?.stop();
    });

    it('bounds the round, reads the others, and asks the hung mount again only once its call returns', async () => {
      const calls = new Map<string, number>();
      const collector = createLinuxFilesystemCollector({
        root: fuse.root,
        reader: fuse.reader,
        statfsTimeoutMs: 1_000,
        statfs: (path) => {
          calls.set(path, (calls.get(path) ?? 0) + 1);
          return statfs(path, { bigint: true });
        },
      });
      const hungPath = join(fuse.root, fuse.mountPoint);
      const round = async () => {
        const started = performance.now();
        const readings = await collector.collect({ signal });
        const at = (point: string) => readings.find((r) => r.mountPoint === point)!;
        return { ms: performance.now() - started, hung: at(fuse.mountPoint), root: at('/') };
      };

      const first = await round();
      expect(first.ms).toBeGreaterThanOrEqual(950);
      expect(first.ms).toBeLessThan(3_000);
      expect(first.hung).toMatchObject({ fsType: 'fuse', device: 'arcbox-hung', sizeBytes: null });
      expect(first.hung.problems).toEqual([
        { source: `statfs ${fuse.mountPoint}`, code: 'TIMEOUT', message: expect.any(String) },
      ]);
      expect(first.root).toMatchObject({ problems: [] });
      expect(first.root.sizeBytes).toBeGreaterThan(0);
      expect(collector.stuckMounts()).toEqual([fuse.mountPoint]);

      for (let n = 0; n < 3; n += 1) {
        const later = await round();
        expect(later.ms).toBeLessThan(800);
        expect(later.hung.problems[0]?.message).toMatch(/has not returned/);
        expect(later.root.sizeBytes).toBeGreaterThan(0);
      }
      // Asked once by us, and the kernel passed on one request: no second thread went in.
      expect(calls.get(hungPath)).toBe(1);
      expect(fuse.statfsRequests()).toBe(1);
      expect(calls.get(join(fuse.root, '/'))).toBe(4);

      fuse.answer();
      for (let waited = 0; collector.stuckMounts().length > 0 && waited < 5_000; waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(collector.stuckMounts()).toEqual([]);
      const back = await round();
      expect(calls.get(hungPath)).toBe(2);
      expect(await fuse.statfsRequestsReaching(2)).toBe(2);
      expect(back.hung).toMatchObject({ problems: [], inodesTotal: 100, inodesFree: 40 });
      expect(back.hung.sizeBytes).toBeGreaterThan(0);
      collector.close();
    });

    it('counts in f_frsize where Node reports it (24+), in f_bsize where it cannot (20, 22)', async () => {
      fuse.answer();
      const path = join(fuse.root, fuse.mountPoint);
      const { stdout } = await run('stat', ['-f', '-c', '%s %S %b %f %a', path]);
      expect(stdout.trim()).toBe('4096 512 1000 600 500');
      const raw = await statfs(path, { bigint: true });
      const unit = 'frsize' in raw ? 512 : 4096;
      const collector = createLinuxFilesystemCollector({ root: fuse.root, reader: fuse.reader });
      const reading = (await collector.collect({ signal })).find(
        (r) => r.mountPoint === fuse.mountPoint,
      );
      expect(reading).toMatchObject({
        sizeBytes: 1000 * unit,
        freeBytes: 600 * unit,
        availableBytes: 500 * unit,
      });
      collector.close();
    });
  },
);
