/** Integer counts of a rollup bucket: the smallest type that holds the most samples a bucket gets. */
export type CountArray = Uint8Array | Uint16Array | Uint32Array;
export type CountType = Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/**
 * A block of rows in column layout. While it is the ring's open (newest) segment, column c lives
 * at `values[c * rows + r]`. Once full it is sealed: a column whose every row holds the same
 * bits (a memory limit, a core count, a field the platform never fills, a bucket count) is kept
 * as one number in `constValues`, and the other columns are packed, `valueSlot[c]` saying where
 * (-1 = constant). Real hosts have many such columns; sealing costs one pass per `rows` samples.
 * One typed array per kind of data (not one per column) keeps the JS objects per segment few.
 */
export interface Segment {
  times: Float64Array;
  values: Float32Array;
  counts: CountArray | null;
  valueSlot: Int16Array | null;
  constValues: Float32Array | null;
  countSlot: Int16Array | null;
  constCounts: Uint32Array | null;
}

/**
 * Rows per segment for a ring of `maxRows`: a divisor of it (3600 raw rows, 1440 minutes, 720
 * hours by default), so a full ring wastes at most one segment, and about 1/24 of the ring so
 * a slowly filling tier (hours) does not take a day's room at once. At most 120.
 */
export function segmentRowsFor(maxRows: number): number {
  const target = Math.max(8, Math.min(120, Math.floor(maxRows / 24)));
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
   * Sealed segments freed at the old end, reused by the next seal with the same shape: a ring in
   * its steady state then allocates nothing, so neither the allocator nor V8's young generation
   * sees a stream of new buffers.
   */
  private pool: Segment[] = [];

  constructor(
    maxRows: number,
    valueColumns: number,
    countColumns = 0,
    countType: CountType | null = null,
  ) {
    this.maxRows = Math.max(1, Math.floor(maxRows));
    this.rows = segmentRowsFor(this.maxRows);
    this.valueColumns = valueColumns;
    this.countColumns = countColumns;
    this.countType = countType;
  }

  timeAt(i: number): number {
    const p = this.head + i;
    return this.segments[(p / this.rows) | 0]!.times[p % this.rows]!;
  }

  /** Value column c of logical row i (0 = oldest). */
  valueAt(c: number, i: number): number {
    const p = this.head + i;
    const seg = this.segments[(p / this.rows) | 0]!;
    const r = p % this.rows;
    const slots = seg.valueSlot;
    if (slots === null) return seg.values[c * this.rows + r]!;
    const s = slots[c]!;
    return s < 0 ? seg.constValues![c]! : seg.values[s * this.rows + r]!;
  }

  countAt(c: number, i: number): number {
    const p = this.head + i;
    const seg = this.segments[(p / this.rows) | 0]!;
    const r = p % this.rows;
    const slots = seg.countSlot;
    if (slots === null) return seg.counts![c * this.rows + r]!;
    const s = slots[c]!;
    return s < 0 ? seg.constCounts![c]! : seg.counts![s * this.rows + r]!;
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
    const p = this.head + this.size;
    const offset = p % this.rows;
    if (offset === 0 && ((p / this.rows) | 0) === this.segments.length) {
      const last = this.segments.length - 1;
      if (last >= 0) this.segments[last] = this.seal(this.segments[last]!);
      this.segments.push(this.openSegment());
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
    for (const s of this.segments) bytes += s.times.buffer.byteLength;
    if (this.spare) bytes += this.spare.times.buffer.byteLength;
    for (const s of this.pool) bytes += s.times.buffer.byteLength;
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
      if (freed.valueSlot === null) {
        if (!this.spare) this.spare = freed;
      } else if (this.pool.length < 2) this.pool.push(freed);
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
      valueSlot: null,
      constValues: null,
      countSlot: null,
      constCounts: null,
    };
  }

  /**
   * Copies a full segment into one buffer of its own, constant columns kept as one number each;
   * the open-layout buffer becomes the spare for the next open segment.
   */
  private seal(seg: Segment): Segment {
    const rows = this.rows;
    const bits = new Uint32Array(seg.values.buffer, seg.values.byteOffset, seg.values.length);
    const values = varying(bits, this.valueColumns, rows);
    const counts = seg.counts ? varying(seg.counts, this.countColumns, rows) : null;
    const countSize = seg.counts ? (seg.counts.constructor as CountType).BYTES_PER_ELEMENT : 0;
    const reuse = this.pool.findIndex(
      (p) =>
        p.values.length === values.count * rows &&
        (p.counts?.length ?? 0) === (counts?.count ?? 0) * rows,
    );
    if (reuse >= 0) {
      const sealed = this.pool.splice(reuse, 1)[0]!;
      sealed.times.set(seg.times);
      fill(seg.values, values, rows, sealed.valueSlot!, sealed.constValues!, sealed.values);
      if (seg.counts && counts)
        fill(seg.counts, counts, rows, sealed.countSlot!, sealed.constCounts!, sealed.counts!);
      this.spare = seg;
      return sealed;
    }
    // Layout: times | value slots | constant values | values | count slots | constant counts | counts.
    const vc = this.valueColumns;
    const cc = this.countColumns;
    let offset = rows * 8;
    const at = (bytes: number, align: number) => {
      offset = Math.ceil(offset / align) * align;
      const start = offset;
      offset += bytes;
      return start;
    };
    const oValueSlot = at(vc * 2, 2);
    const oConstValues = at(vc * 4, 4);
    const oValues = at(values.count * rows * 4, 4);
    const oCountSlot = at(seg.counts ? cc * 2 : 0, 2);
    const oConstCounts = at(seg.counts ? cc * 4 : 0, 4);
    const oCounts = at(counts ? counts.count * rows * countSize : 0, Math.max(1, countSize));
    const buffer = new ArrayBuffer(Math.ceil(offset / 8) * 8);
    const times = new Float64Array(buffer, 0, rows);
    times.set(seg.times);
    const sealed: Segment = {
      times,
      values: new Float32Array(buffer, oValues, values.count * rows),
      counts: null,
      valueSlot: new Int16Array(buffer, oValueSlot, vc),
      constValues: new Float32Array(buffer, oConstValues, vc),
      countSlot: null,
      constCounts: null,
    };
    fill(seg.values, values, rows, sealed.valueSlot!, sealed.constValues!, sealed.values);
    if (seg.counts && counts) {
      const Type = seg.counts.constructor as CountType;
      sealed.counts = new Type(buffer, oCounts, counts.count * rows);
      sealed.countSlot = new Int16Array(buffer, oCountSlot, cc);
      sealed.constCounts = new Uint32Array(buffer, oConstCounts, cc);
      fill(seg.counts, counts, rows, sealed.countSlot, sealed.constCounts, sealed.counts);
    }
    this.spare = seg;
    return sealed;
  }
}

/** Which columns vary (row to row, bit for bit); the others are constants. */
function varying(
  data: Uint32Array | CountArray,
  columns: number,
  rows: number,
): { constant: Uint8Array; count: number } {
  const constant = new Uint8Array(columns);
  let count = 0;
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
    if (!same) count += 1;
  }
  return { constant, count };
}

/** Writes slots, constants and the packed varying columns of a sealed segment. */
function fill(
  from: Float32Array | CountArray,
  plan: { constant: Uint8Array },
  rows: number,
  slot: Int16Array,
  constants: Float32Array | Uint32Array,
  packed: Float32Array | CountArray,
): void {
  let next = 0;
  for (let c = 0; c < slot.length; c++) {
    if (plan.constant[c]) {
      slot[c] = -1;
      constants[c] = from[c * rows]!;
    } else {
      slot[c] = next;
      packed.set(from.subarray(c * rows, (c + 1) * rows), next * rows);
      next += 1;
    }
  }
}
