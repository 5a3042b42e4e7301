import type { SampledRound } from './sampled-round.js';
import {
  checkTimestamp,
  SAMPLE,
  SAMPLE_TIMESTAMP,
  SAMPLE_VALUE,
  TIMESERIES,
  varintLength,
} from './write-request-wire.js';

/**
 * One WriteRequest of several rounds with one TimeSeries per series, its samples in round order:
 * the same series, labels, values and timestamps as the rounds' requests end to end
 * (`encodeSampledRound` of each), but each series' labels (some 110 of a sample's 130 bytes)
 * written once per request instead of once per round, so a request of ten rounds is about a
 * fifth of the bytes to build and compress. Rounds must come oldest first. A series is known
 * by its labels buffer (the encoder keeps one per series) and, where two buffers hold the same
 * bytes (the encoder's key cache was emptied between two rounds), by their content.
 */
export function encodeSampledRounds(rounds: readonly SampledRound[]): Buffer {
  for (const r of rounds) checkTimestamp(r.timeMs);
  const byBuffer = new Map<Uint8Array, number>();
  // Labels by content, made only when a round brings a buffer the request's first round did not
  // have: a new series, or one the encoder encoded again. Rounds of the same series (the usual
  // request) never hash their labels' bytes.
  let byContent: Map<string, number> | null = null;
  const contentOf = (l: Uint8Array) =>
    Buffer.from(l.buffer, l.byteOffset, l.byteLength).toString('latin1');
  const labels: Uint8Array[] = [];
  const sizes: number[] = [];
  // Each round's series, by position; a round sharing the last one's labels array (the
  // encoder's steady state) shares its series too, found without a lookup.
  const seriesOf: Int32Array[] = [];
  let last: readonly Uint8Array[] | null = null;
  let lastSeries = new Int32Array(0);
  for (const [k, r] of rounds.entries()) {
    if (r.labels !== last) {
      last = r.labels;
      lastSeries = new Int32Array(r.labels.length);
      for (let i = 0; i < r.labels.length; i++) {
        const l = r.labels[i]!;
        let s = byBuffer.get(l);
        if (s === undefined) {
          let key: string | null = null;
          if (k > 0) {
            if (byContent === null) {
              byContent = new Map();
              for (const [j, known] of labels.entries()) byContent.set(contentOf(known), j);
            }
            key = contentOf(l);
            s = byContent.get(key);
          }
          if (s === undefined) {
            s = labels.length;
            labels.push(l);
            sizes.push(l.byteLength);
            if (key !== null) byContent!.set(key, s);
          }
          byBuffer.set(l, s);
        }
        lastSeries[i] = s;
      }
    }
    seriesOf.push(lastSeries);
    // A Sample (at most 20 bytes) after its tag and one byte of length.
    const sample = 2 + 9 + 1 + varintLength(r.timeMs);
    for (let i = 0; i < lastSeries.length; i++) sizes[lastSeries[i]!]! += sample;
  }
  let total = 0;
  for (const size of sizes) total += 1 + varintLength(size) + size;
  const out = Buffer.allocUnsafe(total);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  // Each series' header and labels first; `next` is where its next sample goes.
  // Int32: a typed array indexed by a double falls off V8's fast path.
  const next = new Int32Array(labels.length);
  let at = 0;
  for (let s = 0; s < labels.length; s++) {
    const l = labels[s]!;
    out[at++] = TIMESERIES;
    at = writeVarint(out, at, sizes[s]!);
    out.set(l, at);
    next[s] = at + l.byteLength;
    at += sizes[s]!;
  }
  for (const [k, r] of rounds.entries()) {
    const series = seriesOf[k]!;
    // The round's timestamp, its tag first, as every one of its samples ends.
    const stamp = new Uint8Array(1 + varintLength(r.timeMs));
    stamp[0] = SAMPLE_TIMESTAMP;
    writeVarint(stamp, 1, r.timeMs);
    const sampleSize = 9 + stamp.length;
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      let p = next[s]!;
      out[p++] = SAMPLE;
      out[p++] = sampleSize;
      out[p++] = SAMPLE_VALUE;
      view.setFloat64(p, r.values[i]!, true);
      p += 8;
      for (let b = 0; b < stamp.length; b++) out[p++] = stamp[b]!;
      next[s] = p;
    }
  }
  return out;
}

/** One round's WriteRequest, one TimeSeries per sample: what `createFamiliesEncoder` gives. */
export function encodeSampledRound(round: SampledRound): Buffer {
  checkTimestamp(round.timeMs);
  const tsLength = varintLength(round.timeMs);
  const sampleSize = 9 + 1 + tsLength;
  let total = 0;
  for (const l of round.labels) {
    const size = l.byteLength + 2 + sampleSize;
    total += 1 + varintLength(size) + size;
  }
  const out = Buffer.allocUnsafe(total);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  for (let i = 0; i < round.labels.length; i++) {
    const l = round.labels[i]!;
    out[at++] = TIMESERIES;
    at = writeVarint(out, at, l.byteLength + 2 + sampleSize);
    out.set(l, at);
    at += l.byteLength;
    out[at++] = SAMPLE;
    out[at++] = sampleSize;
    out[at++] = SAMPLE_VALUE;
    view.setFloat64(at, round.values[i]!, true);
    at += 8;
    out[at++] = SAMPLE_TIMESTAMP;
    at = writeVarint(out, at, round.timeMs);
  }
  return out;
}

/** Writes `v` (a non-negative safe integer) as a protobuf varint at `at`; returns the next position. */
function writeVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 128) {
    out[at++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}
