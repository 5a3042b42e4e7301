import {
  type ContainerReading,
  computeContainerMetrics,
  computeSystemMetrics,
  createKindRegistry,
  defaultKinds,
  type SystemReading,
} from '@arcbox/perf-core';
import { kindFamilies, sampleName } from '@arcbox/perf-export';
import { createHistoryStore } from '@arcbox/perf-history';
import { describe, expect, it } from 'vitest';
import { decodeWriteRequest } from './decode-write-request.js';
import { createHistoryCatchUp } from './history-catch-up.js';
import type { RemoteSeries } from './write-request.js';

// Constructed readings (not recordings): counters grow by k each round, so rates are known.
const T0 = 1_800_000_000_000;
const cpuTimes = (k: number) => ({
  user: 10 * k,
  nice: 1,
  system: 5 * k,
  idle: 100 * k,
  iowait: 2,
  irq: 0.5,
  softirq: 0.25,
  steal: 0,
  guest: 0,
  guestNice: 0,
});
function systemReading(k: number): SystemReading {
  return {
    platform: 'linux',
    monotonicMs: k * 1000,
    time: T0 + k * 1000 + 3,
    cpuCount: 1,
    cpu: { total: cpuTimes(k), cores: [{ id: 0, times: cpuTimes(k) }] },
    memory: {
      total: 8 * 2 ** 30,
      available: 6 * 2 ** 30 - k * 4096,
      used: 2 * 2 ** 30 + k * 4096,
      free: 4 * 2 ** 30,
      cached: 2 ** 30,
      buffers: 2 ** 20,
      shared: 2 ** 20,
      swapTotal: 0,
      swapFree: 0,
      swapUsed: 0,
      app: null,
      wired: null,
      compressed: null,
      availableEstimated: false,
      missing: [],
    },
    disks: [],
    interfaces: [],
    load: { load1: k / 10, load5: 0.25, load15: 0.125 },
    pressure: null,
    problems: [],
  };
}
function containerReading(id: string, k: number): ContainerReading {
  return {
    id,
    name: `app-${id}`,
    runtime: 'cgroup',
    source: 'cgroup',
    cgroupPath: `/arcbox/${id}`,
    labels: {},
    monotonicMs: k * 1000,
    time: T0 + k * 1000 + 5,
    cpuSeconds: 1.5 * k,
    systemCpuSeconds: null,
    cpuPeriods: null,
    cpuThrottledPeriods: null,
    cpuThrottledSeconds: null,
    cpuLimitCores: null,
    hostCpuCount: 1,
    hostMemoryTotal: 8 * 2 ** 30,
    memoryUsage: 2 ** 20 * k,
    memoryWorkingSet: 2 ** 19 * k,
    memoryLimit: null,
    blockReadBytes: 100 * k,
    blockWriteBytes: 200 * k,
    blockReadOps: k,
    blockWriteOps: k,
    interfaces: null,
    pids: 3,
    pidsLimit: null,
    problems: [],
  };
}

const kinds = createKindRegistry(defaultKinds());

/** Ten rounds at 1 s: the host and container a; container b ends after round 4. */
function rounds(maxAgeMs = 3_600_000) {
  const history = createHistoryStore({ kinds, sampleIntervalMs: 1000, maxAgeMs });
  const samples = [];
  for (let k = 1; k <= 10; k++) {
    const sample = {
      system: computeSystemMetrics(systemReading(k - 1), systemReading(k)),
      containers: ['a', ...(k <= 4 ? ['b'] : [])].map((id) =>
        computeContainerMetrics(containerReading(id, k - 1), containerReading(id, k)),
      ),
    };
    history.appendSample(sample);
    samples.push(sample);
  }
  return { history, samples };
}

/** A catch-up over `history` at 1 s, its labels from the last of `samples`. */
function catchUpOver(
  { history, samples }: ReturnType<typeof rounds>,
  maxBatchSamples: number,
  log: (line: string) => void = () => {},
) {
  return createHistoryCatchUp({
    history,
    kinds,
    latest: () => samples.at(-1)!,
    intervalMs: 1000,
    maxBatchSamples,
    log,
  });
}

const key = (s: RemoteSeries) =>
  s.labels
    .filter((l) => l.name !== 'instance')
    .map((l) => `${l.name}=${l.value}`)
    .join(',');

async function collect(iterable: AsyncIterable<{ bytes: Buffer; samples: number; ackMs: number }>) {
  const batches = [];
  for await (const b of iterable) batches.push({ ...b, series: decodeWriteRequest(b.bytes) });
  return batches;
}

describe('createHistoryCatchUp', () => {
  it('rebuilds the missed rounds oldest first, with the live names, labels and values of every stored field', async () => {
    const { history, samples } = rounds();
    const log: string[] = [];
    const catchUp = createHistoryCatchUp({
      history,
      kinds,
      latest: () => samples.at(-1)!,
      externalLabels: { instance: 'h1' },
      intervalMs: 1000,
      maxBatchSamples: 50,
      log: (l) => log.push(l),
    });
    // Round 2 acknowledged, round 8 is the queue's first: rounds 3..7 are missing.
    const batches = await collect(catchUp.batches(T0 + 2000, T0 + 8000, AbortSignal.timeout(5000)));
    const sent = batches.flatMap((b) => b.series);
    const times = [...new Set(sent.map((s) => s.samples[0]!.timestampMs))];
    expect(times).toEqual(
      [3, 3, 4, 4, 5, 5, 6, 6, 7, 7].map((k, i) => T0 + k * 1000 + (i % 2 ? 5 : 3)),
    );
    // Whole rounds per batch, each acknowledging its last round's first row.
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.at(-1)!.ackMs).toBe(T0 + 7003);
    for (const b of batches) expect(b.samples).toBe(b.series.length);
    // Each caught-up sample equals what the live exporter gives for that round's metrics.
    for (const k of [3, 4, 5, 6, 7]) {
      const live = new Map<string, number>();
      for (const f of kindFamilies(kinds, samples[k - 1]!))
        for (const s of f.samples)
          live.set(
            [`__name__=${sampleName(f)}`, ...Object.entries(s.labels).map(([n, v]) => `${n}=${v}`)]
              .sort()
              .join(','),
            s.value,
          );
      const mine = sent.filter((s) => Math.abs(s.samples[0]!.timestampMs - (T0 + k * 1000)) < 10);
      expect(mine.length).toBeGreaterThan(20);
      for (const s of mine) {
        expect(s.labels.find((l) => l.name === 'instance')?.value).toBe('h1');
        const id = key(s).split(',').sort().join(',');
        // History keeps Float32 values: a figure comes back as exact as history answers it.
        const want = live.get(id)!;
        expect(Math.abs(s.samples[0]!.value - want), id).toBeLessThanOrEqual(Math.abs(want) * 1e-7);
      }
    }
    const names = new Set(sent.map((s) => s.labels[0]!.value));
    expect(names).toContain('arcbox_perf_memory_used_bytes');
    expect(names).toContain('arcbox_perf_container_memory_working_set_bytes');
    // Counters history does not keep are not made up.
    expect(names).not.toContain('arcbox_perf_cpu_seconds_total');
    // Container b ended before the latest round: its labels are unknown, it is left out.
    expect(sent.some((s) => s.labels.some((l) => l.value === 'b'))).toBe(false);
    expect(log).toEqual([expect.stringMatching(/1 series ended .*\(container:b\).*not sent/)]);
  });

  it('sends nothing older than history keeps raw, saying so in one line', async () => {
    const loaded = rounds(4500);
    const log: string[] = [];
    const catchUp = catchUpOver(loaded, 10_000, (l) => log.push(l));
    const batches = await collect(catchUp.batches(T0, T0 + 10_000, AbortSignal.timeout(5000)));
    const times = new Set(batches.flatMap((b) => b.series.map((s) => s.samples[0]!.timestampMs)));
    expect(Math.min(...times)).toBe(T0 + 7003);
    expect(batches).toHaveLength(1);
    expect(
      log.filter((l) => /older than history keeps raw samples \(4.5 s\): not sent, a gap/.test(l)),
    ).toHaveLength(1);
  });

  it("sends a restarted agent's first round that came within half an interval of the last one", async () => {
    const loaded = rounds();
    // The agent restarted 417 ms after round 10: its first round's rows are at T0 + 10_420 (the
    // host) and + 10_422 (container a), within half an interval of round 10's.
    const k = 10.417;
    loaded.history.appendSample({
      system: computeSystemMetrics(systemReading(10), systemReading(k)),
      containers: [computeContainerMetrics(containerReading('a', 10), containerReading('a', k))],
    });
    const catchUp = catchUpOver(loaded, 10_000);
    const signal = AbortSignal.timeout(5000);
    const timesOf = (batches: Awaited<ReturnType<typeof collect>>) =>
      [...new Set(batches.flatMap((b) => b.series.map((s) => s.samples[0]!.timestampMs)))].sort();
    // Up to the new agent's first live round (its start, T0 + 10_417), queued, not caught up.
    const first = await collect(catchUp.batches(T0 + 2003, T0 + 10_417, signal));
    expect(timesOf(first).at(-1)).toBe(T0 + 10_005);
    // That round then dropped by the queue, or the agent stopped before sending it: the next
    // catch-up starts from the acknowledged time and must still send it, and nothing twice.
    const ack = first.at(-1)!.ackMs;
    expect(timesOf(await collect(catchUp.batches(ack, T0 + 20_000, signal)))).toEqual([
      T0 + 10_420,
      T0 + 10_422,
    ]);
    // After a live round 10 acknowledged (its start): the rows of that round are skipped, and
    // the dropped round's are sent when the queue says where they start.
    expect(await collect(catchUp.batches(T0 + 10_000, T0 + 20_000, signal))).toEqual([]);
    expect(
      timesOf(await collect(catchUp.batches(T0 + 10_000, T0 + 20_000, signal, T0 + 10_417))),
    ).toEqual([T0 + 10_420, T0 + 10_422]);
  });

  it('stops between windows when its signal aborts', async () => {
    const loaded = rounds();
    const catchUp = catchUpOver(loaded, 100);
    const batches = await collect(catchUp.batches(T0, T0 + 10_000, AbortSignal.abort()));
    expect(batches).toEqual([]);
  });
});
