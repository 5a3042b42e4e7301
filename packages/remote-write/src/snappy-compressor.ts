/**
 * A snappy block compressor (Google's `CompressFragment`: 64 KiB fragments, a hash table of
 * 4-byte sequences, literals and copies with 1- or 2-byte offsets) written for speed in
 * JavaScript: 32-bit hashing with `Math.imul` of DataView loads, matches compared and extended four bytes
 * at a time, long literals copied with `set`, and its hash table and scratch output kept from one call
 * to the next. Its output is a plain snappy block that any decoder reads (tests decode it with
 * snappyjs and Prometheus). snappyjs's compressor, which this replaces on the send path, does the
 * same steps with floating-point hashing and byte loops, at about a third of the speed.
 */
export interface SnappyCompressor {
  /** One snappy block holding `bytes`; a new Buffer of exactly the compressed length. */
  compress(bytes: Uint8Array): Buffer;
  /**
   * The block's elements without its length header. Each call's elements refer only to their
   * own bytes, so the elements of several calls, end to end after `snappyHeader` of their total
   * uncompressed length, are one valid block of those bytes end to end.
   */
  compressElements(bytes: Uint8Array): Buffer;
}

/** A snappy block's header: its uncompressed length as a varint. */
export function snappyHeader(length: number): Buffer {
  const out: number[] = [];
  let n = length;
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

const FRAGMENT = 1 << 16;
const MAX_TABLE_BITS = 14;
const INPUT_MARGIN = 15;
/** Scratch output kept between calls up to this size; a larger input gets a one-off buffer. */
const KEEP_SCRATCH = 4 << 20;

/** The most a snappy block of `n` bytes can take (snappy's `MaxCompressedLength`). */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

export function createSnappyCompressor(): SnappyCompressor {
  const table = new Uint16Array(1 << MAX_TABLE_BITS);
  let scratch: Buffer | null = null;
  const run = (bytes: Uint8Array, header: boolean): Buffer => {
    const need = maxCompressedLength(bytes.length);
    let out = scratch;
    if (out === null || out.length < need) {
      out = Buffer.allocUnsafe(need);
      if (need <= KEEP_SCRATCH) scratch = out;
    }
    let op = 0;
    if (header) {
      let n = bytes.length;
      while (n >= 128) {
        out[op++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      out[op++] = n;
    }
    for (let at = 0; at < bytes.length; at += FRAGMENT) {
      op = compressFragment(bytes, at, Math.min(FRAGMENT, bytes.length - at), out, op, table);
    }
    const result = Buffer.allocUnsafe(op);
    out.copy(result, 0, 0, op);
    return result;
  };
  return {
    compress: (bytes) => run(bytes, true),
    compressElements: (bytes) => run(bytes, false),
  };
}

function compressFragment(
  src: Uint8Array,
  start: number,
  length: number,
  dst: Uint8Array,
  op: number,
  table: Uint16Array,
): number {
  // Unaligned little-endian 32-bit loads: DataView's are about 1.4 times as fast as four bytes.
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const end = start + length;
  let nextEmit = start;
  if (length >= INPUT_MARGIN) {
    let bits = 8;
    while (1 << bits < length && bits < MAX_TABLE_BITS) bits += 1;
    const shift = 32 - bits;
    table.fill(0, 0, 1 << bits);
    const limit = end - INPUT_MARGIN;
    let ip = start + 1;
    let nextHash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
    outer: for (;;) {
      // Look for a 4-byte match, skipping faster the longer none is found (snappy's heuristic).
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      do {
        ip = nextIp;
        const hash = nextHash;
        nextIp = ip + (skip >>> 5);
        skip += 1;
        if (nextIp > limit) break outer;
        nextHash = Math.imul(view.getInt32(nextIp, true), 0x1e35a7bd) >>> shift;
        candidate = start + table[hash]!;
        table[hash] = ip - start;
      } while (view.getInt32(ip, true) !== view.getInt32(candidate, true));

      op = emitLiteral(src, nextEmit, ip - nextEmit, dst, op);

      // Emit copies for as long as the bytes right after one match start another.
      for (;;) {
        const base = ip;
        let matched = 4;
        while (
          ip + matched + 4 <= end &&
          view.getInt32(ip + matched, true) === view.getInt32(candidate + matched, true)
        )
          matched += 4;
        while (ip + matched < end && src[ip + matched] === src[candidate + matched]) matched += 1;
        ip += matched;
        op = emitCopy(dst, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= limit) break outer;
        const prev = Math.imul(view.getInt32(ip - 1, true), 0x1e35a7bd) >>> shift;
        table[prev] = ip - 1 - start;
        const cur = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
        candidate = start + table[cur]!;
        table[cur] = ip - start;
        if (view.getInt32(ip, true) !== view.getInt32(candidate, true)) break;
      }
      ip += 1;
      nextHash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
    }
  }
  if (nextEmit < end) op = emitLiteral(src, nextEmit, end - nextEmit, dst, op);
  return op;
}

function emitLiteral(src: Uint8Array, from: number, length: number, dst: Uint8Array, op: number) {
  const n = length - 1;
  if (n < 60) dst[op++] = n << 2;
  else if (n < 256) {
    dst[op++] = 60 << 2;
    dst[op++] = n;
  } else {
    dst[op++] = 61 << 2;
    dst[op++] = n & 0xff;
    dst[op++] = n >>> 8;
  }
  if (length > 32) dst.set(src.subarray(from, from + length), op);
  else for (let i = 0; i < length; i++) dst[op + i] = src[from + i]!;
  return op + length;
}

function emitCopy(dst: Uint8Array, op: number, offset: number, length: number): number {
  while (length >= 68) {
    op = emitCopyUpTo64(dst, op, offset, 64);
    length -= 64;
  }
  if (length > 64) {
    op = emitCopyUpTo64(dst, op, offset, 60);
    length -= 60;
  }
  return emitCopyUpTo64(dst, op, offset, length);
}

function emitCopyUpTo64(dst: Uint8Array, op: number, offset: number, length: number): number {
  if (length < 12 && offset < 2048) {
    dst[op++] = 1 | ((length - 4) << 2) | ((offset >>> 8) << 5);
    dst[op++] = offset & 0xff;
  } else {
    dst[op++] = 2 | ((length - 1) << 2);
    dst[op++] = offset & 0xff;
    dst[op++] = offset >>> 8;
  }
  return op;
}
