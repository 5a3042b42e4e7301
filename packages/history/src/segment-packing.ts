/** Integer counts of a rollup bucket: the smallest type that holds the most samples a bucket gets. */
export type CountArray = Uint8Array | Uint16Array | Uint32Array;
export type CountType = Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/**
 * A block of rows in column layout. While it is its ring's open (newest) segment, column c lives
 * at `values[c * rows + r]`. Once full it is sealed, losslessly, into bytes read through
 * `packed` (its ring's arena, or a buffer of its own; see `ColumnRing`):
 * - a column whose every row holds the same bits (a memory limit, a core count, a field the
 *   platform never fills, a bucket count) is kept as one number, and columns holding the same
 *   number share it (a rollup's min, max and average of a constant field; every NaN);
 * - a column whose values all share their top byte (sign and high exponent bits: values within
 *   the same factor-of-4 band, as most gauges over a minute are) keeps that byte once and 3 bytes
 *   per row;
 * - the rest stay Float32.
 * A code per column (1 byte, or 2 for rings of over 256 columns) says which: below `full` a
 * Float32 slot, then narrow slots up to `narrowEnd`, then constants. Count columns are coded
 * likewise, after the value columns: varying slots (a column with the same rows as the varying
 * one before it shares its slot), then constants. A header of a few bytes a column matters: the
 * agent's 1-minute tier keeps 8-row segments of 136 columns, and with 7 bytes a column (a 2-byte
 * slot, a 4-byte constant and a top byte for every column) an idle container's took 1,736 bytes,
 * against 1,080 now. Sealing costs one pass per `rows` samples.
 */
export interface Segment {
  /** Open: row times. Sealed: empty (read through `packed`). */
  times: Float64Array;
  /** Open: the value columns. Sealed: empty. */
  values: Float32Array;
  /** Open: the count columns (rollup tiers). Sealed: null. */
  counts: CountArray | null;
  /** Sealed: the ring's arena or the segment's own buffer, which holds the packed bytes; null while open. */
  packed: DataView | null;
  /** Sealed: where its bytes start in the arena, and how many. */
  at: number;
  bytes: number;
  /** Sealed, whole-millisecond times: 4-byte offsets from `timeBase` at `at`; else Float64. */
  wholeMs: boolean;
  timeBase: number;
  /** Byte offset in `packed` of the column codes (value columns, then count columns); 1 or 2 bytes each. */
  codesAt: number;
  codeBytes: number;
  /** Value codes below `full` are Float32 slots, below `narrowEnd` narrow slots, from it constants. */
  full: number;
  narrowEnd: number;
  /** Byte offsets in `packed`: Float32 values, constant values, top bytes (one a narrow slot), narrow rows. */
  valuesAt: number;
  constAt: number;
  topAt: number;
  narrowAt: number;
  /** Count codes below `countVarying` are slots of varying counts, from it constants (Uint32). */
  countVarying: number;
  countsAt: number;
  constCountsAt: number;
  /** Bytes per varying count. */
  countBytes: number;
}

/** Typed arrays write in the platform's byte order; the DataView reads in it too. */
export const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const NO_TIMES = new Float64Array(0);
const NO_VALUES = new Float32Array(0);

/** `bytes` rounded up to a multiple of 8: where sealed segments and their Float64 times start. */
export function roundUp8(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}

/** How a segment packs, and the bytes it needs: from `planSegment`, for `writeSegment`. */
export interface SegmentPlan {
  bytes: number;
  wholeMs: boolean;
  timeBase: number;
  full: number;
  narrow: number;
  consts: number;
  countVarying: number;
  countConsts: number;
  codeBytes: number;
  constAt: number;
  valuesAt: number;
  constCountsAt: number;
  countsAt: number;
  codesAt: number;
  topAt: number;
  narrowAt: number;
}

// Per column, set by planSegment and read by the writeSegment after it (sealing is synchronous):
// the column's kind (0 Float32, 1 constant, 2 narrow, 3 count shared with the one before) and
// its slot within that kind; the distinct constants. Grown as wider rings seal.
let kindOf = new Uint8Array(256);
let slotOf = new Uint16Array(256);
let constBits = new Uint32Array(256);
let constCounts = new Uint32Array(256);

function scratchFor(columns: number): void {
  if (kindOf.length >= columns) return;
  kindOf = new Uint8Array(columns);
  slotOf = new Uint16Array(columns);
  constBits = new Uint32Array(columns);
  constCounts = new Uint32Array(columns);
}

/** Index of `value` among the first `n` of `list`; `n` after adding it there when absent. */
function distinct(list: Uint32Array, n: number, value: number): number {
  for (let i = 0; i < n; i++) if (list[i] === value) return i;
  list[n] = value;
  return n;
}

/** Plans how a full open segment of `rows` rows packs (see `Segment`). */
export function planSegment(
  seg: Segment,
  rows: number,
  valueColumns: number,
  countColumns: number,
): SegmentPlan {
  const cc = seg.counts ? countColumns : 0;
  scratchFor(valueColumns + cc);
  const bits = new Uint32Array(seg.values.buffer, seg.values.byteOffset, seg.values.length);
  let full = 0;
  let narrow = 0;
  let consts = 0;
  for (let c = 0; c < valueColumns; c++) {
    const base = c * rows;
    const first = bits[base]!;
    const top = first >>> 24;
    let same = true;
    let sameTop = true;
    for (let r = 1; r < rows && sameTop; r++) {
      const b = bits[base + r]!;
      if (b !== first) same = false;
      if (b >>> 24 !== top) sameTop = false;
    }
    if (same) {
      kindOf[c] = 1;
      slotOf[c] = distinct(constBits, consts, first);
      if (slotOf[c] === consts) consts += 1;
    } else if (sameTop) {
      kindOf[c] = 2;
      slotOf[c] = narrow++;
    } else {
      kindOf[c] = 0;
      slotOf[c] = full++;
    }
  }
  let countVarying = 0;
  let countConsts = 0;
  const counts = seg.counts;
  for (let c = 0, previous = -1; c < cc; c++) {
    const k = valueColumns + c;
    const base = c * rows;
    const first = counts![base]!;
    let same = true;
    for (let r = 1; r < rows && same; r++) same = counts![base + r] === first;
    if (same) {
      kindOf[k] = 1;
      slotOf[k] = distinct(constCounts, countConsts, first);
      if (slotOf[k] === countConsts) countConsts += 1;
    } else if (previous >= 0 && sameRows(counts!, previous * rows, base, rows)) {
      kindOf[k] = 3;
      slotOf[k] = slotOf[valueColumns + previous]!;
    } else {
      kindOf[k] = 0;
      slotOf[k] = countVarying++;
      previous = c;
    }
  }
  const base = seg.times[0]!;
  const span = seg.times[rows - 1]! - base;
  let wholeMs = span >= 0 && span < 2 ** 32;
  for (let r = 0; r < rows && wholeMs; r++) wholeMs = Number.isInteger(seg.times[r]!);
  const codeBytes = valueColumns <= 256 && cc <= 256 ? 1 : 2;
  const countSize = counts?.BYTES_PER_ELEMENT ?? 1;
  // Layout: times | constants | Float32 values | constant counts | counts | codes | top | narrow.
  let offset = rows * (wholeMs ? 4 : 8);
  const take = (bytes: number, align: number) => {
    offset = Math.ceil(offset / align) * align;
    const start = offset;
    offset += bytes;
    return start;
  };
  const constAt = take(consts * 4, 4);
  const valuesAt = take(full * rows * 4, 4);
  const constCountsAt = take(countConsts * 4, 4);
  const countsAt = take(countVarying * rows * countSize, countSize);
  const codesAt = take((valueColumns + cc) * codeBytes, codeBytes);
  const topAt = take(narrow, 1);
  const narrowAt = take(narrow * rows * 3, 1);
  return {
    bytes: roundUp8(offset),
    wholeMs,
    timeBase: wholeMs ? base : 0,
    full,
    narrow,
    consts,
    countVarying,
    countConsts,
    codeBytes,
    constAt,
    valuesAt,
    constCountsAt,
    countsAt,
    codesAt,
    topAt,
    narrowAt,
  };
}

function sameRows(data: CountArray, a: number, b: number, rows: number): boolean {
  for (let r = 0; r < rows; r++) if (data[a + r] !== data[b + r]) return false;
  return true;
}

/**
 * Writes `seg` packed as `plan` says at byte `at` of `arena` (8-byte aligned, `plan.bytes` long)
 * and returns the sealed segment. `plan` is the last one `planSegment` made.
 */
export function writeSegment(
  seg: Segment,
  plan: SegmentPlan,
  rows: number,
  valueColumns: number,
  countColumns: number,
  arena: DataView,
  at: number,
): Segment {
  const buffer = arena.buffer as ArrayBuffer;
  const p = plan;
  if (p.wholeMs) {
    const offsets = new Uint32Array(buffer, at, rows);
    for (let r = 0; r < rows; r++) offsets[r] = seg.times[r]! - p.timeBase;
  } else new Float64Array(buffer, at, rows).set(seg.times);
  new Uint32Array(buffer, at + p.constAt, p.consts).set(constBits.subarray(0, p.consts));
  const bits = new Uint32Array(seg.values.buffer, seg.values.byteOffset, seg.values.length);
  const full = new Uint32Array(buffer, at + p.valuesAt, p.full * rows);
  const top = new Uint8Array(buffer, at + p.topAt, p.narrow);
  const narrow = new Uint8Array(buffer, at + p.narrowAt, p.narrow * rows * 3);
  const cc = seg.counts ? countColumns : 0;
  const codes =
    p.codeBytes === 1
      ? new Uint8Array(buffer, at + p.codesAt, valueColumns + cc)
      : new Uint16Array(buffer, at + p.codesAt, valueColumns + cc);
  const narrowEnd = p.full + p.narrow;
  for (let c = 0; c < valueColumns; c++) {
    const base = c * rows;
    const slot = slotOf[c]!;
    const kind = kindOf[c];
    if (kind === 1) codes[c] = narrowEnd + slot;
    else if (kind === 2) {
      codes[c] = p.full + slot;
      top[slot] = bits[base]! >>> 24;
      let o = slot * rows * 3;
      for (let r = 0; r < rows; r++) {
        const b = bits[base + r]!;
        narrow[o++] = (b >>> 16) & 0xff;
        narrow[o++] = (b >>> 8) & 0xff;
        narrow[o++] = b & 0xff;
      }
    } else {
      codes[c] = slot;
      full.set(bits.subarray(base, base + rows), slot * rows);
    }
  }
  const counts = seg.counts;
  if (counts) {
    new Uint32Array(buffer, at + p.constCountsAt, p.countConsts).set(
      constCounts.subarray(0, p.countConsts),
    );
    const Ctor = counts.constructor as CountType;
    const varying = new Ctor(buffer, at + p.countsAt, p.countVarying * rows);
    for (let c = 0; c < cc; c++) {
      const k = valueColumns + c;
      const slot = slotOf[k]!;
      const kind = kindOf[k];
      if (kind === 1) codes[k] = p.countVarying + slot;
      else {
        codes[k] = slot;
        if (kind === 0) varying.set(counts.subarray(c * rows, (c + 1) * rows), slot * rows);
      }
    }
  }
  return {
    times: NO_TIMES,
    values: NO_VALUES,
    counts: null,
    packed: arena,
    at,
    bytes: p.bytes,
    wholeMs: p.wholeMs,
    timeBase: p.timeBase,
    codesAt: at + p.codesAt,
    codeBytes: p.codeBytes,
    full: p.full,
    narrowEnd,
    valuesAt: at + p.valuesAt,
    constAt: at + p.constAt,
    topAt: at + p.topAt,
    narrowAt: at + p.narrowAt,
    countVarying: p.countVarying,
    countsAt: at + p.countsAt,
    constCountsAt: at + p.constCountsAt,
    countBytes: counts?.BYTES_PER_ELEMENT ?? 0,
  };
}

/** Points a sealed segment moved `by` bytes at its new arena. */
export function moveSegment(seg: Segment, by: number, arena: DataView): void {
  seg.packed = arena;
  seg.at += by;
  seg.codesAt += by;
  seg.valuesAt += by;
  seg.constAt += by;
  seg.topAt += by;
  seg.narrowAt += by;
  seg.countsAt += by;
  seg.constCountsAt += by;
}

/** How a sealed segment keeps each of its first `columns` value columns. */
export function columnKinds(seg: Segment, columns: number): ('full' | 'narrow' | 'constant')[] {
  return Array.from({ length: columns }, (_, c) => {
    const v = seg.packed!;
    const code =
      seg.codeBytes === 1 ? v.getUint8(seg.codesAt + c) : v.getUint16(seg.codesAt + 2 * c, LE);
    return code < seg.full ? 'full' : code < seg.narrowEnd ? 'narrow' : 'constant';
  });
}
