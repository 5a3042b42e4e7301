import { PerfError } from '@arcbox/perf-core';
import type { ColdSource } from './cold-source.js';
import type { ColumnRing } from './column-ring.js';
import type { Series } from './series.js';

export type Aggregation = 'avg' | 'min' | 'max' | 'last';

export interface RangeQuery {
  /** `system`, `container:<id>` or `vm:<id>`. */
  series: string;
  /** Fields to return; every numeric field of the series when omitted. */
  fields?: readonly string[];
  /** Inclusive start, ms on the store's time line; the oldest data when omitted. */
  from?: number;
  /** Inclusive end; the newest data when omitted. */
  to?: number;
  /** Milliseconds before the newest data, instead of `from`. */
  lastMs?: number;
  /** Bucket width of the answer; the chosen tier's own rows when omitted. */
  step?: number;
  /** How a step (or a rollup row) becomes one value. Default avg. */
  aggregation?: Aggregation;
}

export interface RangeResult {
  series: string;
  fields: string[];
  from: number;
  to: number;
  step: number | null;
  /** Resolution of the tier that answered: the sample interval for raw samples. */
  resolutionMs: number;
  /** `raw`, or the index of the rollup tier in the config. */
  tier: 'raw' | number;
  aggregation: Aggregation;
  timestamps: number[];
  /** One array per field, aligned with `timestamps`; null where nothing was measured. */
  values: Record<string, Array<number | null>>;
}

/** The most points one answer may hold; larger ranges go through `queryIterable`. */
export const MAX_POINTS = 1_000_000;

/** Rows of one tier inside a range, as min/max/avg/count per field (raw rows: all the value). */
interface Rows {
  times: Float64Array;
  min: Float64Array[];
  max: Float64Array[];
  avg: Float64Array[];
  count: Float64Array[];
}

/**
 * Picks the finest tier still holding everything from `from` on: -1 for raw samples. With a
 * disk store, by each tier's retention (what memory holds is only the hot end of it).
 */
export function chooseLevel(series: Series, from: number, ctx?: QueryContext): number {
  const cold = ctx?.cold;
  if (cold) {
    if (from >= ctx.newest - cold.rawRetentionMs || series.tiers.length === 0) return -1;
    for (let level = 0; level < series.tiers.length; level++) {
      if (from >= ctx.newest - (cold.tierRetentionMs[level] ?? 0)) return level;
    }
    return series.tiers.length - 1;
  }
  if (covers(series.raw, from) || series.tiers.length === 0) return -1;
  for (let level = 0; level < series.tiers.length; level++) {
    if (covers(series.tiers[level]!.ring, from)) return level;
  }
  return series.tiers.length - 1;
}

function covers(ring: ColumnRing, from: number): boolean {
  return !ring.dropped || (ring.size > 0 && from >= ring.oldestTime());
}

export interface QueryContext {
  newest: number;
  sampleIntervalMs: number;
  /** Rows older than memory holds, and the retention of each tier on disk. */
  cold?: { source: ColdSource; rawRetentionMs: number; tierRetentionMs: readonly number[] };
  /** Forces a tier (chunks of one iterable answer all come from the tier the whole range picked). */
  level?: number;
  /** Rows at or after this time are left out (chunk edges). */
  endExclusive?: number;
}

export function runQuery(series: Series, query: RangeQuery, ctx: QueryContext): RangeResult {
  const { newest, sampleIntervalMs } = ctx;
  const aggregation = query.aggregation ?? 'avg';
  if (!['avg', 'min', 'max', 'last'].includes(aggregation)) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `unknown aggregation "${aggregation}" (avg, min, max, last)`,
      {
        field: 'aggregation',
      },
    );
  }
  const fields = [...(query.fields ?? series.fields)];
  const index = fields.map((field) => {
    const i = series.fields.indexOf(field);
    if (i < 0) {
      throw new PerfError('UNKNOWN_FIELD', `series ${series.key} has no field "${field}"`, {
        field,
      });
    }
    return i;
  });
  const to = query.to ?? newest;
  const from =
    query.from ?? (query.lastMs !== undefined ? to - query.lastMs : Number.NEGATIVE_INFINITY);
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (Number.isNaN(v))
      throw new PerfError('INVALID_ARGUMENT', `query ${name} is not a number`, { field: name });
  }
  if (from > to) {
    throw new PerfError('INVALID_ARGUMENT', `query from (${from}) is after to (${to})`, {
      field: 'from',
    });
  }
  const step = query.step ?? null;
  if (step !== null && !(step > 0 && Number.isFinite(step))) {
    throw new PerfError('INVALID_ARGUMENT', `query step must be a positive number, got ${step}`, {
      field: 'step',
    });
  }
  const level = ctx.level ?? chooseLevel(series, from, ctx);
  const end = ctx.endExclusive ?? Number.POSITIVE_INFINITY;
  const hot =
    level < 0
      ? rawRows(series, index, from, to, end)
      : tierRows(series, level, index, from, to, end);
  // What memory no longer holds comes from disk: strictly before the oldest row memory has, so
  // the boundary has neither a gap nor a duplicate.
  const rows = ctx.cold
    ? concatRows(
        coldRows(ctx.cold.source, series, level, index, from, Math.min(to, end), hot.times[0]),
        hot,
      )
    : hot;
  const resolutionMs = level < 0 ? sampleIntervalMs : series.tiers[level]!.resolutionMs;
  const out: RangeResult = {
    series: series.key,
    fields,
    from,
    to,
    step,
    resolutionMs,
    tier: level < 0 ? 'raw' : level,
    aggregation,
    timestamps: [],
    values: Object.fromEntries(fields.map((f) => [f, []])),
  };
  if (step === null) {
    out.timestamps = Array.from(rows.times);
    fields.forEach((field, k) => {
      const source =
        aggregation === 'min' ? rows.min[k]! : aggregation === 'max' ? rows.max[k]! : rows.avg[k]!;
      out.values[field] = Array.from(source, (v) => (Number.isNaN(v) ? null : v));
    });
    return out;
  }
  if (rows.times.length === 0) return out;
  // Steps aligned on multiples of `step` so that repeated queries line up.
  const first = Math.floor(rows.times[0]! / step) * step;
  const last = Math.floor(rows.times[rows.times.length - 1]! / step) * step;
  const bins = (last - first) / step + 1;
  if (bins > MAX_POINTS) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `query would return ${bins} points (at most ${MAX_POINTS})`,
      {
        field: 'step',
      },
    );
  }
  out.timestamps = Array.from({ length: bins }, (_, b) => first + b * step);
  fields.forEach((field, k) => {
    out.values[field] = binField(rows, k, first, step, bins, aggregation);
  });
  return out;
}

function binField(
  rows: Rows,
  k: number,
  first: number,
  step: number,
  bins: number,
  aggregation: Aggregation,
): Array<number | null> {
  const acc = new Float64Array(bins);
  const weight = new Float64Array(bins);
  const { times } = rows;
  const min = rows.min[k]!;
  const max = rows.max[k]!;
  const avg = rows.avg[k]!;
  const count = rows.count[k]!;
  if (aggregation === 'min') acc.fill(Number.POSITIVE_INFINITY);
  if (aggregation === 'max') acc.fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < times.length; i++) {
    const c = count[i]!;
    if (c === 0) continue;
    const b = Math.floor((times[i]! - first) / step);
    if (aggregation === 'avg') acc[b]! += avg[i]! * c;
    else if (aggregation === 'min') acc[b] = Math.min(acc[b]!, min[i]!);
    else if (aggregation === 'max') acc[b] = Math.max(acc[b]!, max[i]!);
    else acc[b] = avg[i]!;
    weight[b]! += c;
  }
  const out = new Array<number | null>(bins);
  for (let b = 0; b < bins; b++) {
    const w = weight[b]!;
    out[b] = w === 0 ? null : aggregation === 'avg' ? acc[b]! / w : acc[b]!;
  }
  return out;
}

function rawRows(series: Series, index: number[], from: number, to: number, before: number): Rows {
  const ring = series.raw;
  const start = ring.lowerBound(from);
  const end = endOf(ring, start, to, before);
  const m = end - start;
  const times = new Float64Array(m);
  for (let i = 0; i < m; i++) times[i] = ring.timeAt(start + i);
  const values = index.map((f) => {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = ring.valueAt(f, start + i);
    return v;
  });
  const count = values.map((v) => v.map((x) => (Number.isNaN(x) ? 0 : 1)));
  return { times, min: values, max: values, avg: values, count };
}

/** Logical index after the last row at or before `to` and before `before`. */
function endOf(ring: ColumnRing, start: number, to: number, before: number): number {
  let end = ring.lowerBound(before);
  while (end > start && ring.timeAt(end - 1) > to) end -= 1;
  return Math.max(end, start);
}

function tierRows(
  series: Series,
  level: number,
  index: number[],
  from: number,
  to: number,
  before: number,
): Rows {
  const tier = series.tiers[level]!;
  const ring = tier.ring;
  const n = series.n;
  const start = ring.lowerBound(from);
  const end = endOf(ring, start, to, before);
  const pending = pendingRows(series, level).filter(
    (p) => p.start >= from && p.start <= to && p.start < before,
  );
  const m = end - start + pending.length;
  const rows: Rows = {
    times: new Float64Array(m),
    min: index.map(() => new Float64Array(m)),
    max: index.map(() => new Float64Array(m)),
    avg: index.map(() => new Float64Array(m)),
    count: index.map(() => new Float64Array(m)),
  };
  for (let i = start; i < end; i++) {
    const r = i - start;
    rows.times[r] = ring.timeAt(i);
    index.forEach((f, k) => {
      rows.min[k]![r] = ring.valueAt(f, i);
      rows.max[k]![r] = ring.valueAt(n + f, i);
      rows.avg[k]![r] = ring.valueAt(2 * n + f, i);
      rows.count[k]![r] = ring.countAt(f, i);
    });
  }
  pending.forEach((p, j) => {
    const r = end - start + j;
    rows.times[r] = p.start;
    index.forEach((f, k) => {
      const c = p.count[f]!;
      // Float32, as every stored value: an open bucket reads the same before a restart (summed
      // from full-precision samples) and after it (rebuilt from stored rows).
      rows.min[k]![r] = c > 0 ? Math.fround(p.min[f]!) : Number.NaN;
      rows.max[k]![r] = c > 0 ? Math.fround(p.max[f]!) : Number.NaN;
      rows.avg[k]![r] = c > 0 ? Math.fround(p.sum[f]! / c) : Number.NaN;
      rows.count[k]![r] = c;
    });
  });
  return rows;
}

interface Pending {
  start: number;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
}

/**
 * The not yet closed buckets of a tier: its own open bucket plus the finer tiers' open buckets
 * (not merged up until they close), put on this tier's bucket grid, oldest first.
 */
function pendingRows(series: Series, level: number): Pending[] {
  const res = series.tiers[level]!.resolutionMs;
  const out: Pending[] = [];
  for (let k = level; k >= 0; k--) {
    const acc = series.tiers[k]!.acc;
    if (acc.inputs === 0) continue;
    const start = acc.start - (((acc.start % res) + res) % res);
    let row = out.find((p) => p.start === start);
    if (!row) {
      const n = series.n;
      row = {
        start,
        min: new Float64Array(n).fill(Number.POSITIVE_INFINITY),
        max: new Float64Array(n).fill(Number.NEGATIVE_INFINITY),
        sum: new Float64Array(n),
        count: new Float64Array(n),
      };
      out.push(row);
    }
    for (let f = 0; f < series.n; f++) {
      if (acc.count[f]! === 0) continue;
      row.min[f] = Math.min(row.min[f]!, acc.min[f]!);
      row.max[f] = Math.max(row.max[f]!, acc.max[f]!);
      row.sum[f]! += acc.sum[f]!;
      row.count[f]! += acc.count[f]!;
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Disk rows of `level` in [from, to] older than `before` (memory's oldest row), as Rows. */
function coldRows(
  cold: ColdSource,
  series: Series,
  level: number,
  index: number[],
  from: number,
  to: number,
  before: number | undefined,
): Rows {
  const limit = before === undefined ? to : Math.min(to, before);
  const wanted = index.map((f) => series.fields[f]!);
  const chunks = limit < from ? [] : cold.rows(series.key, level, from, limit, wanted);
  const picked: Array<{
    time: number;
    min: number[];
    max: number[];
    avg: number[];
    count: number[];
  }> = [];
  for (const chunk of chunks) {
    const n = chunk.fields.length;
    const at = index.map((f) => chunk.fields.indexOf(series.fields[f]!));
    const width = level < 0 ? n : 4 * n;
    for (let r = 0; r < chunk.times.length; r++) {
      const t = chunk.times[r]!;
      if (t < from || t > to || (before !== undefined && t >= before)) continue;
      const base = r * width;
      const value = (j: number, part: number) =>
        j < 0 ? Number.NaN : chunk.values[base + part * n + j]!;
      if (level < 0) {
        const v = at.map((j) => value(j, 0));
        picked.push({
          time: t,
          min: v,
          max: v,
          avg: v,
          count: v.map((x) => (Number.isNaN(x) ? 0 : 1)),
        });
      } else {
        picked.push({
          time: t,
          min: at.map((j) => value(j, 0)),
          max: at.map((j) => value(j, 1)),
          avg: at.map((j) => value(j, 2)),
          count: at.map((j) => {
            const c = value(j, 3);
            return Number.isNaN(c) ? 0 : c;
          }),
        });
      }
    }
  }
  const m = picked.length;
  const rows: Rows = {
    times: new Float64Array(m),
    min: index.map(() => new Float64Array(m)),
    max: index.map(() => new Float64Array(m)),
    avg: index.map(() => new Float64Array(m)),
    count: index.map(() => new Float64Array(m)),
  };
  picked.forEach((p, r) => {
    rows.times[r] = p.time;
    for (let k = 0; k < index.length; k++) {
      rows.min[k]![r] = p.min[k]!;
      rows.max[k]![r] = p.max[k]!;
      rows.avg[k]![r] = p.avg[k]!;
      rows.count[k]![r] = p.count[k]!;
    }
  });
  return rows;
}

function concatRows(a: Rows, b: Rows): Rows {
  if (a.times.length === 0) return b;
  if (b.times.length === 0) return a;
  const join = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    times: join(a.times, b.times),
    min: a.min.map((x, k) => join(x, b.min[k]!)),
    max: a.max.map((x, k) => join(x, b.max[k]!)),
    avg: a.avg.map((x, k) => join(x, b.avg[k]!)),
    count: a.count.map((x, k) => join(x, b.count[k]!)),
  };
}
