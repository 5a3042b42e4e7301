import { PerfError } from '@arcbox/perf-core';

// Field tags of prompb's WriteRequest, TimeSeries, Label and Sample: (field << 3) | wire type.
export const TIMESERIES = 0x0a; // WriteRequest.timeseries = 1, length-delimited
export const LABEL = 0x0a; // TimeSeries.labels = 1
export const SAMPLE = 0x12; // TimeSeries.samples = 2
export const NAME = 0x0a; // Label.name = 1
export const VALUE = 0x12; // Label.value = 2
export const SAMPLE_VALUE = 0x09; // Sample.value = 1, 64-bit (double)
export const SAMPLE_TIMESTAMP = 0x10; // Sample.timestamp = 2, varint (int64)

/** Bytes of `n` (a non-negative safe integer) as a protobuf varint. */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len += 1;
  }
  return len;
}

/** Remote write timestamps are int64 ms; a Number is exact for whole ones up to 2^53. */
export function checkTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0)
    throw new PerfError(
      'INVALID_ARGUMENT',
      `timestamp must be whole non-negative milliseconds, found ${ts}`,
    );
}
