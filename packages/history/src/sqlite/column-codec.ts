import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { PerfError } from '@arcbox/perf-core';

/**
 * Codec 2 (schema 4): a chunk's values column by column, each value XORed with the one above it
 * (Gorilla's idea, byte-aligned so it stays cheap in JavaScript). A value that did not move
 * costs half a byte, one whose low mantissa moved 2 or 3 bytes and a half; a column whose rows
 * are all equal is one value. Then, for chunks that live long (tier blocks), deflate.
 *
 * values blob: flag byte (bit 0: the rest is deflated), then
 *   bitmap   ceil(width / 8) bytes, bit c set = column c holds one value for every row
 *   masks    one nibble per value stored (bit b = byte b of the XOR is not zero), two a byte
 *   bytes    the non-zero bytes of every stored XOR, lowest first
 * times blob: flag byte 1, the first time as Float64, then each later time as an unsigned
 *   LEB128 difference from the one before (whole milliseconds, not going back); flag 0, plain
 *   Float64s when the times are not such.
 */
export const COLUMN_CODEC = 2;

const DEFLATED = 1;

function fail(where: string, what: string): never {
  throw new PerfError('STORE_ERROR', `${where}: ${what}: the file is damaged`, {
    field: 'chunks.data',
  });
}

/**
 * A buffer an encoder reuses from one call to the next (it grows as needed): what the encoder
 * returns is then a view of it, good until its next call. A writer of a thousand chunks at once
 * (an hour's 1-minute blocks) otherwise leaves a thousand worst-case-sized buffers, 37 KB each,
 * to the garbage collector, which frees them only when it next runs.
 */
export interface EncodeBuffer {
  bytes: Uint8Array;
}

/** Values of `rows` rows of `width` Float32s (as their bits), encoded. */
export function encodeColumns(
  bits: Uint32Array,
  rows: number,
  width: number,
  deflate: boolean,
  reuse?: EncodeBuffer,
): Uint8Array {
  const mapBytes = (width + 7) >> 3;
  // Worst case: every value stored with 4 bytes.
  const size = 1 + mapBytes + ((rows * width + 1) >> 1) + 4 * rows * width;
  let out: Uint8Array;
  if (reuse) {
    if (reuse.bytes.length < size)
      reuse.bytes = new Uint8Array(Math.max(size, 2 * reuse.bytes.length));
    out = reuse.bytes;
    // The flag byte and the bitmap are or-ed into: they start at zero.
    out.fill(0, 0, 1 + mapBytes);
  } else out = new Uint8Array(size);
  let masks = 0;
  // First pass: which columns are constant, and how many masks follow.
  for (let c = 0; c < width; c++) {
    const first = bits[c]!;
    let constant = true;
    for (let r = 1; r < rows; r++) {
      if (bits[r * width + c] !== first) {
        constant = false;
        break;
      }
    }
    if (constant) out[1 + (c >> 3)]! |= 1 << (c & 7);
    masks += constant ? 1 : rows;
  }
  let m = 1 + mapBytes;
  let b = m + ((masks + 1) >> 1);
  let nibble = 0;
  const put = (x: number) => {
    let mask = 0;
    for (let k = 0; k < 4; k++) {
      const byte = (x >>> (8 * k)) & 0xff;
      if (byte !== 0) {
        mask |= 1 << k;
        out[b++] = byte;
      }
    }
    if (nibble & 1) out[m++]! |= mask << 4;
    else out[m] = mask;
    nibble += 1;
  };
  for (let c = 0; c < width; c++) {
    if (out[1 + (c >> 3)]! & (1 << (c & 7))) {
      put(bits[c]!);
      continue;
    }
    let before = 0;
    for (let r = 0; r < rows; r++) {
      const x = bits[r * width + c]!;
      put((x ^ before) >>> 0);
      before = x;
    }
  }
  if (!deflate) return out.subarray(0, b);
  const packed = deflateRawSync(out.subarray(1, b), DEFLATE_OPTIONS);
  // Framed in the reused buffer when it holds it (what it held is in `packed` now).
  const framed =
    reuse && packed.byteLength + 1 <= out.length ? out : new Uint8Array(packed.byteLength + 1);
  framed[0] = DEFLATED;
  framed.set(packed, 1);
  return framed.subarray(0, packed.byteLength + 1);
}

/**
 * zlib's output comes in `chunkSize` buffers, 16 KiB by default, and a blob is a slice of the
 * first: an hour's flush deflates a block and an hour row for every series (2,000 at 1,000
 * containers), whose 16 KiB buffers lived until the next GC and raised glibc's heap by 16-23 MB
 * for good (bench/hour-flush.bench.mjs). 2 KiB chunks come from Node's 8 KiB buffer pool, and a
 * longer blob is joined into one buffer of its own length.
 */
const DEFLATE_OPTIONS = { level: 6, chunkSize: 2048 } as const;

const NAN_BITS = 0x7fc00000;

/**
 * A codec 2 values blob back to `rows * width` Float32s' bytes; anything odd is a STORE_ERROR.
 * With `wanted` (1 per column to decode), the other columns are skipped (their bytes counted,
 * not read) and come back NaN: a query for one field of a tier block decodes 4 of its columns.
 */
export function decodeColumns(
  blob: Uint8Array,
  rows: number,
  width: number,
  where: string,
  wanted?: Uint8Array,
): Uint8Array {
  const values = rows * width;
  const mapBytes = (width + 7) >> 3;
  const bound = mapBytes + ((values + 1) >> 1) + 4 * values;
  if (blob.byteLength < 1) fail(where, 'an empty values blob');
  const flag = blob[0]!;
  if (flag > DEFLATED) fail(where, `values flag ${flag}`);
  let body = blob.subarray(1);
  if (flag === DEFLATED) {
    try {
      // Bounded: a small blob must not inflate to gigabytes.
      body = inflateRawSync(body, { maxOutputLength: Math.max(1, bound) });
    } catch {
      fail(where, `values that do not inflate within the ${bound} bytes ${rows} rows can hold`);
    }
  }
  if (body.byteLength < mapBytes) fail(where, 'values shorter than their column map');
  let masks = 0;
  for (let c = 0; c < width; c++) masks += body[c >> 3]! & (1 << (c & 7)) ? 1 : rows;
  let m = mapBytes;
  let b = m + ((masks + 1) >> 1);
  if (b > body.byteLength) fail(where, 'values shorter than their masks');
  const out = new Uint32Array(values);
  let nibble = 0;
  const take = (): number => {
    const mask = nibble & 1 ? body[m++]! >> 4 : body[m]! & 0xf;
    nibble += 1;
    let x = 0;
    for (let k = 0; k < 4; k++) {
      if (mask & (1 << k)) {
        if (b >= body.byteLength) fail(where, 'values shorter than their masks say');
        x |= body[b++]! << (8 * k);
      }
    }
    return x >>> 0;
  };
  const skip = (count: number) => {
    for (let i = 0; i < count; i++) {
      const mask = nibble & 1 ? body[m++]! >> 4 : body[m]! & 0xf;
      nibble += 1;
      b += (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1) + (mask >> 3);
    }
    if (b > body.byteLength) fail(where, 'values shorter than their masks say');
  };
  for (let c = 0; c < width; c++) {
    const constant = body[c >> 3]! & (1 << (c & 7));
    if (wanted !== undefined && wanted[c] !== 1) {
      skip(constant ? 1 : rows);
      for (let r = 0; r < rows; r++) out[r * width + c] = NAN_BITS;
      continue;
    }
    if (constant) {
      const x = take();
      for (let r = 0; r < rows; r++) out[r * width + c] = x;
      continue;
    }
    let before = 0;
    for (let r = 0; r < rows; r++) {
      before = (before ^ take()) >>> 0;
      out[r * width + c] = before;
    }
  }
  if (b !== body.byteLength) fail(where, 'values longer than their masks say');
  return new Uint8Array(out.buffer);
}

/** Times as codec 2 (see above). */
export function encodeTimes(times: Float64Array, rows: number): Uint8Array {
  let regular = rows > 0 && Number.isSafeInteger(times[0]);
  for (let r = 1; regular && r < rows; r++) {
    const d = times[r]! - times[r - 1]!;
    regular = Number.isSafeInteger(times[r]) && d >= 0;
  }
  if (!regular) {
    const out = new Uint8Array(1 + 8 * rows);
    out.set(new Uint8Array(times.buffer, times.byteOffset, 8 * rows), 1);
    return out;
  }
  const out = new Uint8Array(9 + 8 * rows);
  out[0] = 1;
  new DataView(out.buffer).setFloat64(1, times[0]!, true);
  let at = 9;
  for (let r = 1; r < rows; r++) {
    let d = times[r]! - times[r - 1]!;
    while (d >= 0x80) {
      out[at++] = (d % 0x80) | 0x80;
      d = Math.floor(d / 0x80);
    }
    out[at++] = d;
  }
  return out.subarray(0, at);
}

/** A codec 2 times blob back to `rows` Float64s' bytes. */
export function decodeTimes(blob: Uint8Array, rows: number, where: string): Uint8Array {
  const out = new Float64Array(rows);
  const flag = blob[0];
  if (flag === 0) {
    if (blob.byteLength !== 1 + 8 * rows) fail(where, `times of ${blob.byteLength} bytes`);
    new Uint8Array(out.buffer).set(blob.subarray(1));
    return new Uint8Array(out.buffer);
  }
  if (flag !== 1 || rows < 1 || blob.byteLength < 9) fail(where, 'times without their header');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let t = view.getFloat64(1, true);
  if (!Number.isSafeInteger(t)) fail(where, 'a first time that is not a whole millisecond');
  out[0] = t;
  let at = 9;
  for (let r = 1; r < rows; r++) {
    let d = 0;
    let scale = 1;
    for (let k = 0; ; k++) {
      // Eight 7-bit groups are 2^56: more is no difference between two times.
      if (at >= blob.byteLength || k >= 8) fail(where, 'times shorter than their rows');
      const byte = blob[at++]!;
      d += (byte & 0x7f) * scale;
      scale *= 0x80;
      if (byte < 0x80) break;
    }
    t += d;
    if (!Number.isSafeInteger(t)) fail(where, 'times past 2^53');
    out[r] = t;
  }
  if (at !== blob.byteLength) fail(where, 'times longer than their rows');
  return new Uint8Array(out.buffer);
}
