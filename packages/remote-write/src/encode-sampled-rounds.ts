import { PerfError } from '@arcbox/perf-core';
import type { SampledRound } from './sampled-round.js';

const TIMESERIES = 0x0a;
const SAMPLE = 0x12;
const SAMPLE_VALUE = 0x09;
const SAMPLE_TIMESTAMP = 0x10;

/**
 * One WriteRequest of several rounds with one TimeSeries per series, its samples in round order:
 * the same series, labels, values and timestamps as the rounds' requests end to end
 * (`encodeSampledRound` of each), but each series' labels (some 110 of a sample's 130 bytes)
 * written once per request instead of once per round, so a request of ten rounds is about a
 * quarter of the bytes to build and compress. Rounds must come oldest first. A series is known
 * by its labels buffer (the encoder keeps one per series) and, where two buffers hold the same
 * bytes (the encoder's key cache was emptied between two rounds), by their content.
 */
export function encodeSampledRounds(rounds: readonly SampledRound[]): Buffer {
  let count = 0;
  for (const r of rounds) {
    checkTimestamp(r.timeMs);
    count += r.labels.length;
  }
  const byBuffer = new Map<Uint8Array, number>();
  const byContent = new Map<string, number>();
  const labels: Uint8Array[] = [];
  const sizes: number[] = [];
  const seriesOf = new Int32Array(count);
  let k = 0;
  for (const r of rounds) {
    const sampleSize = 9 + 1 + varintLength(r.timeMs);
    for (const l of r.labels) {
      let s = byBuffer.get(l);
      if (s === undefined) {
        const key = Buffer.from(l.buffer, l.byteOffset, l.byteLength).toString('latin1');
        s = byContent.get(key);
        if (s === undefined) {
          s = labels.length;
          labels.push(l);
          sizes.push(l.byteLength);
          byContent.set(key, s);
        }
        byBuffer.set(l, s);
      }
      sizes[s]! += 2 + sampleSize; // at most 20 bytes: one varint byte of length
      seriesOf[k++] = s;
    }
  }
  let total = 0;
  for (const size of sizes) total += 1 + varintLength(size) + size;
  const out = Buffer.allocUnsafe(total);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  // Each series' header and labels first; `next` is where its next sample goes.
  const next = new Float64Array(labels.length);
  let at = 0;
  for (let s = 0; s < labels.length; s++) {
    const l = labels[s]!;
    out[at++] = TIMESERIES;
    at = writeVarint(out, at, sizes[s]!);
    out.set(l, at);
    next[s] = at + l.byteLength;
    at += sizes[s]!;
  }
  k = 0;
  for (const r of rounds) {
    const tsLength = varintLength(r.timeMs);
    const sampleSize = 9 + 1 + tsLength;
    for (let i = 0; i < r.labels.length; i++) {
      const s = seriesOf[k++]!;
      let p = next[s]!;
      out[p++] = SAMPLE;
      out[p++] = sampleSize;
      out[p++] = SAMPLE_VALUE;
      view.setFloat64(p, r.values[i]!, true);
      p += 8;
      out[p++] = SAMPLE_TIMESTAMP;
      next[s] = writeVarint(out, p, r.timeMs);
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

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len += 1;
  }
  return len;
}

function checkTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0)
    throw new PerfError(
      'INVALID_ARGUMENT',
      `timestamp must be whole non-negative milliseconds, found ${ts}`,
    );
}
