import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Collector, computeSystemMetrics, type SystemReading } from '@arcbox/perf-core';
import {
  createFileReader,
  createLinuxSystemCollector,
  readingDir,
  recordLinuxReadings,
  replayLinuxReadings,
} from '@arcbox/perf-linux';
import { describe, expect, it } from 'vitest';
import { createMonitor } from './perf-monitor.js';

const onLinux = process.platform === 'linux';

/** The Linux system collector reading recorded /proc and /sys trees, one folder per collection. */
function recordedSystem(dir: string, stamps: SystemReading[]): Collector<SystemReading> {
  let index = 0;
  return {
    name: 'system',
    async collect(options) {
      index += 1;
      const stamp = stamps[index - 1]!;
      const collector = createLinuxSystemCollector({
        reader: createFileReader({ root: readingDir(dir, index), keepOpen: false }),
        clock: () => ({ monotonicMs: stamp.monotonicMs, time: stamp.time }),
        cacheSysfs: false,
      });
      return collector.collect(options);
    },
  };
}

describe('PerfMonitor on a recording of this machine', () => {
  it.skipIf(!onLinux)(
    'replays a recorded /proc tree through the Linux collector into metrics and history',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'arcbox-monitor-rec-'));
      try {
        const live = await recordLinuxReadings({ dir, count: 3, intervalMs: 200 });
        const replayed = await replayLinuxReadings(dir);
        const monitor = createMonitor({
          collectors: { system: recordedSystem(dir, live) },
          alerts: false,
        });
        const samples = [await monitor.collect(), await monitor.collect(), await monitor.collect()];
        samples.forEach((sample, i) => {
          const want = computeSystemMetrics(replayed[i - 1] ?? null, replayed[i]!);
          expect(sample.errors).toEqual({});
          expect(sample.system?.cpuPercent).toBe(want.cpuPercent);
          expect(sample.system?.memoryUsed).toBe(want.memoryUsed);
          expect(sample.system?.timestamp).toBe(live[i]!.time);
        });
        expect(samples[0]!.system?.cpuPercent).toBeNull();
        expect(samples[2]!.system?.cpuPercent).not.toBeNull();
        const history = monitor.systemHistory({ fields: ['memoryTotal', 'load1'] });
        expect(history.timestamps).toEqual(live.map((r) => r.time));
        expect(history.values.memoryTotal).toEqual(
          replayed.map((r) => Math.fround(r.memory!.total)),
        );
        await monitor.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
