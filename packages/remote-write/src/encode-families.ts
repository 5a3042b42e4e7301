import { PerfError } from '@arcbox/perf-core';
import {
  type FamilyHead,
  type Labels,
  type MetricFamily,
  type SampleWriter,
  sampleName,
  writeFamilies,
} from '@arcbox/perf-export';
import { encodeSampledRound } from './encode-sampled-rounds.js';
import { encodeWriteRequest } from './encode-write-request.js';
import { familiesToSeries } from './families-to-series.js';
import type { SampledRound } from './sampled-round.js';

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
  /**
   * One round written straight into a WriteRequest by `write` (`writeSnapshot` and the like):
   * the bytes `encode` gives for the families the same function writes, without building them.
   */
  encodeWritten(write: (writer: SampleWriter) => void, timestampMs: number): EncodedRound;
  /**
   * One round written by `write` as `encodeWritten` reads it, kept as its series' encoded labels
   * and values: what the writer queues, to encode with the other rounds of its request.
   */
  sampleWritten(write: (writer: SampleWriter) => void, timestampMs: number): SampledRound;
  /** Encoded label sets kept (the live series', and those looked up by key). */
  readonly cached: number;
}

interface KeptFamily {
  labels: Labels[];
  bytes: Buffer[];
}

/**
 * Encodes rounds of families as remote write requests, keeping each series' encoded (sorted)
 * labels from one round to the next: the series of a host barely change, so a round costs a
 * comparison and a copy per series instead of sorting and UTF-8 encoding its labels again. The
 * labels are kept by family and sample position: a sample whose labels equal those at its
 * position last round reuses their bytes without building any key. Only where the positions
 * moved (a container came or went) is a series looked up by a key of its name and labels, in a
 * second cache that is emptied once it holds twice the live series.
 */
export function createFamiliesEncoder(
  externalLabels: Readonly<Record<string, string>> = {},
): FamiliesEncoder {
  const byPosition = new Map<string, KeptFamily>();
  let byKey = new Map<string, Buffer>();
  const parts: Buffer[] = [];
  // The labels of the last sampled round (never written to once handed out).
  let lastLabels: readonly Buffer[] = [];
  let values = new Float64Array(1024);
  // A round's families share one labels object per container (or VM, ...): once found equal to
  // the last round's, the pair is not compared again this round.
  const equal = new Map<Labels, Labels>();
  // The family being written and where its next sample sits in it.
  let head: FamilyHead | null = null;
  let kept: KeptFamily | null = null;
  let j = 0;
  let n = 0;

  const endFamily = () => {
    if (kept === null) return;
    kept.labels.length = j;
    kept.bytes.length = j;
  };
  const writer: SampleWriter = {
    family(next) {
      endFamily();
      head = next;
      kept = byPosition.get(next.name) ?? null;
      if (kept === null) {
        kept = { labels: [], bytes: [] };
        byPosition.set(next.name, kept);
      }
      j = 0;
    },
    sample(sampleLabels, value) {
      if (head === null || kept === null)
        throw new PerfError('INVALID_ARGUMENT', 'a sample was written before any family');
      let bytes: Buffer;
      const before = kept.labels[j];
      if (
        before !== undefined &&
        (equal.get(sampleLabels) === before || sameLabelsOnce(before, sampleLabels))
      )
        bytes = kept.bytes[j]!;
      else {
        let key = sampleName(head);
        for (const k in sampleLabels) key += `\u0000${k}\u0001${sampleLabels[k]}`;
        const found = byKey.get(key);
        if (found === undefined) {
          bytes = labelsOf(head, sampleLabels);
          byKey.set(key, bytes);
        } else bytes = found;
      }
      kept.labels[j] = sampleLabels;
      kept.bytes[j] = bytes;
      j += 1;
      if (n === values.length) {
        const grown = new Float64Array(2 * n);
        grown.set(values);
        values = grown;
      }
      parts[n] = bytes;
      values[n] = value;
      n += 1;
    },
  };

  /** Runs `write` into the scratch arrays (`parts`, `values`, `n`) and hands them to `done`. */
  const run = <R>(
    write: (writer: SampleWriter) => void,
    timestampMs: number,
    done: (timestampMs: number) => R,
  ): R => {
    checkTimestamp(timestampMs);
    n = 0;
    head = null;
    kept = null;
    try {
      write(writer);
      endFamily();
      return done(timestampMs);
    } finally {
      parts.length = 0;
      equal.clear();
      head = null;
      kept = null;
    }
  };
  const encodeWritten = (write: (writer: SampleWriter) => void, timestampMs: number) =>
    run(write, timestampMs, finish);

  return {
    encode: (families, timestampMs) =>
      encodeWritten((w) => writeFamilies(w, families), timestampMs),
    encodeWritten,
    sampleWritten: (write, timestampMs) => run(write, timestampMs, sampled),
    get cached() {
      let live = 0;
      for (const k of byPosition.values()) live += k.bytes.length;
      return live + byKey.size;
    },
  };

  function finish(timestampMs: number): EncodedRound {
    const bytes = encodeSampledRound({
      labels: parts,
      values: values.subarray(0, n),
      timeMs: timestampMs,
    });
    forgetGone();
    return { bytes, series: n, timeMs: timestampMs };
  }

  function sampled(timestampMs: number): SampledRound {
    // Copies: the scratch arrays are this encoder's next round. A round with the series of the
    // last one, in the same order (a host's usual round), shares its labels array: no array of
    // references per round waits to be sent, and requests see the same array round after round.
    if (!sameSeries(lastLabels, parts, n)) lastLabels = parts.slice(0, n);
    const round = { labels: lastLabels, values: values.slice(0, n), timeMs: timestampMs };
    forgetGone();
    return round;
  }

  // Series that went away leave the key cache once it holds twice the live ones (the positions
  // hold every live series' bytes).
  function forgetGone() {
    if (byKey.size > 2 * n + 1000) byKey = new Map();
  }

  function sameLabelsOnce(before: Labels, now: Labels): boolean {
    if (!sameLabels(before, now)) return false;
    equal.set(now, before);
    return true;
  }

  /** A series' sorted Label entries, as they sit inside its TimeSeries message. */
  function labelsOf(family: FamilyHead, sampleLabels: Labels): Buffer {
    const one = { ...family, samples: [{ labels: sampleLabels, value: 0 }] };
    const [series] = familiesToSeries([one], 0, externalLabels);
    // The series without its sample: encode it alone and cut the TimeSeries header and sample off.
    const whole = encodeWriteRequest([{ labels: series!.labels, samples: [] }]);
    let at = 1;
    while (whole[at]! >= 128) at += 1;
    return Buffer.from(whole.subarray(at + 1));
  }
}

/** The same `n` labels buffers, in the same order. */
function sameSeries(last: readonly Buffer[], now: readonly Buffer[], n: number): boolean {
  if (last.length !== n) return false;
  for (let i = 0; i < n; i++) if (last[i] !== now[i]) return false;
  return true;
}

/** The same label names with the same values (order aside: a series's labels are sorted). */
function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  let count = 0;
  for (const k in b) {
    if (a[k] !== b[k]) return false;
    count += 1;
  }
  for (const _ in a) count -= 1;
  return count === 0;
}

function checkTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0)
    throw new PerfError(
      'INVALID_ARGUMENT',
      `timestamp must be whole non-negative milliseconds, found ${ts}`,
    );
}
