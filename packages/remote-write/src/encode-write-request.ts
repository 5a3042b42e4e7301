import { PerfError } from '@arcbox/perf-core';
import type { RemoteSeries } from './write-request.js';

// Field tags of prompb's WriteRequest, TimeSeries, Label and Sample: (field << 3) | wire type.
const TIMESERIES = 0x0a; // WriteRequest.timeseries = 1, length-delimited
const LABEL = 0x0a; // TimeSeries.labels = 1
const SAMPLE = 0x12; // TimeSeries.samples = 2
const NAME = 0x0a; // Label.name = 1
const VALUE = 0x12; // Label.value = 2
const SAMPLE_VALUE = 0x09; // Sample.value = 1, 64-bit (double)
const SAMPLE_TIMESTAMP = 0x10; // Sample.timestamp = 2, varint (int64)

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len += 1;
  }
  return len;
}

/**
 * Protobuf-encodes a remote write 1.0 `WriteRequest` (uncompressed). Hand-written for the four
 * messages it needs: sizes are computed first, then written into one buffer. Timestamps must be
 * non-negative whole milliseconds (int64 as varint; Number is exact up to 2^53).
 */
export function encodeWriteRequest(series: readonly RemoteSeries[]): Buffer {
  const strings = new Map<string, number>();
  const bytesOf = (s: string) => {
    let n = strings.get(s);
    if (n === undefined) {
      n = Buffer.byteLength(s);
      if (strings.size < 100_000) strings.set(s, n);
    }
    return n;
  };
  const labelSize = (name: string, value: string) => {
    const a = bytesOf(name);
    const b = bytesOf(value);
    return 1 + varintLength(a) + a + 1 + varintLength(b) + b;
  };
  const sampleSize = (ts: number) => 9 + 1 + varintLength(ts);
  const sizes = new Array<number>(series.length);
  let total = 0;
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    let size = 0;
    for (const l of s.labels) {
      const ls = labelSize(l.name, l.value);
      size += 1 + varintLength(ls) + ls;
    }
    for (const p of s.samples) {
      checkTimestamp(p.timestampMs);
      const ps = sampleSize(p.timestampMs);
      size += 1 + varintLength(ps) + ps;
    }
    sizes[i] = size;
    total += 1 + varintLength(size) + size;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  const varint = (n: number) => {
    while (n >= 128) {
      out[at++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    out[at++] = n;
  };
  const str = (tag: number, s: string) => {
    out[at++] = tag;
    varint(bytesOf(s));
    at += out.write(s, at);
  };
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    out[at++] = TIMESERIES;
    varint(sizes[i]!);
    for (const l of s.labels) {
      out[at++] = LABEL;
      varint(labelSize(l.name, l.value));
      str(NAME, l.name);
      str(VALUE, l.value);
    }
    for (const p of s.samples) {
      out[at++] = SAMPLE;
      varint(sampleSize(p.timestampMs));
      out[at++] = SAMPLE_VALUE;
      at = out.writeDoubleLE(p.value, at);
      out[at++] = SAMPLE_TIMESTAMP;
      varint(p.timestampMs);
    }
  }
  return out;
}

function checkTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0)
    throw new PerfError(
      'INVALID_ARGUMENT',
      `timestamp must be whole non-negative milliseconds, found ${ts}`,
    );
}
