import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSources } from '../config/resolve-sources.js';
import type { PerfSample } from '../perf-monitor.js';
import { recordSamples } from './record-samples.js';
import { replaySamples } from './replay-samples.js';

const onLinux = process.platform === 'linux';
const base = mkdtempSync(join(tmpdir(), 'arcbox-record-samples-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
// The host, its processes and filesystems: nothing here runs containers or VMs.
const hostOnly = () =>
  resolveSources({ sources: { containers: { enabled: false }, vms: { enabled: false } } });

async function failure(run: () => Promise<unknown>): Promise<PerfError> {
  try {
    await run();
  } catch (error) {
    if (PerfError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('recordSamples: what it refuses', () => {
  it('refuses fewer than 2 readings: a replay computes its figures from pairs', async () => {
    for (const count of [0, 1, 1.5, Number.NaN, 100_001]) {
      const error = await failure(() =>
        recordSamples({ dir: join(base, 'never'), count, intervalMs: 0 }),
      );
      expect([error.code, error.field]).toEqual(['INVALID_ARGUMENT', 'count']);
      expect(error.message).toMatch(/from 2 to 100000/);
    }
    expect(existsSync(join(base, 'never'))).toBe(false);
  });

  it.runIf(onLinux)(
    'refuses to record over a recording unless forced; force replaces only its own entries',
    async () => {
      const dir = join(base, 'again');
      await recordSamples({ dir, count: 3, intervalMs: 0, sources: hostOnly() });
      writeFileSync(join(dir, 'NOTES.txt'), 'the bug report\n');
      const error = await failure(() =>
        recordSamples({ dir, count: 2, intervalMs: 0, sources: hostOnly() }),
      );
      expect([error.code, error.file]).toEqual(['INVALID_ARGUMENT', dir]);
      expect(error.message).toMatch(
        /already holds a recording \(recording\.json, readings, sources\.json\)/,
      );
      expect(error.message).toMatch(/--force/);
      expect(readdirSync(join(dir, 'readings'))).toHaveLength(3);

      await recordSamples({ dir, count: 2, intervalMs: 0, sources: hostOnly(), force: true });
      expect(readdirSync(join(dir, 'readings')).sort()).toEqual(['0001', '0002']);
      expect(JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8')).readings).toBe(2);
      expect(readFileSync(join(dir, 'NOTES.txt'), 'utf8')).toBe('the bug report\n');
    },
  );

  it('records into an empty or new folder, and fails at once where none can be made', async () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    const file = join(base, 'a-file');
    writeFileSync(file, '');
    expect(
      (await failure(() => recordSamples({ dir: file, count: 2, intervalMs: 0 }))).message,
    ).toMatch(/not a folder/);
    expect(
      (await failure(() => recordSamples({ dir: join(file, 'sub'), count: 2, intervalMs: 0 })))
        .message,
    ).toMatch(/not a folder/);
    if (!onLinux) return;
    // Node's recursive mkdir never returns under /proc; the folders are made one at a time.
    const started = performance.now();
    const error = await failure(() =>
      recordSamples({ dir: '/proc/arcbox-nope/rec', count: 2, intervalMs: 0 }),
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect([error.code, error.file]).toEqual(['INVALID_ARGUMENT', '/proc/arcbox-nope']);
    expect(error.message).toMatch(/^cannot create the recording folder: no such file or directory/);
    await recordSamples({ dir: empty, count: 2, intervalMs: 0, sources: hostOnly() });
    expect(readdirSync(empty).sort()).toEqual(['readings', 'recording.json', 'sources.json']);
  });
});

describe.runIf(onLinux)('recordSamples -> replaySamples on this host', () => {
  it('writes the documented layout', async () => {
    const dir = join(base, 'layout');
    const summary = await recordSamples({ dir, count: 2, intervalMs: 50, sources: hostOnly() });
    expect(summary).toMatchObject({
      dir,
      platform: 'linux',
      readings: 2,
      kinds: ['system', 'processes', 'filesystems'],
      errors: {},
    });
    expect(JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8'))).toEqual({
      platform: 'linux',
      readings: 2,
    });
    const sources = JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8'));
    expect(sources).toMatchObject({
      version: 1,
      platform: 'linux',
      root: '/',
      kinds: ['system', 'processes', 'filesystems'],
      containers: null,
      vms: null,
      filesystems: { statfsTimeoutMs: 1900 },
    });
    for (const reading of ['0001', '0002']) {
      const folder = join(dir, 'readings', reading);
      expect(readFileSync(join(folder, 'proc/stat'), 'utf8')).toMatch(/^cpu /);
      expect(readFileSync(join(folder, 'proc/self/mountinfo'), 'utf8')).toMatch(/ \/ \/ /);
      const statfs = JSON.parse(readFileSync(join(folder, 'statfs.json'), 'utf8'));
      expect(statfs['/'].result.blocks).toMatch(/^\d+$/);
      expect(JSON.parse(readFileSync(join(folder, 'reading.json'), 'utf8'))).toEqual({
        monotonicMs: expect.any(Number),
        time: expect.stringMatching(/Z$/),
      });
    }
  });

  it('a replay gives exactly the samples the recording computed live, pair by pair', async () => {
    const dir = join(base, 'same');
    const live: PerfSample[] = [];
    await recordSamples({
      dir,
      count: 3,
      intervalMs: 100,
      sources: hostOnly(),
      onSample: (sample) => live.push(sample),
    });
    expect(live).toHaveLength(3);
    expect(live[0]!.system?.cpuPercent).toBeNull();
    const replayed = await collect(replaySamples(dir, { alerts: false }));
    expect(replayed.map((s) => s.pair)).toEqual([
      { from: 1, to: 2, label: 'readings 0001 → 0002' },
      { from: 2, to: 3, label: 'readings 0002 → 0003' },
    ]);
    for (const [i, sample] of replayed.entries()) {
      const { pair: _, ...computed } = sample;
      expect(computed).toEqual(live[i + 1]);
    }
    expect(replayed[1]!.system!.cpuPercent).not.toBeNull();
    expect(replayed[1]!.system!.intervalMs).toBeGreaterThanOrEqual(90);
    expect(replayed[1]!.filesystems as unknown[]).not.toHaveLength(0);
    // Processes replay from the reading's /proc files: the kept top N, with rates.
    const processes = replayed[1]!.processes as Array<{ pid: number; cpuPercent: number | null }>;
    expect(processes.length).toBeGreaterThan(0);
    expect(processes.some((p) => p.cpuPercent !== null)).toBe(true);
  });

  it('an interrupted recording is a valid shorter one; one reading is no pair to replay', async () => {
    const dir = join(base, 'cut');
    const controller = new AbortController();
    const pending = recordSamples({
      dir,
      count: 5,
      intervalMs: 60_000,
      signal: controller.signal,
      sources: hostOnly(),
      onSample: () => controller.abort(),
    });
    expect((await failure(() => pending)).code).toBe('ABORTED');
    expect(JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8')).readings).toBe(1);
    const error = await failure(() => collect(replaySamples(dir)));
    expect([error.code, error.file]).toEqual(['INVALID_ARGUMENT', dir]);
    expect(error.message).toMatch(/a replay needs at least 2 readings, this recording has 1/);
  });
});
