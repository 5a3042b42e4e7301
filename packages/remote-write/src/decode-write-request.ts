import { PerfError } from '@arcbox/perf-core';
import type { RemoteLabel, RemoteSeries } from './write-request.js';

/** Bounds of a request a receiver reads: hostile input fails here, not in memory. */
export interface DecodeLimits {
  maxSeries: number;
  maxLabelsPerSeries: number;
  maxSamplesPerSeries: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxSeries: 1_000_000,
  maxLabelsPerSeries: 64,
  maxSamplesPerSeries: 100_000,
};

function fail(message: string): never {
  throw new PerfError('PARSE_ERROR', `WriteRequest: ${message}`);
}

/**
 * Decodes an uncompressed remote write 1.0 `WriteRequest`, for receivers in tests and tools.
 * Unknown fields are skipped as protobuf requires; truncated or oversized input throws a
 * PerfError `PARSE_ERROR`.
 */
export function decodeWriteRequest(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): RemoteSeries[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (end: number): number => {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= end) fail('truncated varint');
      const b = buf[at++]!;
      n += (b & 127) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
    return fail('varint longer than 10 bytes');
  };
  const skip = (wire: number, end: number) => {
    if (wire === 0) varint(end);
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) at += varint(end);
    else fail(`unsupported wire type ${wire}`);
    if (at > end) fail('truncated field');
  };
  const field = (end: number): [number, number] => {
    const key = varint(end);
    return [Math.floor(key / 8), key % 8];
  };
  const sub = (end: number): number => {
    const len = varint(end);
    if (at + len > end) fail('truncated message');
    return at + len;
  };

  const series: RemoteSeries[] = [];
  while (at < buf.length) {
    const [num, wire] = field(buf.length);
    if (num !== 1 || wire !== 2) {
      skip(wire, buf.length);
      continue;
    }
    if (series.length >= limits.maxSeries) fail(`more than ${limits.maxSeries} series`);
    const end = sub(buf.length);
    const s: RemoteSeries = { labels: [], samples: [] };
    while (at < end) {
      const [n, w] = field(end);
      if (n === 1 && w === 2) {
        if (s.labels.length >= limits.maxLabelsPerSeries)
          fail(`a series with more than ${limits.maxLabelsPerSeries} labels`);
        const lend = sub(end);
        const label: RemoteLabel = { name: '', value: '' };
        while (at < lend) {
          const [ln, lw] = field(lend);
          if ((ln === 1 || ln === 2) && lw === 2) {
            const send = sub(lend);
            const text = buf.toString('utf8', at, send);
            if (ln === 1) label.name = text;
            else label.value = text;
            at = send;
          } else skip(lw, lend);
        }
        s.labels.push(label);
      } else if (n === 2 && w === 2) {
        if (s.samples.length >= limits.maxSamplesPerSeries)
          fail(`a series with more than ${limits.maxSamplesPerSeries} samples`);
        const pend = sub(end);
        let value = 0;
        let timestampMs = 0;
        while (at < pend) {
          const [pn, pw] = field(pend);
          if (pn === 1 && pw === 1) {
            if (at + 8 > pend) fail('truncated double');
            value = buf.readDoubleLE(at);
            at += 8;
          } else if (pn === 2 && pw === 0) timestampMs = varint(pend);
          else skip(pw, pend);
        }
        s.samples.push({ value, timestampMs });
      } else skip(w, end);
    }
    series.push(s);
  }
  return series;
}
