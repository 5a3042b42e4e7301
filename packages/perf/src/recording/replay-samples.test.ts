import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSources } from '../config/resolve-sources.js';
import { openRecording } from './open-recording.js';
import { recordSamples } from './record-samples.js';
import { type ReplayedSample, type ReplaySamplesOptions, replaySamples } from './replay-samples.js';

const fixtures = fileURLToPath(new URL('../../__fixtures__/', import.meta.url));
// perf-darwin's assembled Apple Silicon recording: reading 2 = reading 1 plus stated deltas over
// 2 s (see its PROVENANCE.md).
const darwinRecording = fileURLToPath(
  new URL('../../../darwin/__fixtures__/recordings/apple-silicon-2', import.meta.url),
);
const base = mkdtempSync(join(tmpdir(), 'arcbox-replay-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The CLI-made recording (see __fixtures__/PROVENANCE.md), unpacked afresh as `name`. */
function cliRecording(name: string): string {
  const into = join(base, name);
  execFileSync('mkdir', ['-p', into]);
  execFileSync('tar', ['-xzf', join(fixtures, 'cli-recording-linux.tgz'), '-C', into]);
  return join(into, 'cli-recording-linux');
}

async function replay(dir: string, options: ReplaySamplesOptions = {}): Promise<ReplayedSample[]> {
  const out: ReplayedSample[] = [];
  for await (const s of replaySamples(dir, { alerts: false, ...options })) out.push(s);
  return out;
}

async function failure(run: () => Promise<unknown>): Promise<PerfError> {
  try {
    await run();
  } catch (error) {
    if (PerfError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('replaySamples of recordings made before this package', () => {
  const lifecycleNulls = Object.fromEntries(
    [
      'cpuThrottledPeriodsPerSecond',
      'cpuThrottledSecondsPerSecond',
      'memoryOomKills',
      'memoryOomKillsNew',
      'memoryOomEvents',
      'memoryLimitHits',
      'memoryLimitHitsPerSecond',
      'memoryHighEvents',
      'restarts',
      'restartsNew',
      'gpuMemoryBytes',
    ].map((k) => [k, null]),
  );

  it('replays the CLI-made recording (host, a cgroup, a QEMU VM) to the figures that CLI printed', async () => {
    const dir = cliRecording('old');
    const printed = readFileSync(join(fixtures, 'cli-recording-linux.replay.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const samples = await replay(dir);
    expect(samples).toHaveLength(printed.length);
    for (const [i, sample] of samples.entries()) {
      // Through JSON as the CLI printed them: the same figures, field for field.
      const now = JSON.parse(JSON.stringify(sample));
      expect(now.system).toEqual(printed[i].system);
      // The recording predates the lifecycle counters and gpuMemoryBytes: they replay as null,
      // the rest as printed.
      expect(now.containers).toEqual(
        printed[i].containers.map((c: object) => ({ ...c, ...lifecycleNulls })),
      );
      expect(now.vms).toEqual(printed[i].vms);
      expect(sample.errors).toEqual({});
    }
    const [sample] = samples;
    expect(sample!.pair.label).toBe('readings 0001 → 0002');
    expect(sample!.containers.map((c) => c.name)).toEqual(['arcbox-fixture']);
    expect(sample!.containers[0]!.cpuPercent).toBeGreaterThan(50);
    expect(sample!.vms.map((v) => [v.id, v.name, v.vcpus.length, v.memoryTotal])).toEqual([
      ['fixture-vm', 'fixture-vm', 2, 128 * 2 ** 20],
    ]);
    // It predates filesystems: none recorded, none replayed.
    expect(sample!.filesystems).toEqual([]);
  });

  it("replays a Mac's recording on any machine through the darwin collectors", async () => {
    const [sample, ...more] = await replay(darwinRecording);
    expect(more).toHaveLength(0);
    expect(sample!.system).toMatchObject({
      platform: 'darwin',
      intervalMs: 2000,
      cpuCount: 10,
      netRxBps: 1_000_000,
      netTxBps: 250_000,
      diskReadBps: 2_097_152,
    });
    expect(sample!.system!.cpuPerCore[0]).toEqual({ id: 0, percent: 75 });
    expect(sample!.timestamp).toBe(Date.parse('2024-05-07T12:00:02.000Z'));
  });
});

describe('replaySamples of hostile recordings: every path stays inside, every file is checked', () => {
  let host = '';
  beforeAll(async () => {
    if (process.platform !== 'linux') return;
    host = join(base, 'host');
    await recordSamples({
      dir: host,
      count: 2,
      intervalMs: 50,
      sources: resolveSources({ sources: { vms: { enabled: false } } }),
    });
  });
  let copies = 0;
  const copyOf = (dir: string) => {
    const to = join(base, `hostile-${++copies}`);
    cpSync(dir, to, { recursive: true });
    return to;
  };

  it('refuses `..` in containers.json, naming the file and the field, before reading anything', async () => {
    const dir = cliRecording('dotdot');
    writeFileSync(
      join(dir, 'containers.json'),
      JSON.stringify({ cgroupPaths: ['/../../../../../../../../etc'] }),
    );
    const error = await failure(() => replay(dir));
    expect([error.code, error.file, error.field]).toEqual([
      'PARSE_ERROR',
      join(dir, 'containers.json'),
      'cgroupPaths',
    ]);
    expect(error.message).toMatch(/not a cgroup path inside the recording: "\/\.\.\/\.\./);
  });

  it.runIf(process.platform === 'linux')('refuses `..` in sources.json the same way', async () => {
    const dir = copyOf(host);
    const sources = JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8'));
    sources.containers.cgroupPaths = ['/x/../../../../../../../etc'];
    writeFileSync(join(dir, 'sources.json'), JSON.stringify(sources));
    const error = await failure(() => replay(dir));
    expect([error.code, error.file, error.field]).toEqual([
      'PARSE_ERROR',
      join(dir, 'sources.json'),
      'containers.cgroupPaths',
    ]);
  });

  it('refuses a link to the live host instead of printing live values as recorded', async () => {
    const dir = cliRecording('link');
    const stat = join(dir, 'readings/0002/proc/stat');
    unlinkSync(stat);
    symlinkSync('/proc/stat', stat);
    const error = await failure(() => replay(dir));
    expect([error.code, error.file]).toEqual(['READ_ERROR', stat]);
    expect(error.message).toMatch(/recording file refused: it is a symbolic link/);
  });

  it('refuses a linked QMP reply, even where the VM source would take a failure as a problem', async () => {
    const dir = cliRecording('qmp-link');
    const reply = join(dir, 'readings/0001/qmp/fixture-vm/query-cpus-fast.json');
    unlinkSync(reply);
    symlinkSync('/etc/hostname', reply);
    const error = await failure(() => replay(dir));
    expect([error.code, error.file]).toEqual(['READ_ERROR', reply]);
  });

  it('refuses a FIFO without blocking on it, and /dev/zero without reading it', async () => {
    const dir = cliRecording('fifo');
    const meminfo = join(dir, 'readings/0001/proc/meminfo');
    unlinkSync(meminfo);
    execFileSync('mkfifo', [meminfo]);
    const started = performance.now();
    const error = await failure(() => replay(dir));
    expect(performance.now() - started).toBeLessThan(3000);
    expect([error.code, error.file]).toEqual(['READ_ERROR', meminfo]);
    expect(error.message).toMatch(/not a regular file \(a FIFO\)/);

    const zero = cliRecording('zero');
    const loadavg = join(zero, 'readings/0001/proc/loadavg');
    unlinkSync(loadavg);
    symlinkSync('/dev/zero', loadavg);
    expect((await failure(() => replay(zero))).file).toBe(loadavg);
  });

  it('refuses a file past the size cap, naming it', async () => {
    const dir = cliRecording('big');
    const diskstats = join(dir, 'readings/0002/proc/diskstats');
    const error = await failure(() => replay(dir, { limits: { maxFileBytes: 200 } }));
    expect(error.code).toBe('READ_ERROR');
    expect(error.message).toMatch(/larger than 200 bytes/);
    expect(error.file).toMatch(/readings\/0001\/proc\//);
    writeFileSync(diskstats, 'x'.repeat(64 * 1024));
    const one = await failure(() => replay(dir, { limits: { maxFileBytes: 32 * 1024 } }));
    expect([one.code, one.file]).toEqual(['READ_ERROR', diskstats]);
  });

  it.runIf(process.platform === 'linux')(
    'refuses a statfs.json that is a FIFO, and caps what one reading reads',
    async () => {
      const dir = copyOf(host);
      const statfs = join(dir, 'readings/0002/statfs.json');
      unlinkSync(statfs);
      execFileSync('mkfifo', [statfs]);
      const error = await failure(() => replay(dir));
      expect([error.code, error.file]).toEqual(['READ_ERROR', statfs]);

      const few = await failure(() => replay(host, { limits: { maxFilesPerReading: 3 } }));
      expect(few.message).toMatch(/more than 3 files read for one reading/);
    },
  );

  it('refuses a reading count no replay should loop through, and a reading folder that is a link', async () => {
    const dir = cliRecording('count');
    writeFileSync(join(dir, 'recording.json'), '{"platform":"linux","readings":1000000000}');
    const error = await failure(() => replay(dir));
    expect([error.code, error.file, error.field]).toEqual([
      'PARSE_ERROR',
      join(dir, 'recording.json'),
      'readings',
    ]);

    const linked = cliRecording('linked-reading');
    const second = join(linked, 'readings/0002');
    rmSync(second, { recursive: true });
    symlinkSync(join(linked, 'readings/0001'), second);
    const refused = await failure(() => replay(linked));
    expect([refused.code, refused.file]).toEqual(['READ_ERROR', second]);
  });

  it('opens a recording and selects readings by index; a reading out of range is named', async () => {
    const dir = cliRecording('open');
    await using recording = await openRecording(dir);
    expect([recording.platform, recording.readings, recording.sources.kinds]).toEqual([
      'linux',
      2,
      ['system', 'containers', 'vms'],
    ]);
    const stamp = await recording.select(2);
    expect(recording.current).toBe(2);
    expect(stamp.time).toBe(
      Date.parse(JSON.parse(readFileSync(join(dir, 'readings/0002/reading.json'), 'utf8')).time),
    );
    const vms = await recording.collectors.vms!.collect({ signal: new AbortController().signal });
    expect(vms.map((v) => [v.id, v.monotonicMs])).toEqual([['fixture-vm', stamp.monotonicMs]]);
    const error = await failure(() => recording.select(3));
    expect(error.message).toMatch(/no reading 3: the recording has 2/);
  });
});
