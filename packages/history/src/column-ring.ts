/** A typed array that can hold one column of a ring. */
export type Column = Float32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array;

/** Makes the value columns of a ring for a given row capacity. */
export type ColumnFactory = (rows: number) => Column[];

const INITIAL_ROWS = 64;

/**
 * Rows of a series in time order: one Float64Array of timestamps (ms since the epoch need 41
 * bits, more than a Float32 holds) shared by every value column. Starts small and doubles up to
 * `maxRows`, so a short-lived container never pays for a full day; once full, the oldest row is
 * overwritten. A class (not a factory) because it sits on the append hot path and V8 keeps its
 * fields at fixed offsets.
 */
export class ColumnRing {
  times: Float64Array;
  columns: Column[];
  /** Physical index of the oldest row. */
  head = 0;
  size = 0;
  /** Set once a row was lost to age or count: older data then lives only in coarser tiers. */
  dropped = false;
  readonly maxRows: number;
  private readonly make: ColumnFactory;

  constructor(maxRows: number, make: ColumnFactory) {
    this.maxRows = Math.max(1, Math.floor(maxRows));
    this.make = make;
    const rows = Math.min(this.maxRows, INITIAL_ROWS);
    this.times = new Float64Array(rows);
    this.columns = make(rows);
  }

  get allocated(): number {
    return this.times.length;
  }

  /** Physical index of the row `i` places after the oldest. */
  slot(i: number): number {
    const at = this.head + i;
    const n = this.times.length;
    return at < n ? at : at - n;
  }

  timeAt(i: number): number {
    return this.times[this.slot(i)]!;
  }

  oldestTime(): number {
    return this.size === 0 ? Number.NaN : this.times[this.head]!;
  }

  newestTime(): number {
    return this.size === 0 ? Number.NaN : this.timeAt(this.size - 1);
  }

  /** Claims the slot for a new newest row at `time` and returns its physical index. */
  append(time: number): number {
    if (this.size === this.times.length) {
      if (this.size < this.maxRows) this.grow(Math.min(this.maxRows, this.size * 2));
      else {
        // Full at its maximum: the oldest row goes.
        this.head = this.slot(1);
        this.size -= 1;
        this.dropped = true;
      }
    }
    const at = this.slot(this.size);
    this.times[at] = time;
    this.size += 1;
    return at;
  }

  /** Drops rows older than `cutoff`; gives memory back when the ring empties. */
  dropBefore(cutoff: number): void {
    let n = 0;
    while (n < this.size && this.timeAt(n) < cutoff) n += 1;
    if (n === 0) return;
    this.head = this.slot(n);
    this.size -= n;
    this.dropped = true;
    if (this.size === 0 && this.times.length > INITIAL_ROWS) this.reset(false);
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

  reset(clearDropped = true): void {
    const rows = Math.min(this.maxRows, INITIAL_ROWS);
    this.times = new Float64Array(rows);
    this.columns = this.make(rows);
    this.head = 0;
    this.size = 0;
    if (clearDropped) this.dropped = false;
  }

  byteLength(): number {
    let bytes = this.times.byteLength;
    for (const c of this.columns) bytes += c.byteLength;
    return bytes;
  }

  private grow(rows: number): void {
    const times = new Float64Array(rows);
    const columns = this.make(rows);
    const n = this.times.length;
    // Unwrap into the new arrays so the oldest row lands at index 0.
    const first = Math.min(this.size, n - this.head);
    times.set(this.times.subarray(this.head, this.head + first), 0);
    times.set(this.times.subarray(0, this.size - first), first);
    for (let c = 0; c < columns.length; c++) {
      const from = this.columns[c]!;
      const to = columns[c]!;
      to.set(from.subarray(this.head, this.head + first), 0);
      to.set(from.subarray(0, this.size - first), first);
    }
    this.times = times;
    this.columns = columns;
    this.head = 0;
  }
}
