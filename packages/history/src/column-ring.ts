/** Integer counts of a rollup bucket: the smallest type that holds the most samples a bucket gets. */
export type CountArray = Uint8Array | Uint16Array | Uint32Array;
export type CountType = Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/**
 * A block of rows in column layout. While it is the ring's open (newest) segment, column c lives
 * at `values[c * rows + r]`. Once full it is sealed, losslessly, into one buffer read through
 * `packed`: a column whose every row holds the same bits (a memory limit, a core count, a field
 * the platform never fills, a bucket count) is kept as one number; a column whose values all
 * share their top byte (sign and high exponent bits: values within the same factor-of-4 band, as
 * most gauges over two minutes are) keeps that byte once and 3 bytes per row; the rest stay
 * Float32. A slot per column (Int16 at `slotAt`) says where: >= 0 a Float32 slot, -1 constant,
 * <= -2 the narrow slot -2 - slot. Sealing costs one pass per `rows` samples.
 *
 * A sealed segment is one ArrayBuffer, one DataView and this object with its byte offsets: a view
 * per array (nine) cost about 1 KB of JavaScript heap per segment, some 25 MB at 1,000
 * containers once the tiers hold their hour.
 */
export interface Segment {
  /** Open: row times. Sealed: empty (read through `packed`). */
  times: Float64Array;
  /** Open: the value columns. Sealed: empty. */
  values: Float32Array;
  /** Open: the count columns (rollup tiers). Sealed: null. */
  counts: CountArray | null;
  /** Sealed: the packed bytes; null while open. */
  packed: DataView | null;
  /** Sealed, whole-millisecond times: 4-byte offsets from `timeBase` at byte 0; else Float64. */
  wholeMs: boolean;
  timeBase: number;
  /** Byte offsets in `packed`: Float32 values, constant values, value slots, top bytes, narrow rows. */
  valuesAt: number;
  constAt: number;
  slotAt: number;
  topAt: number;
  narrowAt: number;
  /** Byte offsets of varying counts, constant counts (Uint32) and count slots; bytes per count. */
  countsAt: number;
  constCountsAt: number;
  countSlotAt: number;
  countBytes: number;
}

/** The typed views a segment is sealed through: made to write it, not kept. */
interface SealedViews {
  times: Float64Array;
  timeOffsets: Uint32Array | null;
  values: Float32Array;
  counts: CountArray | null;
  valueSlot: Int16Array;
  constValues: Float32Array;
  topBytes: Uint8Array;
  narrow: Uint8Array;
  countSlot: Int16Array | null;
  constCounts: Uint32Array | null;
}

/** Typed arrays write in the platform's byte order; the DataView reads in it too. */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const NO_TIMES = new Float64Array(0);
const NO_VALUES = new Float32Array(0);

// Turns the 32 bits of a narrow value back into its Float32.
const BITS = new Uint32Array(1);
const FLOAT = new Float32Array(BITS.buffer);

/**
 * Rows per segment for a ring of `maxRows`: a divisor of it (3600 raw rows, 1440 minutes, 720
 * hours by default), so a full ring wastes at most one segment, and about 1/24 of the ring so
 * a slowly filling tier (hours) does not take a day's room at once. At most 120. A ring that
 * holds fewer rows in memory (`heldRows`: older ones live on disk) gets 1/15 of those: its open
 * segment, which is not packed, and the freed segments it keeps for reuse are then a smaller
 * share of it. No smaller than that: each sealed segment costs about 1 KB besides its rows (an
 * object, a view and a buffer, with V8's and malloc's overhead). For the agent's raw ring (900 of 3600
 * rows held), 36-row segments used as much memory at 1,000 containers as 120, and 60 the least
 * (apps/agent README). A ring of at most 8 rows is one segment.
 */
export function segmentRowsFor(maxRows: number, heldRows = maxRows): number {
  if (maxRows <= 8) return maxRows;
  const share = heldRows < maxRows ? heldRows / 15 : maxRows / 24;
  const target = Math.max(8, Math.min(120, Math.floor(share)));
  for (let d = target; d >= 8; d--) if (maxRows % d === 0) return d;
  return target;
}

/**
 * Rows of a series in time order, in fixed-size segments. Timestamps are Float64 (ms since the
 * epoch need 41 bits); values Float32; rollup counts the smallest integer type.
 *
 * Why segments and not one array that doubles: memory grows with what a series holds (a
 * short-lived container takes one segment), the buffers of the open segment are reused from
 * one segment to the next so a full ring allocates almost nothing, and the allocator is not
 * left with the holes of outgrown arrays (doubling arrays cost 30 MB of fragmentation in the
 * 24 h benchmark).
 *
 * A class (not a factory) because it sits on the append hot path and V8 keeps its fields at
 * fixed offsets.
 */
export class ColumnRing {
  segments: Segment[] = [];
  /** Row offset of the oldest row in the first segment. */
  head = 0;
  size = 0;
  /** Set once a row was lost to age or count: older data then lives only in coarser tiers. */
  dropped = false;
  readonly maxRows: number;
  readonly rows: number;
  readonly valueColumns: number;
  readonly countColumns: number;
  private readonly countType: CountType | null;
  /** The open-layout buffers of the last sealed segment, for the next open one. */
  private spare: Segment | null = null;
  /**
   * Sealed segments freed at the old end, whose buffers the next seals reuse (see takePooled): a
   * ring in its steady state then allocates almost nothing, so neither the allocator nor V8's
   * young generation sees a stream of new buffers.
   */
  private pool: Segment[] = [];
  /** Where an empty ring's first row goes in its first segment (see the constructor). */
  private readonly phase: number;
  /** Rows before the first one written in the open segment (a phased first segment), else 0. */
  private unused = 0;

  /**
   * `heldRows`: the most rows the owner keeps in memory (it drops older ones by age), which sizes
   * the segments. `phase` places an empty ring's first row that far into its first segment.
   * Rings filled in step (a thousand containers, one row each a round) would otherwise all seal
   * a segment in the same round: given different phases, their seals spread over a segment's
   * rounds. It costs only the unused start of the first segment.
   */
  constructor(
    maxRows: number,
    valueColumns: number,
    countColumns = 0,
    countType: CountType | null = null,
    phase = 0,
    heldRows = maxRows,
  ) {
    this.maxRows = Math.max(1, Math.floor(maxRows));
    this.rows = segmentRowsFor(this.maxRows, heldRows);
    this.phase = Math.abs(Math.floor(phase)) % this.rows;
    this.valueColumns = valueColumns;
    this.countColumns = countColumns;
    this.countType = countType;
  }

  timeAt(i: number): number {
    const p = this.head + i;
    const seg = this.segments[(p / this.rows) | 0]!;
    const r = p % this.rows;
    const v = seg.packed;
    if (v === null) return seg.times[r]!;
    return seg.wholeMs ? seg.timeBase + v.getUint32(r * 4, LE) : v.getFloat64(r * 8, LE);
  }

  /** Value column c of logical row i (0 = oldest). */
  valueAt(c: number, i: number): number {
    const p = this.head + i;
    const rows = this.rows;
    const seg = this.segments[(p / rows) | 0]!;
    const r = p % rows;
    const v = seg.packed;
    if (v === null) return seg.values[c * rows + r]!;
    const s = v.getInt16(seg.slotAt + 2 * c, LE);
    if (s >= 0) return v.getFloat32(seg.valuesAt + 4 * (s * rows + r), LE);
    if (s === -1) return v.getFloat32(seg.constAt + 4 * c, LE);
    const o = seg.narrowAt + 3 * ((-2 - s) * rows + r);
    BITS[0] =
      ((v.getUint8(seg.topAt + c) << 24) |
        (v.getUint8(o) << 16) |
        (v.getUint8(o + 1) << 8) |
        v.getUint8(o + 2)) >>>
      0;
    return FLOAT[0]!;
  }

  countAt(c: number, i: number): number {
    const p = this.head + i;
    const rows = this.rows;
    const seg = this.segments[(p / rows) | 0]!;
    const r = p % rows;
    const v = seg.packed;
    if (v === null) return seg.counts![c * rows + r]!;
    const s = v.getInt16(seg.countSlotAt + 2 * c, LE);
    if (s < 0) return v.getUint32(seg.constCountsAt + 4 * c, LE);
    const bytes = seg.countBytes;
    const at = seg.countsAt + (s * rows + r) * bytes;
    return bytes === 1 ? v.getUint8(at) : bytes === 2 ? v.getUint16(at, LE) : v.getUint32(at, LE);
  }

  oldestTime(): number {
    return this.size === 0 ? Number.NaN : this.timeAt(0);
  }

  newestTime(): number {
    return this.size === 0 ? Number.NaN : this.timeAt(this.size - 1);
  }

  /**
   * Adds a newest row at `time` and returns its offset in `tail()`, where the caller writes the
   * values (`values[c * rows + offset]`). A ring at its maximum drops its oldest row.
   */
  append(time: number): number {
    if (this.size === this.maxRows) this.dropFront(1);
    if (this.segments.length === 0) this.head = this.phase;
    const p = this.head + this.size;
    const offset = p % this.rows;
    if (((p / this.rows) | 0) === this.segments.length) {
      const last = this.segments.length - 1;
      if (last >= 0) this.segments[last] = this.seal(this.segments[last]!);
      this.segments.push(this.openSegment());
      this.unused = offset;
    }
    this.size += 1;
    this.segments[this.segments.length - 1]!.times[offset] = time;
    return offset;
  }

  /** The open segment, holding the newest row. */
  tail(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Drops rows older than `cutoff`. */
  dropBefore(cutoff: number): void {
    if (this.size === 0 || this.timeAt(0) >= cutoff) return;
    this.dropFront(this.lowerBound(cutoff));
  }

  /** Logical index of the first row at or after `time` (binary search: rows are in time order). */
  lowerBound(time: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  reset(): void {
    this.segments = [];
    this.spare = null;
    this.pool = [];
    this.head = 0;
    this.size = 0;
    this.dropped = false;
  }

  byteLength(): number {
    let bytes = 0;
    // Every array of a segment is a view of one buffer.
    for (const s of this.segments) bytes += bufferOf(s).byteLength;
    if (this.spare) bytes += bufferOf(this.spare).byteLength;
    for (const s of this.pool) bytes += bufferOf(s).byteLength;
    return bytes;
  }

  private dropFront(n: number): void {
    if (n <= 0) return;
    this.dropped = true;
    this.head += n;
    this.size -= n;
    while (this.head >= this.rows) {
      const freed = this.segments.shift()!;
      this.head -= this.rows;
      if (freed.packed === null) {
        if (!this.spare) this.spare = freed;
      } else this.keep(freed);
    }
    if (this.size === 0) {
      this.segments = [];
      this.head = 0;
      this.spare = null;
      this.pool = [];
    }
  }

  private openSegment(): Segment {
    const spare = this.spare;
    if (spare) {
      this.spare = null;
      return spare;
    }
    const rows = this.rows;
    const valueBytes = rows * this.valueColumns * 4;
    const countBytes = this.countType
      ? rows * this.countColumns * this.countType.BYTES_PER_ELEMENT
      : 0;
    const buffer = new ArrayBuffer(rows * 8 + valueBytes + countBytes);
    return {
      times: new Float64Array(buffer, 0, rows),
      values: new Float32Array(buffer, rows * 8, rows * this.valueColumns),
      counts: this.countType
        ? new this.countType(buffer, rows * 8 + valueBytes, rows * this.countColumns)
        : null,
      packed: null,
      wholeMs: false,
      timeBase: 0,
      valuesAt: 0,
      constAt: 0,
      slotAt: 0,
      topAt: 0,
      narrowAt: 0,
      countsAt: 0,
      constCountsAt: 0,
      countSlotAt: 0,
      countBytes: 0,
    };
  }

  /**
   * Copies a full segment into one buffer of its own (or a freed one that holds it), packed
   * as `Segment` describes; the open-layout buffer becomes the spare for the next open segment.
   */
  private seal(seg: Segment): Segment {
    const rows = this.rows;
    if (this.unused > 0) this.fillUnused(seg);
    const bits = new Uint32Array(seg.values.buffer, seg.values.byteOffset, seg.values.length);
    const plan = planValues(bits, this.valueColumns, rows);
    const counts = seg.counts ? planCounts(seg.counts, this.countColumns, rows) : null;
    const countVarying = counts?.varying ?? 0;
    const base = seg.times[0]!;
    const span = seg.times[rows - 1]! - base;
    let wholeMs = span >= 0 && span < 2 ** 32;
    for (let r = 0; r < rows && wholeMs; r++) wholeMs = Number.isInteger(seg.times[r]!);
    const layout = sealedLayout(this, plan, seg.counts, countVarying, wholeMs);
    const buffer = this.takePooled(layout.bytes);
    const views = this.sealedOn(buffer, layout, seg.counts);
    if (views.timeOffsets) {
      for (let r = 0; r < rows; r++) views.timeOffsets[r] = seg.times[r]! - base;
    } else views.times.set(seg.times);
    writeValues(bits, plan, rows, views);
    if (seg.counts && counts) writeCounts(seg.counts, counts.constant, rows, views);
    this.spare = seg;
    return {
      times: NO_TIMES,
      values: NO_VALUES,
      counts: null,
      packed: new DataView(buffer, 0, layout.bytes),
      wholeMs,
      timeBase: wholeMs ? base : 0,
      valuesAt: layout.values,
      constAt: layout.constValues,
      slotAt: layout.valueSlot,
      topAt: layout.top,
      narrowAt: layout.narrow,
      countsAt: layout.counts,
      constCountsAt: layout.constCounts,
      countSlotAt: layout.countSlot,
      countBytes: seg.counts?.BYTES_PER_ELEMENT ?? 0,
    };
  }

  /**
   * Copies the first written row into the rows before it, never read: the segment then packs as
   * if the ring had started at its first row (a constant column stays constant).
   */
  private fillUnused(seg: Segment): void {
    const rows = this.rows;
    const from = this.unused;
    this.unused = 0;
    seg.times.fill(seg.times[from]!, 0, from);
    for (let c = 0; c < this.valueColumns; c++) {
      seg.values.fill(seg.values[c * rows + from]!, c * rows, c * rows + from);
    }
    const counts = seg.counts;
    if (!counts) return;
    for (let c = 0; c < this.countColumns; c++) {
      counts.fill(counts[c * rows + from]!, c * rows, c * rows + from);
    }
  }

  /**
   * A freed sealed buffer that holds `bytes` without wasting more than a quarter of them, or a
   * new one (with an eighth to spare once the ring drops rows). Seals and drops of one ring come in step (one of each a
   * segment's rows), so the buffer freed by a drop nearly always takes the next seal: sealed
   * sizes vary with the data, and buffers of exactly one size would rarely be reused. Buffers
   * left to the garbage collector are freed only at its next full collection, and in the
   * meantime the C heap grows around them.
   */
  private takePooled(bytes: number): ArrayBuffer {
    for (let i = 0; i < this.pool.length; i++) {
      const capacity = bufferOf(this.pool[i]!).byteLength;
      if (capacity >= bytes && capacity - bytes <= bytes / 4) {
        return bufferOf(this.pool.splice(i, 1)[0]!);
      }
    }
    // Room to spare only where buffers come back: a ring still filling keeps what it seals.
    const spare = this.dropped ? bytes / 8 : 0;
    return new ArrayBuffer(Math.ceil((bytes + spare) / 8) * 8);
  }

  /** Keeps a freed sealed segment for a later seal: the two largest freed. */
  private keep(freed: Segment): void {
    if (this.pool.length < 2) {
      this.pool.push(freed);
      return;
    }
    const size = (s: Segment) => bufferOf(s).byteLength;
    const smallest = size(this.pool[0]!) <= size(this.pool[1]!) ? 0 : 1;
    if (size(freed) > size(this.pool[smallest]!)) this.pool[smallest] = freed;
  }

  private sealedOn(buffer: ArrayBuffer, l: SealedLayout, counts: CountArray | null): SealedViews {
    const rows = this.rows;
    const vc = this.valueColumns;
    const cc = counts ? this.countColumns : 0;
    const CountCtor = counts ? (counts.constructor as CountType) : null;
    return {
      times: new Float64Array(buffer, 0, l.wholeMs ? 0 : rows),
      timeOffsets: l.wholeMs ? new Uint32Array(buffer, 0, rows) : null,
      values: new Float32Array(buffer, l.values, l.full * rows),
      counts: CountCtor ? new CountCtor(buffer, l.counts, l.countVarying * rows) : null,
      valueSlot: new Int16Array(buffer, l.valueSlot, vc),
      constValues: new Float32Array(buffer, l.constValues, vc),
      topBytes: new Uint8Array(buffer, l.top, vc),
      narrow: new Uint8Array(buffer, l.narrow, l.narrowColumns * rows * 3),
      countSlot: CountCtor ? new Int16Array(buffer, l.countSlot, cc) : null,
      constCounts: CountCtor ? new Uint32Array(buffer, l.constCounts, cc) : null,
    };
  }
}

/** The buffer a segment lives in. */
function bufferOf(s: Segment): ArrayBuffer {
  return (s.packed ? s.packed.buffer : s.times.buffer) as ArrayBuffer;
}

/** Byte offsets of a sealed segment's arrays in its buffer, and the bytes it needs. */
interface SealedLayout {
  wholeMs: boolean;
  full: number;
  narrowColumns: number;
  countVarying: number;
  constValues: number;
  values: number;
  constCounts: number;
  counts: number;
  valueSlot: number;
  countSlot: number;
  top: number;
  narrow: number;
  bytes: number;
}

function sealedLayout(
  ring: { rows: number; valueColumns: number; countColumns: number },
  plan: ValuePlan,
  counts: CountArray | null,
  countVarying: number,
  wholeMs: boolean,
): SealedLayout {
  const { rows, valueColumns: vc } = ring;
  const cc = counts ? ring.countColumns : 0;
  const countSize = counts?.BYTES_PER_ELEMENT ?? 1;
  // Layout: times | const values | Float32 values | const counts | counts | slots | top bytes | narrow.
  let offset = rows * (wholeMs ? 4 : 8);
  const take = (bytes: number, align: number) => {
    offset = Math.ceil(offset / align) * align;
    const start = offset;
    offset += bytes;
    return start;
  };
  const constValues = take(vc * 4, 4);
  const values = take(plan.full * rows * 4, 4);
  const constCounts = take(cc * 4, 4);
  const countsAt = take(countVarying * rows * countSize, countSize);
  const valueSlot = take(vc * 2, 2);
  const countSlot = take(cc * 2, 2);
  const top = take(vc, 1);
  const narrow = take(plan.narrow * rows * 3, 1);
  return {
    wholeMs,
    full: plan.full,
    narrowColumns: plan.narrow,
    countVarying,
    constValues,
    values,
    constCounts,
    counts: countsAt,
    valueSlot,
    countSlot,
    top,
    narrow,
    bytes: Math.ceil(offset / 8) * 8,
  };
}

/** Per value column: 0 Float32, 1 constant, 2 narrow (shared top byte); and how many of each. */
interface ValuePlan {
  kind: Uint8Array;
  full: number;
  narrow: number;
}

function planValues(bits: Uint32Array, columns: number, rows: number): ValuePlan {
  const kind = new Uint8Array(columns);
  let full = 0;
  let narrow = 0;
  for (let c = 0; c < columns; c++) {
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
    if (same) kind[c] = 1;
    else if (sameTop) {
      kind[c] = 2;
      narrow += 1;
    } else full += 1;
  }
  return { kind, full, narrow };
}

function writeValues(bits: Uint32Array, plan: ValuePlan, rows: number, sealed: SealedViews): void {
  const slot = sealed.valueSlot;
  const constants = new Uint32Array(
    sealed.constValues.buffer,
    sealed.constValues.byteOffset,
    slot.length,
  );
  const full = new Uint32Array(
    sealed.values.buffer,
    sealed.values.byteOffset,
    sealed.values.length,
  );
  const narrow = sealed.narrow;
  const top = sealed.topBytes;
  let nextFull = 0;
  let nextNarrow = 0;
  for (let c = 0; c < slot.length; c++) {
    const base = c * rows;
    const k = plan.kind[c];
    if (k === 1) {
      slot[c] = -1;
      constants[c] = bits[base]!;
    } else if (k === 2) {
      slot[c] = -2 - nextNarrow;
      top[c] = bits[base]! >>> 24;
      let o = nextNarrow * rows * 3;
      for (let r = 0; r < rows; r++) {
        const b = bits[base + r]!;
        narrow[o++] = (b >>> 16) & 0xff;
        narrow[o++] = (b >>> 8) & 0xff;
        narrow[o++] = b & 0xff;
      }
      nextNarrow += 1;
    } else {
      slot[c] = nextFull;
      full.set(bits.subarray(base, base + rows), nextFull * rows);
      nextFull += 1;
    }
  }
}

/** Which count columns are constant, and how many vary. */
function planCounts(
  data: CountArray,
  columns: number,
  rows: number,
): { constant: Uint8Array; varying: number } {
  const constant = new Uint8Array(columns);
  let varying = 0;
  for (let c = 0; c < columns; c++) {
    const base = c * rows;
    const first = data[base]!;
    let same = 1;
    for (let r = 1; r < rows; r++) {
      if (data[base + r] !== first) {
        same = 0;
        break;
      }
    }
    constant[c] = same;
    if (!same) varying += 1;
  }
  return { constant, varying };
}

function writeCounts(
  from: CountArray,
  constant: Uint8Array,
  rows: number,
  sealed: SealedViews,
): void {
  const slot = sealed.countSlot!;
  let next = 0;
  for (let c = 0; c < slot.length; c++) {
    if (constant[c]) {
      slot[c] = -1;
      sealed.constCounts![c] = from[c * rows]!;
    } else {
      slot[c] = next;
      sealed.counts!.set(from.subarray(c * rows, (c + 1) * rows), next * rows);
      next += 1;
    }
  }
}
