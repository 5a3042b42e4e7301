import { PerfError } from '@arcbox/perf-core';
import { type MetricFamily, sampleName } from '@arcbox/perf-export';
import { encodeWriteRequest } from './encode-write-request.js';
import { familiesToSeries } from './families-to-series.js';

export interface EncodedRound {
  /** The round's WriteRequest, protobuf, uncompressed. */
  bytes: Buffer;
  series: number;
  /** The round's timestamp, ms. */
  timeMs?: number;
}

export interface FamiliesEncoder {
  /** One round of families as a WriteRequest: the bytes `encodeWriteRequest(familiesToSeries(...))` gives. */
  encode(families: readonly MetricFamily[], timestampMs: number): EncodedRound;
  /** Series whose encoded labels are kept. */
  readonly cached: number;
}

const TIMESERIES = 0x0a;
const SAMPLE = 0x12;
const SAMPLE_VALUE = 0x09;
const SAMPLE_TIMESTAMP = 0x10;

/**
 * Encodes rounds of families as remote write requests, keeping each series' encoded (sorted)
 * labels from one round to the next: the series of a host barely change, so a round costs a
 * lookup and a copy per series instead of sorting and UTF-8 encoding its labels again. The cache
 * holds the series of the last round (and is cut back to them when it grows past twice that).
 */
export function createFamiliesEncoder(
  externalLabels: Readonly<Record<string, string>> = {},
): FamiliesEncoder {
  let labels = new Map<string, Buffer>();
  const keys: string[] = [];
  const parts: Buffer[] = [];
  return {
    encode(families, timestampMs) {
      checkTimestamp(timestampMs);
      const tsLength = varintLength(timestampMs);
      const sampleSize = 9 + 1 + tsLength;
      let total = 0;
      let n = 0;
      for (const family of families) {
        const name = sampleName(family);
        for (const sample of family.samples) {
          let key = name;
          for (const k in sample.labels) key += `\u0000${k}\u0001${sample.labels[k]}`;
          let bytes = labels.get(key);
          if (bytes === undefined) {
            bytes = labelsOf(family, sample.labels);
            labels.set(key, bytes);
          }
          keys[n] = key;
          parts[n] = bytes;
          n += 1;
          const size = bytes.length + 1 + 1 + sampleSize;
          total += 1 + varintLength(size) + size;
        }
      }
      const out = Buffer.allocUnsafe(total);
      let at = 0;
      const varint = (v: number) => {
        while (v >= 128) {
          out[at++] = (v % 128) | 128;
          v = Math.floor(v / 128);
        }
        out[at++] = v;
      };
      let i = 0;
      for (const family of families) {
        for (const sample of family.samples) {
          const bytes = parts[i]!;
          i += 1;
          out[at++] = TIMESERIES;
          varint(bytes.length + 2 + sampleSize);
          at += bytes.copy(out, at);
          out[at++] = SAMPLE;
          varint(sampleSize);
          out[at++] = SAMPLE_VALUE;
          at = out.writeDoubleLE(sample.value, at);
          out[at++] = SAMPLE_TIMESTAMP;
          varint(timestampMs);
        }
      }
      // Series that went away leave the cache once it holds twice the live ones.
      if (labels.size > 2 * n + 1000) {
        const live = new Map<string, Buffer>();
        for (let j = 0; j < n; j++) live.set(keys[j]!, parts[j]!);
        labels = live;
      }
      keys.length = n;
      parts.length = 0;
      return { bytes: out, series: n, timeMs: timestampMs };
    },
    get cached() {
      return labels.size;
    },
  };

  /** A series' sorted Label entries, as they sit inside its TimeSeries message. */
  function labelsOf(family: MetricFamily, sampleLabels: Readonly<Record<string, string>>): Buffer {
    const one = { ...family, samples: [{ labels: sampleLabels, value: 0 }] };
    const [series] = familiesToSeries([one], 0, externalLabels);
    // The series without its sample: encode it alone and cut the TimeSeries header and sample off.
    const whole = encodeWriteRequest([{ labels: series!.labels, samples: [] }]);
    let at = 1;
    while (whole[at]! >= 128) at += 1;
    return Buffer.from(whole.subarray(at + 1));
  }
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
