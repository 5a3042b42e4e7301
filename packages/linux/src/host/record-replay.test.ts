import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeSystemMetrics } from '@arcbox/perf-core';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeHostTree } from './host-tree.test-support.js';
import { recordLinuxReadings } from './record-linux-readings.js';
import { readingDir } from './recording-layout.js';
import { replayLinuxReadings } from './replay-linux-readings.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = tempDir('rec');
  dirs.push(d);
  return d;
};

describe('record and replay', () => {
  it('records the live host and replays the very same readings', async () => {
    const dir = temp();
    const seen: number[] = [];
    const recorded = await recordLinuxReadings({
      dir,
      count: 3,
      intervalMs: 20,
      extra: async (reader, { index }) => {
        // What an extra collector reads lands in the same reading folder.
        expect(reader.read('proc/uptime')).not.toBeNull();
        seen.push(index);
      },
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8'))).toEqual({
      platform: 'linux',
      readings: 3,
    });
    const first = readingDir(dir, 1);
    expect(first.endsWith('readings/0001')).toBe(true);
    for (const f of [
      'proc/stat',
      'proc/meminfo',
      'proc/diskstats',
      'proc/net/dev',
      'proc/loadavg',
      'proc/uptime',
    ]) {
      expect(existsSync(join(first, f))).toBe(true);
    }
    // The sysfs folders consulted are recorded: the virtual loopback interface, whole disks.
    expect(existsSync(join(first, 'sys/devices/virtual/net/lo'))).toBe(true);
    for (const d of recorded[0]?.disks ?? []) {
      if (d.kind === 'disk') expect(existsSync(join(first, 'sys/block', d.name))).toBe(true);
    }
    const stamp = JSON.parse(readFileSync(join(first, 'reading.json'), 'utf8'));
    expect(new Date(stamp.time).toISOString()).toBe(stamp.time);

    const replayed = await replayLinuxReadings(dir);
    expect(replayed).toEqual(recorded);
    const metrics = computeSystemMetrics(replayed[0], replayed[1]!);
    expect(metrics.intervalMs).toBeGreaterThanOrEqual(20);
    expect(metrics.cpuPercent).not.toBeUndefined();
  });

  it('records under another root (a host mount), keeping the sysfs folders of partitions', async () => {
    const root = temp();
    writeHostTree(root, { 'proc/pressure/io': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=5\n' });
    const dir = temp();
    const recorded = await recordLinuxReadings({ dir, count: 1, intervalMs: 0, root });
    const folder = readingDir(dir, 1);
    for (const d of [
      'sys/block/sda',
      'sys/block/sda/sda1',
      'sys/block/nvme0n1/nvme0n1p1',
      'sys/devices/virtual/net/docker0',
    ]) {
      expect(existsSync(join(folder, d)), d).toBe(true);
    }
    expect(readFileSync(join(folder, 'proc/pressure/io'), 'utf8')).toContain('total=5');
    expect(existsSync(join(folder, 'proc/pressure/cpu'))).toBe(false);
    expect(await replayLinuxReadings(dir)).toEqual(recorded);
  });

  it('replays a folder built by hand from real captures, and computes rates from it', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'recording.json'), '{ "platform": "linux", "readings": 2 }');
    const stat0 =
      'cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\ncpu1 50 0 50 400 0 0 0 0 0 0\n';
    const stat1 =
      'cpu  200 0 200 1400 0 0 0 0 0 0\ncpu0 150 0 50 700 0 0 0 0 0 0\ncpu1 50 0 150 700 0 0 0 0 0 0\n';
    for (const [i, stat, ms] of [
      [1, stat0, 1000],
      [2, stat1, 5000],
    ] as const) {
      const folder = readingDir(dir, i);
      mkdirSync(folder, { recursive: true });
      writeHostTree(folder, { 'proc/stat': stat });
      writeFileSync(
        join(folder, 'reading.json'),
        JSON.stringify({
          monotonicMs: ms,
          time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        }),
      );
    }
    const [a, b] = await replayLinuxReadings(dir);
    expect(a?.time).toBe(Date.UTC(2026, 0, 1, 0, 0, 1));
    const m = computeSystemMetrics(a, b!);
    expect(m.intervalMs).toBe(4000);
    // busy 200 of 800 ticks
    expect(m.cpuPercent).toBe(25);
    expect(m.cpuPerCore.map((c) => c.percent)).toEqual([25, 25]);
    expect(m.diskWriteBps).toBe(0);
    expect(m.netRxBytes).toBe(68210035552 + 10437182923 + 0 + 57750104);
  });

  it('a missing required file in a replay is MISSING_FILE naming it', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'recording.json'), '{ "platform": "linux", "readings": 1 }');
    const folder = readingDir(dir, 1);
    mkdirSync(folder, { recursive: true });
    writeHostTree(folder, { 'proc/meminfo': null });
    writeFileSync(
      join(folder, 'reading.json'),
      '{ "monotonicMs": 1, "time": "2026-01-01T00:00:00Z" }',
    );
    await expect(replayLinuxReadings(dir)).rejects.toMatchObject({
      code: 'MISSING_FILE',
      file: join(folder, 'proc/meminfo'),
    });
  });

  it('rejects a bad manifest or stamp with the file and field', async () => {
    const dir = temp();
    await expect(replayLinuxReadings(dir)).rejects.toMatchObject({ code: 'MISSING_FILE' });
    writeFileSync(join(dir, 'recording.json'), '{ "platform": "darwin", "readings": 1 }');
    await expect(replayLinuxReadings(dir)).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      field: 'platform',
    });
    writeFileSync(join(dir, 'recording.json'), '{ "platform": "linux", "readings": 1 }');
    mkdirSync(readingDir(dir, 1), { recursive: true });
    writeFileSync(
      join(readingDir(dir, 1), 'reading.json'),
      '{ "monotonicMs": 1, "time": "yesterday" }',
    );
    await expect(replayLinuxReadings(dir)).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      field: 'time',
    });
  });

  it('stops recording when aborted and keeps what was recorded', async () => {
    const dir = temp();
    const controller = new AbortController();
    const run = recordLinuxReadings({
      dir,
      count: 100,
      intervalMs: 10_000,
      signal: controller.signal,
      extra: async () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect((await replayLinuxReadings(dir)).length).toBe(1);
    await expect(recordLinuxReadings({ dir, count: 0, intervalMs: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
