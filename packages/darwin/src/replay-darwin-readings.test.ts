import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSystemMetrics, PerfError } from '@arcbox/perf-core';
import { afterEach, describe, expect, it } from 'vitest';
import { replayDarwinReadings } from './replay-darwin-readings.js';
import { fixturesDir } from './test-support.js';

// A recording assembled from real macOS outputs (M1 Pro vm_stat and sysctl lines, a Yosemite
// netstat) plus constructed ioreg and os.cpus(); reading 2 adds known deltas 2 s later.
// See __fixtures__/recordings/apple-silicon-2/PROVENANCE.md.
const recording = join(fixturesDir, 'recordings', 'apple-silicon-2');

describe('replayDarwinReadings end to end on Linux', () => {
  it('gives the metrics a Mac would: memory, disks, interfaces, CPU counters', async () => {
    const [first] = await replayDarwinReadings(recording);
    const m = computeSystemMetrics(null, first!);
    expect(m.platform).toBe('darwin');
    expect(m.timestamp).toBe(Date.parse('2024-05-07T12:00:00.000Z'));
    expect(m.cpuCount).toBe(10);
    expect(m.cpuPercent).toBeNull();
    expect(m.cpuTimes).toMatchObject({ user: 10045, system: 5022.5, idle: 80135, nice: 0, irq: 0 });
    expect(m.memoryTotal).toBe(34359738368);
    expect(m.memoryUsed).toBe((912210 - 19224 + 165932 + 424276) * 16384);
    expect(m.memoryAvailable).toBe(34359738368 - 24300650496);
    expect(m.memoryApp).toBe((912210 - 19224) * 16384);
    expect(m.memoryWired).toBe(165932 * 16384);
    expect(m.memoryCompressed).toBe(424276 * 16384);
    expect(m.memoryCached).toBe((546992 + 19224) * 16384);
    expect(m.memoryPercent).toBeCloseTo((100 * 24300650496) / 34359738368, 10);
    expect([m.swapTotal, m.memoryPressureLevel]).toEqual([null, null]);
    expect(m.diskReadBytes).toBe(215731134464 + 19145728 + 0);
    expect(m.diskWriteBytes).toBe(143358681088 + 868352 + 0);
    // Loopback and virtual interfaces stay out of the totals.
    expect(m.netRxBytes).toBe(7295722068);
    expect(m.netTxBytes).toBe(379533492);
    expect(m.interfaces.map((i) => i.name)).toEqual(['lo0', 'gif0', 'stf0', 'en0']);
    expect([m.load1, m.load5, m.load15]).toEqual([1.28, 1.18, 1.13]);
    expect([m.netRxBps, m.diskReadBps]).toEqual([null, null]);
  });

  it('two readings with a known delta give the right rates', async () => {
    const [a, b] = await replayDarwinReadings(recording);
    const m = computeSystemMetrics(a, b!);
    expect(m.intervalMs).toBe(2000);
    // CPU: 8250 ms busy of 20000 ms over 10 cores; core 0 busy 1500 of 2000 ms.
    expect(m.cpuPercent).toBeCloseTo(41.25, 9);
    expect(m.cpuUser).toBeCloseTo(27.5, 9);
    expect(m.cpuSystem).toBeCloseTo(13.75, 9);
    expect(m.cpuIdle).toBeCloseTo(58.75, 9);
    expect(m.cpuPerCore[0]?.percent).toBeCloseTo(75, 9);
    expect(m.cpuPerCore[9]?.percent).toBeCloseTo(37.5, 9);
    // Network: en0 +2000000 / +500000 bytes, +1500 / +1000 packets in 2 s; lo0 not counted.
    expect([m.netRxBps, m.netTxBps, m.netRxPps, m.netTxPps]).toEqual([
      1_000_000, 250_000, 750, 500,
    ]);
    expect(m.interfaces.find((i) => i.name === 'lo0')?.rxBps).toBe(500_000);
    // Disk: disk0 +4 MiB read, +1 MiB written, +100 / +50 operations.
    expect([m.diskReadBps, m.diskWriteBps, m.diskReadIops, m.diskWriteIops]).toEqual([
      2097152, 524288, 50, 25,
    ]);
    expect(m.diskTotalBps).toBe(2621440);
    expect(m.disks.find((d) => d.name === 'disk4')?.readBps).toBe(0);
  });
});

describe('replayDarwinReadings on a damaged recording', () => {
  let dir = '';
  const copy = () => {
    dir = mkdtempSync(join(tmpdir(), 'arcbox-darwin-replay-'));
    cpSync(recording, dir, { recursive: true });
    return dir;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a command file missing replays as the command missing: that part null, the rest reports', async () => {
    const d = copy();
    rmSync(join(d, 'readings/0002/commands/netstat.txt'));
    const [, b] = await replayDarwinReadings(d);
    expect(b!.interfaces).toBeNull();
    expect(b!.problems.find((p) => p.source === 'netstat')?.message).toMatch(
      /^netstat was not recorded \(.*netstat.txt\)$/,
    );
    expect(b!.memory?.total).toBe(34359738368);
  });

  it('stops with ABORTED when the signal is aborted', async () => {
    const error = await replayDarwinReadings(recording, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect(PerfError.isInstance(error) && error.code).toBe('ABORTED');
  });

  it('names the missing reading.json', async () => {
    const d = copy();
    rmSync(join(d, 'readings/0002/reading.json'));
    const error = await replayDarwinReadings(d).catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.code).toBe('MISSING_FILE');
    expect(PerfError.isInstance(error) && error.file).toBe(join(d, 'readings/0002/reading.json'));
  });

  it('reads every file through the reader it is given: a refusal ends the replay, naming the file', async () => {
    const asked: string[] = [];
    const refused = join(recording, 'readings/0001/os/cpus.json');
    const error = await replayDarwinReadings(recording, {
      read: async (file) => {
        asked.push(file.slice(recording.length + 1));
        if (file === refused)
          throw new PerfError('READ_ERROR', 'recording file refused: it is a FIFO', { file });
        return readFileSync(file, 'utf8');
      },
    }).catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && [error.code, error.file]).toEqual([
      'READ_ERROR',
      refused,
    ]);
    expect(asked).toEqual([
      'recording.json',
      'readings/0001/reading.json',
      'readings/0001/os/cpus.json',
    ]);
  });

  it('refuses node:os values of the wrong shape, naming the file', async () => {
    const d = copy();
    writeFileSync(join(d, 'readings/0001/os/loadavg.json'), '[1, 2, 3, 4]');
    const error = await replayDarwinReadings(d).catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && [error.code, error.file]).toEqual([
      'PARSE_ERROR',
      join(d, 'readings/0001/os/loadavg.json'),
    ]);
  });

  it('refuses a linux recording and a bad stamp', async () => {
    const d = copy();
    writeFileSync(join(d, 'recording.json'), '{"platform":"linux","readings":2}');
    const error = await replayDarwinReadings(d).catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.field).toBe('platform');
    writeFileSync(join(d, 'recording.json'), '{"platform":"darwin","readings":1}');
    writeFileSync(join(d, 'readings/0001/reading.json'), '{"monotonicMs":1,"time":"yesterday"}');
    const bad = await replayDarwinReadings(d).catch((e: unknown) => e);
    expect(PerfError.isInstance(bad) && bad.field).toBe('time');
  });
});

describe('replayDarwinReadings without ioreg (assembled Intel recording)', () => {
  it('falls back to iostat totals in the same reading: total bytes, no split; swap from sysctl', async () => {
    const [r] = await replayDarwinReadings(join(fixturesDir, 'recordings', 'intel-iostat-1'));
    const m = computeSystemMetrics(null, r!);
    expect(m.memoryTotal).toBe(17179869184);
    expect(m.memoryUsed).toBe((2996150 - 383371 + 446975 + 0) * 4096);
    expect(m.memoryCached).toBe((677870 + 383371) * 4096);
    expect([m.swapTotal, m.swapUsed, m.swapFree]).toEqual([
      3072 * 1048576,
      2513.5 * 1048576,
      558.5 * 1048576,
    ]);
    expect(r!.disks?.map((d) => [d.name, d.totalBytes, d.readBytes, d.writeBytes])).toEqual([
      ['disk0', Math.round(361470.25 * 1048576), null, null],
      ['disk4', Math.round(21.13 * 1048576), null, null],
    ]);
    expect([m.diskReadBytes, m.diskWriteBytes]).toEqual([null, null]);
    expect(m.netRxBytes).toBe(18096041919);
    expect(m.netTxBytes).toBe(8602191509);
    expect(m.interfaces.map((i) => [i.name, i.countedInTotal])).toEqual([
      ['lo0', false],
      ['gif0', false],
      ['stf0', false],
      ['en0', true],
      ['en1', true],
      ['en2', true],
    ]);
    expect(m.cpuCount).toBe(8);
    expect(m.load1).toBe(2.57);
    expect(r!.problems.map((p) => p.source)).toEqual(['sysctl', 'ioreg']);
  });
});
