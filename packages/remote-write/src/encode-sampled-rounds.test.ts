import {
  collectFamilies,
  createFamily,
  type SampleWriter,
  writeFamilies,
} from '@arcbox/perf-export';
import { describe, expect, it } from 'vitest';
import { decodeWriteRequest } from './decode-write-request.js';
import { createFamiliesEncoder } from './encode-families.js';
import { encodeSampledRound, encodeSampledRounds } from './encode-sampled-rounds.js';
import { encodeWriteRequest } from './encode-write-request.js';
import { familiesToSeries } from './families-to-series.js';
import type { SampledRound } from './sampled-round.js';
import type { RemoteSeries } from './write-request.js';

const external = { instance: 'host-a' };

/**
 * A host's round shaped as the agent writes it: host families with per-CPU labels, and per
 * container a dozen families sharing one labels object, an info family with labels of its own,
 * values of every kind (fractions, counters past 2^32, 0, NaN, Infinity).
 */
function writeRound(writer: SampleWriter, r: number, ids: readonly string[]): void {
  const cpu = createFamily('arcbox_perf_cpu_seconds', 'counter', 'CPU time.', 'seconds');
  for (let c = 0; c < 4; c++)
    for (const mode of ['user', 'system', 'idle', 'iowait'])
      cpu.add({ cpu: String(c), mode }, 123_456.78 + r * 0.25 + c);
  const load = createFamily('arcbox_perf_load1', 'gauge', 'Load.');
  load.add({}, r % 3 === 0 ? Number.NaN : 0.5 + r);
  writeFamilies(writer, [cpu.family, load.family]);
  const shared = ids.map((id) => ({
    id: id.padEnd(64, '0'),
    name: `svc-${id}`,
    runtime: 'docker',
  }));
  const names = ['cpu_seconds', 'memory_bytes', 'memory_limit_bytes', 'pids', 'io_read_bytes'];
  for (const [f, name] of names.entries()) {
    writer.family({ name: `arcbox_perf_container_${name}`, help: 'h', type: 'gauge' });
    for (const [i, labels] of shared.entries()) {
      if (f === 3 && i % 7 === 0) continue; // a figure the source did not give
      const value = f === 2 && i % 5 === 0 ? Number.POSITIVE_INFINITY : 2 ** 40 * f + i + r / 3;
      writer.sample(labels, value);
    }
  }
  writer.family({ name: 'arcbox_perf_container_info', help: 'h', type: 'info' });
  for (const labels of shared) writer.sample({ ...labels, image: `img:${r % 2}` }, 1);
}

/** The rounds' samples, series by series in the order they first appear, as Prometheus stores them. */
function bySeries(requests: readonly Buffer[]): RemoteSeries[] {
  const out = new Map<string, RemoteSeries>();
  for (const bytes of requests) {
    for (const s of decodeWriteRequest(bytes)) {
      const key = JSON.stringify(s.labels);
      const known = out.get(key);
      if (known) known.samples.push(...s.samples);
      else out.set(key, { labels: s.labels, samples: [...s.samples] });
    }
  }
  return [...out.values()];
}

describe('encodeSampledRounds', () => {
  it('carries the samples of the rounds one by one, series by series, as they churn', () => {
    const sampler = createFamiliesEncoder(external);
    const rounds: SampledRound[] = [];
    const plain: Buffer[] = [];
    let ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
    for (let r = 0; r < 40; r++) {
      // Containers come and go: some rounds move every position, and after 20 rounds the
      // encoder's key cache is emptied while the same series live on.
      if (r % 4 === 1) ids = [`new${r}`, ...ids.slice(0, -1)];
      if (r === 20) ids = Array.from({ length: 400 }, (_, i) => `b${i}`);
      if (r === 21) ids = Array.from({ length: 100 }, (_, i) => `c${i}`);
      const t = 1_700_000_000_000 + r * 1000;
      const write = (w: SampleWriter) => writeRound(w, r, ids);
      const round = sampler.sampleWritten(write, t);
      rounds.push(round);
      // The plain path: each round on its own, as the families it writes encode.
      const expected = encodeWriteRequest(familiesToSeries(collectFamilies(write), t, external));
      expect(encodeSampledRound(round).equals(expected), `round ${r}`).toBe(true);
      plain.push(expected);
    }
    // Requests of 10 rounds (the agent's default), of 1, and one of every round.
    for (const size of [10, 1, 40]) {
      const requests: Buffer[] = [];
      for (let r = 0; r < rounds.length; r += size)
        requests.push(encodeSampledRounds(rounds.slice(r, r + size)));
      const grouped = requests.flatMap((b) => decodeWriteRequest(b));
      expect(bySeries(requests), `requests of ${size}`).toEqual(bySeries(plain));
      // Within a request no series comes twice.
      const perRequest = requests.map((b) =>
        decodeWriteRequest(b).map((s) => JSON.stringify(s.labels)),
      );
      for (const keys of perRequest) expect(new Set(keys).size).toBe(keys.length);
      expect(grouped.reduce((n, s) => n + s.samples.length, 0)).toBe(
        rounds.reduce((n, r) => n + r.values.length, 0),
      );
    }
    // One round alone is byte for byte the round's request.
    expect(encodeSampledRounds(rounds.slice(3, 4)).equals(plain[3]!)).toBe(true);
  });

  it('keeps one series whose labels sit in two buffers of the same bytes', () => {
    const a = Buffer.from([0x0a, 0x0c, 0x0a, 0x08, ...Buffer.from('__name__'), 0x12, 0x00]);
    const b = Buffer.from(a);
    const bytes = encodeSampledRounds([
      { labels: [a], values: Float64Array.of(1), timeMs: 1000 },
      { labels: [b], values: Float64Array.of(2), timeMs: 2000 },
    ]);
    expect(decodeWriteRequest(bytes)).toEqual([
      {
        labels: [{ name: '__name__', value: '' }],
        samples: [
          { value: 1, timestampMs: 1000 },
          { value: 2, timestampMs: 2000 },
        ],
      },
    ]);
  });

  it('refuses a timestamp that is not whole non-negative milliseconds', () => {
    const round = { labels: [], values: new Float64Array(0), timeMs: -1 };
    expect(() => encodeSampledRounds([round])).toThrow(/whole non-negative/);
    expect(() => encodeSampledRound({ ...round, timeMs: 1.5 })).toThrow(/whole non-negative/);
  });
});
