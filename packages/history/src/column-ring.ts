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
  /** Buffers of a sealed or freed segment, for the next open one. */
  private spare: { values: Float32Array; counts: CountArray | null } | null = null;

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
    this.head = 0;
    this.size = 0;
    this.dropped = false;
  }

  byteLength(): number {
    let bytes = 0;
    for (const s of this.segments) {
      bytes += s.times.byteLength + s.values.byteLength + (s.counts?.byteLength ?? 0);
      bytes += (s.valueSlot?.byteLength ?? 0) + (s.constValues?.byteLength ?? 0);
      bytes += (s.countSlot?.byteLength ?? 0) + (s.constCounts?.byteLength ?? 0);
    }
    if (this.spare) bytes += this.spare.values.byteLength + (this.spare.counts?.byteLength ?? 0);
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
      if (freed.valueSlot === null && freed.countSlot === null && !this.spare) {
        this.spare = { values: freed.values, counts: freed.counts };
      }
    }
    if (this.size === 0) {
      this.segments = [];
      this.head = 0;
      this.spare = null;
    }
  }

  private openSegment(): Segment {
    const spare = this.spare;
    this.spare = null;
    return {
      times: new Float64Array(this.rows),
      values: spare?.values ?? new Float32Array(this.rows * this.valueColumns),
      counts: spare
        ? spare.counts
        : this.countType
          ? new this.countType(this.rows * this.countColumns)
          : null,
      valueSlot: null,
      constValues: null,
      countSlot: null,
      constCounts: null,
    };
  }

  /** Packs a full segment's constant columns away; its open-layout buffers become the spare. */
  private seal(seg: Segment): Segment {
    const rows = this.rows;
    const bits = new Uint32Array(seg.values.buffer, seg.values.byteOffset, seg.values.length);
    const values = pack(bits, this.valueColumns, rows);
    const counts = seg.counts ? pack(seg.counts, this.countColumns, rows) : null;
    if (!values && !counts) return seg;
    this.spare = { values: seg.values, counts: seg.counts };
    const sealed: Segment = { ...seg };
    if (values) {
      sealed.valueSlot = values.slot;
      sealed.constValues = new Float32Array(values.constants.buffer);
      sealed.values = new Float32Array(values.packed.buffer);
    } else {
      sealed.values = seg.values.slice();
    }
    if (counts) {
      sealed.countSlot = counts.slot;
      sealed.constCounts = counts.constants;
      sealed.counts = counts.packed as CountArray;
    } else if (seg.counts) {
      sealed.counts = seg.counts.slice();
    }
    return sealed;
  }
}

/** Columns whose rows all hold the same bits become constants; null when none do. */
function pack(
  data: Uint32Array | Uint8Array | Uint16Array,
  columns: number,
  rows: number,
): {
  slot: Int16Array;
  constants: Uint32Array;
  packed: Uint32Array | Uint8Array | Uint16Array;
} | null {
  const slot = new Int16Array(columns);
  const constants = new Uint32Array(columns);
  let varying = 0;
  for (let c = 0; c < columns; c++) {
    const base = c * rows;
    const first = data[base]!;
    let same = true;
    for (let r = 1; r < rows; r++) {
      if (data[base + r] !== first) {
        same = false;
        break;
      }
    }
    if (same) {
      slot[c] = -1;
      constants[c] = first;
    } else {
      slot[c] = varying++;
    }
  }
  if (varying === columns) return null;
  const Type = data.constructor as Uint32ArrayConstructor;
  const packed = new Type(varying * rows);
  for (let c = 0; c < columns; c++) {
    const s = slot[c]!;
    if (s >= 0) packed.set(data.subarray(c * rows, (c + 1) * rows), s * rows);
  }
  return { slot, constants, packed };
}
