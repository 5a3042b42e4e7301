import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { PerfError } from '@arcbox/perf-core';

/** How a chunk's blobs are stored: 0 as plain little-endian arrays (schema 1), 1 shuffled and deflated. */
export type ChunkCodec = 0 | 1;

/**
 * Byte planes: every value's first byte, then every value's second byte... The top bytes of
 * floats in a column (sign and exponent) repeat from row to row and the bottom ones do not;
 * planed, deflate finds the repeats (what Blosc's shuffle does). Lossless.
 */
function shuffle(bytes: Uint8Array, width: number): Uint8Array {
  const count = bytes.length / width;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < count; i++) {
    for (let b = 0; b < width; b++) out[b * count + i] = bytes[i * width + b]!;
  }
  return out;
}

function unshuffle(planes: Uint8Array, width: number): Uint8Array {
  const count = planes.length / width;
  const out = new Uint8Array(planes.length);
  for (let i = 0; i < count; i++) {
    for (let b = 0; b < width; b++) out[i * width + b] = planes[b * count + i]!;
  }
  return out;
}

/**
 * Whole-millisecond times as differences from the previous one (the first from 0): a regular
 * sampling interval becomes one repeated number. Exact for integers below 2^53; times with a
 * fraction are kept as they are (the flag byte says which).
 */
function timeDeltas(times: Uint8Array): { flag: number; bytes: Uint8Array } {
  const t = new Float64Array(
    times.buffer.slice(times.byteOffset, times.byteOffset + times.byteLength) as ArrayBuffer,
  );
  if (!t.every((x) => Number.isSafeInteger(x))) return { flag: 0, bytes: times };
  const d = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) d[i] = t[i]! - (i === 0 ? 0 : t[i - 1]!);
  return { flag: 1, bytes: new Uint8Array(d.buffer) };
}

function undoDeltas(bytes: Uint8Array): Uint8Array {
  const d = new Float64Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  for (let i = 1; i < d.length; i++) d[i] = d[i - 1]! + d[i]!;
  return new Uint8Array(d.buffer);
}

/** Times (Float64) and values (Float32) of a chunk as codec 1. */
export function encodeChunk(
  times: Uint8Array,
  values: Uint8Array,
): { times: Uint8Array; data: Uint8Array } {
  const { flag, bytes } = timeDeltas(times);
  const packed = deflateRawSync(shuffle(bytes, 8), { level: 6 });
  const withFlag = new Uint8Array(packed.byteLength + 1);
  withFlag[0] = flag;
  withFlag.set(packed, 1);
  return { times: withFlag, data: deflateRawSync(shuffle(values, 4), { level: 6 }) };
}

/**
 * A stored blob back to its plain bytes. `expected` is what the chunk's header says it holds: a
 * blob that inflates to more is refused before it is allocated (the file is untrusted: a small
 * blob could otherwise inflate to gigabytes), and one that inflates to less is damaged.
 */
export function decodeBlob(
  blob: Uint8Array,
  codec: number,
  width: 4 | 8,
  expected: number,
  where: string,
): Uint8Array {
  if (codec === 0) return blob;
  if (codec !== 1)
    throw new PerfError('STORE_ERROR', `${where}: unknown chunk encoding ${codec}`, {
      field: 'chunks.codec',
    });
  // Times carry a flag byte: 1 = stored as differences.
  const flag = width === 8 ? blob[0] : 0;
  const body = width === 8 ? blob.subarray(1) : blob;
  let plain: Uint8Array;
  try {
    plain = inflateRawSync(body, { maxOutputLength: Math.max(1, expected) });
  } catch (cause) {
    throw new PerfError(
      'STORE_ERROR',
      `${where}: a chunk does not inflate to the ${expected} bytes its header says`,
      {
        field: 'chunks.rows',
        cause,
      },
    );
  }
  if (plain.byteLength !== expected)
    throw new PerfError(
      'STORE_ERROR',
      `${where}: a chunk inflates to ${plain.byteLength} bytes, its header says ${expected}`,
      {
        field: 'chunks.rows',
      },
    );
  const bytes = unshuffle(plain, width);
  return flag === 1 ? undoDeltas(bytes) : bytes;
}
