import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { computeSystemMetrics, MIB } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import {
  hasCommand,
  isRoot,
  liveCollector,
  run,
  suffix,
  tryRun,
} from './integration.test-support.js';

const canLoop = isRoot && hasCommand('losetup') && hasCommand('dd');

describe('disk ground truth (live /proc/diskstats)', () => {
  it.skipIf(!canLoop)(
    'a loop device gets exactly 32 MiB of O_DIRECT writes, and stays out of the total (needs root, losetup, dd)',
    async () => {
      // Backing file on tmpfs, so the loop device's writes do not reach a real disk either.
      const file = `/dev/shm/arcbox-host-loop-${suffix()}.img`;
      writeFileSync(file, '');
      truncateSync(file, 64 * MIB);
      let device: string | null = null;
      const { collector, read } = liveCollector();
      try {
        device = (await run('losetup', ['--find', '--show', file])).stdout.trim();
        const name = basename(device);
        const before = await read();
        await run('dd', ['if=/dev/zero', `of=${device}`, 'bs=1M', 'count=32', 'oflag=direct']);
        const after = await read();

        const d0 = before.disks?.find((d) => d.name === name);
        const d1 = after.disks?.find((d) => d.name === name);
        expect(d0).toBeDefined();
        expect(d1!.writeBytes! - d0!.writeBytes!).toBe(32 * MIB);
        expect(d1!.writeOps! - d0!.writeOps!).toBeGreaterThan(0);
        expect(d1).toMatchObject({ kind: 'virtual', countedInTotal: false });
        const m = computeSystemMetrics(before, after);
        expect(m.disks.find((d) => d.name === name)?.countedInTotal).toBe(false);
        expect(m.disks.filter((d) => d.countedInTotal).every((d) => d.kind === 'disk')).toBe(true);
      } finally {
        collector.close();
        if (device) await tryRun('losetup', ['-d', device]);
        rmSync(file, { force: true });
      }
    },
  );
});
