import type { RemoteSeries } from './write-request.js';
import {
  checkTimestamp,
  LABEL,
  NAME,
  SAMPLE,
  SAMPLE_TIMESTAMP,
  SAMPLE_VALUE,
  TIMESERIES,
  VALUE,
  varintLength,
} from './write-request-wire.js';

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
