import {
  type CountType,
  LE,
  moveSegment,
  planSegment,
  roundUp8,
  type Segment,
  writeSegment,
} from './segment-packing.js';

export type { CountArray, CountType, Segment } from './segment-packing.js';

// Turns the 32 bits of a narrow value back into its Float32.
const BITS = new Uint32Array(1);
const FLOAT = new Float32Array(BITS.buffer);

/**
 * Rows per segment for a ring of `maxRows`: a divisor of it (3600 raw rows, 1440 minutes, 720
 * hours by default), so a full ring wastes at most one segment, and about 1/24 of the ring so
 * a slowly filling tier (hours) does not take a day's room at once. At most 120. A ring that
 * holds fewer rows in memory (`heldRows`: older ones live on disk) gets 1/15 of those: its open
 * segment, which is not packed, is then a smaller share of it. Not smaller: each sealed segment
 * also costs its object and header. For the agent's raw ring (900 of 3600 rows held), when each
 * sealed segment still had a buffer and a view of its own, 36-row segments used as much memory
 * at 1,000 containers as 120, and 60 the least (apps/agent README). A ring of at most 8 rows is
 * one segment.
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
   * The sealed segments' bytes, oldest to newest, used as a circular buffer: a seal writes after
   * the newest segment, or at the start once the oldest ones there were dropped, and the arena
   * grows (copying what it holds) only when neither has room. One buffer and one view for all of
   * a ring's sealed segments, not one each: a buffer and a view cost about 350 bytes besides the
   * data (V8's objects, malloc's backing-store records); at 1,000 containers an agent with them
   * held 47.5 MB of glibc heap and 60.5 MB of V8 pages (with minutes of 80-110), against 33.9 and
   * 52.8 MB without (apps/agent README). Drops and seals come in step, so a ring in its steady
   * state allocates nothing.
   */
  private arena: DataView | null = null;
  /**
   * Set for a ring that holds over 16 sealed segments (a store without a disk keeps a day in
   * memory): its sealed segments have a buffer each, since growing an arena that large left
   * holes in the C heap (17 MB more resident in bench/memory.bench.mjs). Freed buffers are then
   * kept in `pool` for later seals.
   */
  private readonly ownBuffers: boolean;
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
    this.ownBuffers = Math.ceil(Math.min(heldRows, this.maxRows) / this.rows) > 16;
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
    return seg.wholeMs
      ? seg.timeBase + v.getUint32(seg.at + r * 4, LE)
      : v.getFloat64(seg.at + r * 8, LE);
  }

  /** Value column c of logical row i (0 = oldest). */
  valueAt(c: number, i: number): number {
    const p = this.head + i;
    const rows = this.rows;
    const seg = this.segments[(p / rows) | 0]!;
    const r = p % rows;
    const v = seg.packed;
    if (v === null) return seg.values[c * rows + r]!;
    const code =
      seg.codeBytes === 1 ? v.getUint8(seg.codesAt + c) : v.getUint16(seg.codesAt + 2 * c, LE);
    if (code < seg.full) return v.getFloat32(seg.valuesAt + 4 * (code * rows + r), LE);
    if (code >= seg.narrowEnd) return v.getFloat32(seg.constAt + 4 * (code - seg.narrowEnd), LE);
    const k = code - seg.full;
    const o = seg.narrowAt + 3 * (k * rows + r);
    BITS[0] =
      ((v.getUint8(seg.topAt + k) << 24) |
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
    const cb = seg.codeBytes;
    const at = seg.codesAt + (this.valueColumns + c) * cb;
    const code = cb === 1 ? v.getUint8(at) : v.getUint16(at, LE);
    const varying = seg.countVarying;
    if (code >= varying) return v.getUint32(seg.constCountsAt + 4 * (code - varying), LE);
    const bytes = seg.countBytes;
    const o = seg.countsAt + (code * rows + r) * bytes;
    return bytes === 1 ? v.getUint8(o) : bytes === 2 ? v.getUint16(o, LE) : v.getUint32(o, LE);
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
    this.arena = null;
    this.pool = [];
    this.head = 0;
    this.size = 0;
    this.dropped = false;
  }

  byteLength(): number {
    // Every array of an open segment is a view of one buffer; sealed ones share the arena or
    // have a buffer each.
    let bytes = this.arena?.byteLength ?? 0;
    for (const s of this.segments) {
      if (s.packed === null) bytes += s.times.buffer.byteLength;
      else if (this.arena === null) bytes += s.packed.byteLength;
    }
    if (this.spare) bytes += this.spare.times.buffer.byteLength;
    for (const s of this.pool) bytes += s.packed!.byteLength;
    return bytes;
  }

  private dropFront(n: number): void {
    if (n <= 0) return;
    this.dropped = true;
    this.head += n;
    this.size -= n;
    while (this.head >= this.rows) {
      // A sealed segment's bytes in the arena are free once it leaves the list (see `allocate`).
      const freed = this.segments.shift()!;
      this.head -= this.rows;
      if (freed.packed === null) {
        if (!this.spare) this.spare = freed;
      } else if (this.ownBuffers) this.keep(freed);
    }
    if (this.size === 0) {
      this.reset();
      this.dropped = true;
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
      at: 0,
      bytes: 0,
      wholeMs: false,
      timeBase: 0,
      codesAt: 0,
      codeBytes: 1,
      full: 0,
      narrowEnd: 0,
      valuesAt: 0,
      constAt: 0,
      topAt: 0,
      narrowAt: 0,
      countVarying: 0,
      countsAt: 0,
      constCountsAt: 0,
      countBytes: 0,
    };
  }

  /**
   * Copies a full segment, packed as `Segment` describes, into the arena or a buffer of its own
   * (or a freed one that holds it); the open-layout buffer becomes the spare for the next open
   * segment. Called with the segment still last in the list.
   */
  private seal(seg: Segment): Segment {
    if (this.unused > 0) this.fillUnused(seg);
    const { rows, valueColumns, countColumns } = this;
    const plan = planSegment(seg, rows, valueColumns, countColumns);
    const own = this.ownBuffers;
    const at = own ? 0 : this.allocate(plan.bytes);
    const to = own ? new DataView(this.takePooled(plan.bytes)) : this.arena!;
    const sealed = writeSegment(seg, plan, rows, valueColumns, countColumns, to, at);
    this.spare = seg;
    return sealed;
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
   * new one (with an eighth to spare once the ring drops rows). Seals and drops of one ring come
   * in step (one of each a segment's rows), so the buffer freed by a drop nearly always takes the
   * next seal: sealed sizes vary with the data, and buffers of exactly one size would rarely be
   * reused. Buffers left to the garbage collector are freed only at its next full collection,
   * and in the meantime the C heap grows around them.
   */
  private takePooled(bytes: number): ArrayBuffer {
    for (let i = 0; i < this.pool.length; i++) {
      const capacity = this.pool[i]!.packed!.byteLength;
      if (capacity >= bytes && capacity - bytes <= bytes / 4) {
        return this.pool.splice(i, 1)[0]!.packed!.buffer as ArrayBuffer;
      }
    }
    // Room to spare only where buffers come back: a ring still filling keeps what it seals.
    const spare = this.dropped ? bytes / 8 : 0;
    return new ArrayBuffer(roundUp8(bytes + spare));
  }

  /** Keeps a freed sealed segment for a later seal: the two largest freed. */
  private keep(freed: Segment): void {
    if (this.pool.length < 2) {
      this.pool.push(freed);
      return;
    }
    const size = (s: Segment) => s.packed!.byteLength;
    const smallest = size(this.pool[0]!) <= size(this.pool[1]!) ? 0 : 1;
    if (size(freed) > size(this.pool[smallest]!)) this.pool[smallest] = freed;
  }

  /**
   * Where in the arena the next sealed segment's `bytes` go: after the newest sealed segment, or
   * at the start if the oldest ones there were dropped; else the arena grows.
   */
  private allocate(bytes: number): number {
    const sealed = this.segments.length - 1; // the last one is being sealed
    const arena = this.arena;
    if (sealed === 0 || arena === null) {
      if (arena === null || arena.byteLength < bytes) this.grow(bytes, 0);
      return 0;
    }
    const head = this.segments[0]!.at;
    const newest = this.segments[sealed - 1]!;
    const tail = newest.at + newest.bytes;
    const capacity = arena.byteLength;
    if (newest.at >= head) {
      if (capacity - tail >= bytes) return tail;
      if (head >= bytes) return 0;
    } else if (head - tail >= bytes) return tail;
    return this.grow(bytes, sealed);
  }

  /**
   * A new arena holding the first `sealed` segments, packed from its start, and room for
   * `bytes` more after them (where it returns), with an eighth or a segment to spare, whichever
   * is more: sealed sizes vary with the data, and a ring that wraps around needs room for the
   * next segment where the oldest was. A ring that fills grows every segment or two; each copy
   * is of a few KB, and an arena a half or twice too large (doubling) would cost more memory
   * than the buffers per segment this saves.
   */
  private grow(bytes: number, sealed: number): number {
    let live = 0;
    for (let i = 0; i < sealed; i++) live += this.segments[i]!.bytes;
    const need = live + bytes;
    const capacity = roundUp8(need + Math.max(need / 8, bytes));
    const to = new DataView(new ArrayBuffer(capacity));
    const from = this.arena;
    let at = 0;
    for (let i = 0; i < sealed; i++) {
      const seg = this.segments[i]!;
      new Uint8Array(to.buffer, at, seg.bytes).set(new Uint8Array(from!.buffer, seg.at, seg.bytes));
      moveSegment(seg, at - seg.at, to);
      at += seg.bytes;
    }
    this.arena = to;
    return at;
  }
}
