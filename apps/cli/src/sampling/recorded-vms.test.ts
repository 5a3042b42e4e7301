import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  computeVmMetrics,
  createSeriesTracker,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';
import {
  readingDir,
  recordLinuxReadings,
  replayLinuxReadings,
  systemClock,
} from '@arcbox/perf-linux';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasQemu, type PausedQemu, startPausedQemu } from '../test-support/paused-qemu.js';
import { createVmRecorder, replayVms } from './recorded-vms.js';

const onLinux = process.platform === 'linux';
const signal = new AbortController().signal;

/** VM metrics of each consecutive pair, through a series tracker as the monitor keeps one. */
function metricsOf(readings: VmReading[][]): VmMetrics[][] {
  const series = createSeriesTracker<VmReading, VmMetrics>((r) => r.id, computeVmMetrics);
  series.update(readings[0] ?? []);
  return readings.slice(1).map((r) => series.update(r));
}

describe.skipIf(!onLinux || !hasQemu)(
  'VM readings recorded from a real QEMU replay to the live figures (paused QEMU; needs Debian qemu-system-x86)',
  () => {
    let dir = '';
    let qemu: PausedQemu | undefined;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-vm-replay-'));
      await mkdir(join(dir, 'vms'));
      qemu = await startPausedQemu(join(dir, 'vms', 'live-vm.qmp'), 'arcbox-live-vm');
    });
    afterAll(async () => {
      await qemu?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('replayed VmMetrics equal those computed from the live readings', async () => {
      const rec = join(dir, 'rec');
      const recorder = await createVmRecorder({ vmDir: join(dir, 'vms') });
      const live: VmReading[][] = [];
      let stamp = systemClock();
      try {
        await recordLinuxReadings({
          dir: rec,
          count: 3,
          intervalMs: 150,
          signal,
          clock: () => {
            stamp = systemClock();
            return stamp;
          },
          extra: async (reader, { index }) => {
            live.push(await recorder.record(reader, readingDir(rec, index), stamp, signal));
          },
        });
        await recorder.writeManifest(rec);
      } finally {
        recorder.close();
      }
      expect(live.map((r) => r.map((v) => v.id))).toEqual([['live-vm'], ['live-vm'], ['live-vm']]);
      expect(live[0]![0]!.problems).toEqual([]);

      const system = await replayLinuxReadings(rec, { signal });
      const replayed = await replayVms(rec, system, signal);
      expect(replayed).toEqual(live);
      const metrics = metricsOf(replayed);
      expect(metrics).toEqual(metricsOf(live));
      expect(metrics[1]![0]).toMatchObject({
        id: 'live-vm',
        name: 'arcbox-live-vm',
        pid: qemu?.pid,
        memoryTotal: 128 * 2 ** 20,
      });
      expect(metrics[1]![0]!.vcpus).toHaveLength(2);
    });

    it('a recording without qmp/ gives no VMs', async () => {
      const rec = join(dir, 'plain');
      await recordLinuxReadings({ dir: rec, count: 2, intervalMs: 0, signal });
      const system = await replayLinuxReadings(rec, { signal });
      expect(await replayVms(rec, system, signal)).toEqual([[], []]);
    });
  },
);
