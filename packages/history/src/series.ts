import { ColumnRing } from './column-ring.js';
import type { HistoryTier, ResolvedHistoryConfig } from './history-config.js';
import type { SeriesKey, SeriesKind } from './series-key.js';

/** What identifies a series: its key, kind, id, display name, labels and field (column) order. */
export interface SeriesMeta {
  readonly key: SeriesKey;
  readonly kind: SeriesKind;
  readonly id: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly fields: readonly string[];
}

/**
 * What a store reports to its listeners (the SQLite persistence) as rows are written. The arrays
 * are views the store reuses: copy what you keep.
 */
export type HistoryEvent =
  | { type: 'raw'; series: SeriesMeta; time: number; values: Float64Array }
  | {
      type: 'bucket';
      series: SeriesMeta;
      level: number;
      start: number;
      min: Float64Array;
      max: Float64Array;
      avg: Float64Array;
      count: Float64Array;
    };

/** The open bucket of a tier, in full precision until it closes. */
export interface Accumulator {
  start: number;
  /** Inputs merged so far; 0 = no open bucket. */
  inputs: number;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
}

export interface Tier {
  resolutionMs: number;
  retentionMs: number;
  /** What of the tier stays in memory: its retention, or the store's hot window if shorter. */
  memoryMs: number;
  /** Value columns: min x n, max x n, avg x n (Float32); count columns x n (smallest integer type). */
  ring: ColumnRing;
  countMax: number;
  acc: Accumulator;
}

/**
 * One series (system, a container, a VM): a raw ring of Float32 columns and its rollup tiers.
 * Values are Float32: 24 bits of mantissa keep every gauge and percentage to 7 significant
 * digits (a relative error under 6e-8, far below what any of them measures), and halve the
 * memory of Float64, which is what keeps a day of 100 containers in tens of MB. Timestamps are
 * Float64. A null metric is stored as NaN.
 */
export class Series implements SeriesMeta {
  readonly key: SeriesKey;
  readonly kind: SeriesKind;
  readonly id: string;
  readonly fields: readonly string[];
  readonly n: number;
  name: string;
  labels: Record<string, string> = {};
  firstTime = Number.NaN;
  lastTime = Number.NaN;
  /** Store time at which the series was last missing from a full sample; null while present. */
  goneSince: number | null = null;
  /** The store's last full-sample round this series was in (gone detection). */
  seenRound = 0;
  /** Set when the store let go of the series (a new one takes its key if it comes back). */
  removed = false;
  readonly raw: ColumnRing;
  readonly tiers: Tier[];
  emit: ((event: HistoryEvent) => void) | null = null;
  private readonly scratch: Float64Array[];

  constructor(
    key: SeriesKey,
    kind: SeriesKind,
    id: string,
    fields: readonly string[],
    config: ResolvedHistoryConfig,
    /** Spreads the rings' segment seals across series (see `ColumnRing`). */
    phase = 0,
    /**
     * Four arrays of `fields.length` a closed bucket is written through (min, max, avg, count),
     * shared by the series of a kind in a store: used only while a bucket closes, and each pair
     * of a Float64Array and a buffer of its own cost about 0.5 KB a series.
     */
    scratch: Float64Array[] = bucketScratch(fields.length),
  ) {
    this.key = key;
    this.kind = kind;
    this.id = id;
    this.name = id;
    this.fields = fields;
    const n = fields.length;
    this.n = n;
    // Rows the raw tier keeps in memory (sweep drops older ones): they size its segments.
    const held = Math.min(config.maxAgeMs, config.memoryWindowMs) / config.sampleIntervalMs;
    this.raw = new ColumnRing(config.maxSamples, n, 0, null, phase, Math.ceil(held));
    // One buffer for every tier's open bucket, not one a bucket array.
    const accs = new Float64Array(4 * n * config.tiers.length);
    this.tiers = config.tiers.map((t, level) => {
      // Room for 4x the nominal samples per bucket (ad-hoc collections between ticks).
      const countMax = Math.ceil(t.resolutionMs / config.sampleIntervalMs) * 4;
      const counts = countMax <= 0xff ? Uint8Array : countMax <= 0xffff ? Uint16Array : Uint32Array;
      return {
        resolutionMs: t.resolutionMs,
        retentionMs: t.retentionMs,
        ring: new ColumnRing(
          Math.ceil(memoryMs(level, config) / t.resolutionMs),
          3 * n,
          n,
          counts,
          phase,
        ),
        memoryMs: memoryMs(level, config),
        countMax: counts === Uint32Array ? 0xffffffff : counts === Uint16Array ? 0xffff : 0xff,
        acc: accumulator(n, accs, level),
      };
    });
    this.scratch = scratch;
  }

  /** Appends one raw sample; `values` holds one number (NaN = null) per field, in field order. */
  append(time: number, values: Float64Array): void {
    const at = this.raw.append(time);
    const vals = this.raw.tail().values;
    const rows = this.raw.rows;
    for (let f = 0; f < this.n; f++) vals[f * rows + at] = values[f]!;
    if (Number.isNaN(this.firstTime)) this.firstTime = time;
    this.lastTime = time;
    this.emit?.({ type: 'raw', series: this, time, values });
    if (this.tiers.length > 0) this.feedRaw(0, time, values);
  }

  /** Closes open buckets that ended by `now` and drops rows older than their tier keeps. */
  sweep(now: number, maxAgeMs: number): void {
    for (let level = 0; level < this.tiers.length; level++) {
      const tier = this.tiers[level]!;
      if (tier.acc.inputs > 0 && tier.acc.start + tier.resolutionMs <= now) this.close(level);
    }
    this.raw.dropBefore(now - maxAgeMs);
    for (let i = 0; i < this.tiers.length; i++) {
      const tier = this.tiers[i]!;
      tier.ring.dropBefore(now - tier.memoryMs);
    }
  }

  /** Closes every open bucket (the series ended: nothing more will come into them). */
  closeAll(): void {
    for (let level = 0; level < this.tiers.length; level++) {
      if (this.tiers[level]!.acc.inputs > 0) this.close(level);
    }
  }

  /** True when nothing is left in any tier, open buckets included. */
  isEmpty(): boolean {
    if (this.raw.size > 0) return false;
    for (let i = 0; i < this.tiers.length; i++) {
      const t = this.tiers[i]!;
      if (t.ring.size > 0 || t.acc.inputs > 0) return false;
    }
    return true;
  }

  /** Puts back a raw row read from storage: no rollup, no event (see `refeed`). */
  restoreRaw(time: number, values: ArrayLike<number>): void {
    if (this.raw.size > 0 && time < this.raw.newestTime()) return;
    const at = this.raw.append(time);
    const vals = this.raw.tail().values;
    const rows = this.raw.rows;
    for (let f = 0; f < this.n; f++) vals[f * rows + at] = values[f]!;
    if (Number.isNaN(this.firstTime) || time < this.firstTime) this.firstTime = time;
    if (Number.isNaN(this.lastTime) || time > this.lastTime) this.lastTime = time;
  }

  /** Puts back a closed bucket read from storage. */
  restoreBucket(
    level: number,
    start: number,
    min: ArrayLike<number>,
    max: ArrayLike<number>,
    avg: ArrayLike<number>,
    count: ArrayLike<number>,
  ): void {
    const tier = this.tiers[level];
    if (!tier || (tier.ring.size > 0 && start <= tier.ring.newestTime())) return;
    const at = tier.ring.append(start);
    writeBucket(tier, at, this.n, min, max, avg, count);
    if (Number.isNaN(this.firstTime) || start < this.firstTime) this.firstTime = start;
    // The bucket's start, not its end: a later live sample inside the same hour must not look
    // like a clock step back.
    if (Number.isNaN(this.lastTime) || start > this.lastTime) this.lastTime = start;
  }

  /**
   * After a restore, rebuilds the open buckets that were in memory when the process stopped:
   * each tier gets back the finer rows newer than its own newest closed bucket.
   */
  refeed(): void {
    for (let level = this.tiers.length - 1; level >= 1; level--) {
      const tier = this.tiers[level]!;
      const finer = this.tiers[level - 1]!.ring;
      const next =
        tier.ring.size > 0 ? tier.ring.newestTime() + tier.resolutionMs : Number.NEGATIVE_INFINITY;
      const n = this.n;
      // Own buffers: closing a bucket below reuses the scratch arrays.
      const [min, max, sum, count] = [1, 2, 3, 4].map(() => new Float64Array(n)) as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      for (let i = finer.lowerBound(next); i < finer.size; i++) {
        for (let f = 0; f < n; f++) {
          const c = finer.countAt(f, i);
          min[f] = finer.valueAt(f, i);
          max[f] = finer.valueAt(n + f, i);
          sum[f] = c > 0 ? finer.valueAt(2 * n + f, i) * c : 0;
          count[f] = c;
        }
        this.feedBucket(level, finer.timeAt(i), min, max, sum, count, false);
      }
    }
    const first = this.tiers[0];
    if (!first) return;
    const next =
      first.ring.size > 0 ? first.ring.newestTime() + first.resolutionMs : Number.NEGATIVE_INFINITY;
    const row = new Float64Array(this.n);
    for (let i = this.raw.lowerBound(next); i < this.raw.size; i++) {
      for (let f = 0; f < this.n; f++) row[f] = this.raw.valueAt(f, i);
      this.feedRaw(0, this.raw.timeAt(i), row);
    }
  }

  byteLength(): number {
    let bytes = this.raw.byteLength();
    for (const t of this.tiers) bytes += t.ring.byteLength() + 4 * t.acc.min.byteLength;
    return bytes;
  }

  /** Numbers held: raw values and timestamps, and min, max, avg, count and start of each bucket. */
  storedValues(): number {
    let values = this.raw.size * (this.n + 1);
    for (const t of this.tiers) values += t.ring.size * (4 * this.n + 1);
    return values;
  }

  private feedRaw(level: number, time: number, values: Float64Array): void {
    const tier = this.tiers[level]!;
    const acc = tier.acc;
    const start = time - mod(time, tier.resolutionMs);
    if (acc.inputs > 0 && start !== acc.start) this.close(level);
    if (acc.inputs === 0) open(acc, start);
    const { min, max, sum, count } = acc;
    for (let f = 0; f < this.n; f++) {
      const v = values[f]!;
      if (Number.isNaN(v)) continue; // a null metric is not a sample
      if (v < min[f]!) min[f] = v;
      if (v > max[f]!) max[f] = v;
      sum[f]! += v;
      count[f]! += 1;
    }
    acc.inputs += 1;
  }

  private feedBucket(
    level: number,
    time: number,
    bmin: Float64Array,
    bmax: Float64Array,
    bsum: Float64Array,
    bcount: Float64Array,
    emit = true,
  ): void {
    const tier = this.tiers[level]!;
    const acc = tier.acc;
    const start = time - mod(time, tier.resolutionMs);
    if (acc.inputs > 0 && start !== acc.start) this.close(level, emit);
    if (acc.inputs === 0) open(acc, start);
    const { min, max, sum, count } = acc;
    for (let f = 0; f < this.n; f++) {
      if (bcount[f]! === 0) continue;
      if (bmin[f]! < min[f]!) min[f] = bmin[f]!;
      if (bmax[f]! > max[f]!) max[f] = bmax[f]!;
      sum[f]! += bsum[f]!;
      count[f]! += bcount[f]!;
    }
    acc.inputs += 1;
  }

  /** Writes a tier's open bucket as a row and merges it into the next tier. */
  private close(level: number, emit = true): void {
    const tier = this.tiers[level]!;
    const acc = tier.acc;
    const ring = tier.ring;
    const at = ring.append(acc.start);
    const n = this.n;
    const [min, max, avg, count] = this.scratch as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    for (let f = 0; f < n; f++) {
      const k = acc.count[f]!;
      min[f] = k > 0 ? acc.min[f]! : Number.NaN;
      max[f] = k > 0 ? acc.max[f]! : Number.NaN;
      avg[f] = k > 0 ? acc.sum[f]! / k : Number.NaN;
      count[f] = k;
    }
    writeBucket(tier, at, n, min, max, avg, count);
    if (emit)
      this.emit?.({ type: 'bucket', series: this, level, start: acc.start, min, max, avg, count });
    acc.inputs = 0;
    if (level + 1 < this.tiers.length) {
      this.feedBucket(level + 1, acc.start, acc.min, acc.max, acc.sum, acc.count, emit);
    }
  }
}

/**
 * The span of a tier's rows that the SQLite history writes as one chunk: 60 rows where the raw
 * retention can rebuild them after a crash (1-minute buckets within the raw hour), else 0 (the
 * tier's rows are written at every flush).
 */
export function tierBlockMs(tier: HistoryTier, maxAgeMs: number): number {
  return 60 * tier.resolutionMs <= maxAgeMs ? 60 * tier.resolutionMs : 0;
}

/**
 * What of a tier stays in memory: all of it, or with a disk store the hot window plus the larger
 * of its block (written at once, it stays in memory until it is written) and one bucket of the
 * next tier (its open bucket is rebuilt from these rows after a restart). The hour tier, written
 * at every flush and the last, holds the hot window only: with 60 rows (as every tier had) it
 * grew by a row an hour for 2.5 days, some 16 KB per container.
 */
export function memoryMs(level: number, config: ResolvedHistoryConfig): number {
  const tier = config.tiers[level]!;
  const next = config.tiers[level + 1]?.resolutionMs ?? 0;
  const block = tierBlockMs(tier, config.maxAgeMs);
  return Math.min(tier.retentionMs, config.memoryWindowMs + Math.max(block, next));
}

function writeBucket(
  tier: Tier,
  at: number,
  n: number,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  avg: ArrayLike<number>,
  count: ArrayLike<number>,
): void {
  const seg = tier.ring.tail();
  const v = seg.values;
  const c = seg.counts!;
  const rows = tier.ring.rows;
  for (let f = 0; f < n; f++) {
    v[f * rows + at] = min[f]!;
    v[(n + f) * rows + at] = max[f]!;
    v[(2 * n + f) * rows + at] = avg[f]!;
    // Saturates rather than wraps when sampling ran far faster than configured.
    c[f * rows + at] = Math.min(count[f]!, tier.countMax);
  }
}

function accumulator(n: number, buffer: Float64Array, level: number): Accumulator {
  const at = (k: number) => buffer.subarray((4 * level + k) * n, (4 * level + k + 1) * n);
  return { start: 0, inputs: 0, min: at(0), max: at(1), sum: at(2), count: at(3) };
}

/** The four arrays `close` writes a bucket through. */
export function bucketScratch(n: number): Float64Array[] {
  const buffer = new Float64Array(4 * n);
  return [0, 1, 2, 3].map((k) => buffer.subarray(k * n, (k + 1) * n));
}

function open(acc: Accumulator, start: number): void {
  acc.start = start;
  acc.min.fill(Number.POSITIVE_INFINITY);
  acc.max.fill(Number.NEGATIVE_INFINITY);
  acc.sum.fill(0);
  acc.count.fill(0);
}

function mod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}
