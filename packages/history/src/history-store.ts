import {
  type AnyKind,
  type ContainerMetrics,
  type KindRegistry,
  type KindValues,
  metricsOf,
  PerfError,
  storedFieldNames,
  type SystemMetrics,
  type VmMetrics,
} from '@arcbox/perf-core';
import {
  type HistoryConfig,
  type ResolvedHistoryConfig,
  resolveHistoryConfig,
} from './history-config.js';
import type { ColdSource } from './cold-source.js';
import { type QueryContext, type RangeQuery, type RangeResult, runQuery } from './range-query.js';
import { createFieldExtractor } from './field-extractor.js';
import {
  defaultKindRegistry,
  parseSeriesKey,
  type SeriesKey,
  type SeriesKind,
  seriesKey,
} from './series-key.js';
import { bucketScratch, type HistoryEvent, Series, type SeriesMeta } from './series.js';

/**
 * One collection round: each kind's metrics under its sample key (`system`, `containers`, `vms`,
 * `filesystems`, ...). A kind given as a list ends the series missing from it (marked gone); a
 * kind not given at all (not collected this round) ends nothing.
 */
export interface HistorySample extends KindValues {
  system?: SystemMetrics | null;
  containers?: readonly ContainerMetrics[];
  vms?: readonly VmMetrics[];
}

export interface HistoryStoreOptions extends HistoryConfig {
  /** The kinds of series stored; the ones arcbox-perf ships when omitted. */
  kinds?: KindRegistry;
}

export interface SeriesInfo extends SeriesMeta {
  firstTime: number;
  lastTime: number;
  /** Store time since which the series has been missing from full samples; null while present. */
  goneSince: number | null;
  rawRows: number;
  tierRows: number[];
}

export interface HistoryStats {
  series: number;
  /** Bytes of every typed array the store holds (allocated capacity, not only used rows). */
  bytes: number;
  /** Numbers held: raw values and timestamps, bucket min/max/avg/count and start times. */
  storedValues: number;
  /** How far stored times run ahead of the wall clock after it stepped back (see `append`). */
  clockOffsetMs: number;
}

/** Puts back what a persistent store kept, row by row in time order. */
export interface SeriesRestorer {
  raw(time: number, values: ArrayLike<number>): void;
  bucket(
    level: number,
    start: number,
    min: ArrayLike<number>,
    max: ArrayLike<number>,
    avg: ArrayLike<number>,
    count: ArrayLike<number>,
  ): void;
  /** Rebuilds the open buckets from the restored rows. */
  finish(): void;
}

export interface QueryIterableOptions {
  /** Points per chunk; default 1000. */
  chunkPoints?: number;
  signal?: AbortSignal;
}

/**
 * In-memory history: one series per host, container and VM, each a set of columnar rings with
 * rollup tiers. Stored times form one non-decreasing line per series: when the wall clock steps
 * back, later samples are shifted forward by the step (as a monotonic clock would place them),
 * so nothing is lost or reordered; `stats().clockOffsetMs` says by how much.
 */
export interface HistoryStore {
  readonly config: ResolvedHistoryConfig;
  readonly kinds: KindRegistry;
  /** Appends one round: system, every container and VM; sweeps old rows and gone series. */
  appendSample(sample: HistorySample): void;
  appendSystem(metrics: SystemMetrics): void;
  appendContainer(metrics: ContainerMetrics): void;
  appendVm(metrics: VmMetrics): void;
  /** Appends one series' metrics of `kind` (a kind of this store's registry). */
  appendMetrics(kind: string, metrics: unknown): void;
  /** Appends raw values (null or NaN = not measured) in the field order of `fieldsOf(kind)`. */
  appendValues(
    series: SeriesKey,
    time: number,
    values: ArrayLike<number | null>,
    meta?: { name?: string; labels?: Record<string, string> },
  ): void;
  query(query: RangeQuery): RangeResult;
  /**
   * As `query`, but a series of a known kind that holds nothing yet (or any more) answers with
   * no rows instead of UNKNOWN_SERIES. Unknown kinds and fields are still errors.
   */
  queryOrEmpty(query: RangeQuery): RangeResult;
  /** The same answer in chunks, yielding to the event loop between them. */
  queryIterable(query: RangeQuery, options?: QueryIterableOptions): AsyncIterable<RangeResult>;
  has(series: string): boolean;
  series(): SeriesInfo[];
  /** The newest time stored (store time line); NaN when empty. */
  newest(): number;
  /** Closes ended buckets and drops what aged out, gone series included, as of `now`. */
  sweep(now?: number): void;
  clear(): void;
  stats(): HistoryStats;
  /**
   * Reads what memory no longer holds from a disk store (the SQLite history attaches itself):
   * rows older than the hot window (`memoryWindowMs`) and series that ended and left memory.
   * While one is attached, a series that ends leaves memory at once (its open buckets closed).
   */
  attachCold(source: ColdSource | null): void;
  /** Listens to every raw row and closed bucket; returns the unsubscribe function. */
  subscribe(listener: (event: HistoryEvent) => void): () => void;
  restore(meta: {
    kind: SeriesKind;
    id: string;
    name?: string;
    labels?: Record<string, string>;
  }): SeriesRestorer;
}

/** What the store keeps per kind: its series by id, and how a metrics object becomes a row. */
interface KindSlot {
  kind: AnyKind;
  fields: readonly string[];
  series: Map<string, Series>;
  extract: (metrics: object, into: Float64Array) => Float64Array;
  scratch: Float64Array;
  /** What its series close buckets through (see `Series`). */
  buckets: Float64Array[];
  /**
   * The series of the last full sample's list, by position: a kind's list comes in the same
   * order round after round, so the series at the same place is checked (by id) before the map
   * is asked.
   */
  order: Series[];
}

export function createHistoryStore(options: HistoryStoreOptions = {}): HistoryStore {
  const { kinds = defaultKindRegistry(), ...config } = options;
  const resolved = resolveHistoryConfig(config);
  const all = new Map<string, Series>();
  // Series by kind and id, so the hot path never builds a `container:<id>` string.
  const slots = new Map<string, KindSlot>();
  for (const kind of kinds.kinds) {
    const fields = Object.freeze(storedFieldNames(kind));
    slots.set(kind.name, {
      kind,
      fields,
      series: new Map(),
      extract: createFieldExtractor(fields),
      scratch: new Float64Array(fields.length),
      buckets: bucketScratch(fields.length),
      order: [],
    });
  }
  const slotOf = (kind: SeriesKind): KindSlot => {
    const slot = slots.get(kind);
    if (slot) return slot;
    kinds.require(kind, 'series');
    throw new PerfError('UNKNOWN_SERIES', `no history kind "${kind}"`, { field: 'series' });
  };
  let round = 0;
  /** Series made so far: each one's phase, so series that start together seal apart. */
  let created = 0;
  const listeners = new Set<(event: HistoryEvent) => void>();
  let offset = 0;
  let newest = Number.NaN;

  const dispatch = (event: HistoryEvent) => {
    for (const l of listeners) l(event);
  };

  function get(kind: SeriesKind, id: string): Series {
    const slot = slotOf(kind);
    let s = slot.series.get(id);
    if (!s) {
      const key = seriesKey(kind, id, kinds);
      s = new Series(key, kind, id, slot.fields, resolved, created++, slot.buckets);
      s.emit = listeners.size > 0 ? dispatch : null;
      all.set(key, s);
      slot.series.set(id, s);
    }
    return s;
  }

  function remove(s: Series): void {
    s.removed = true;
    all.delete(s.key);
    slots.get(s.kind)?.series.delete(s.id);
  }

  function append(s: Series, wallTime: number, values: Float64Array): void {
    if (!Number.isFinite(wallTime)) {
      throw new PerfError('INVALID_ARGUMENT', `sample time of ${s.key} is not a number`, {
        field: 'timestamp',
      });
    }
    let time = wallTime + offset;
    if (time < s.lastTime) {
      // The wall clock stepped back: keep the line going from where it was.
      offset += s.lastTime - time;
      time = s.lastTime;
    }
    s.goneSince = null;
    s.append(time, values);
    if (!(time <= newest)) newest = time;
  }

  function withMeta(s: Series, name: string, labels: Record<string, string>): Series {
    s.name = name;
    s.labels = labels;
    return s;
  }

  /** Appends one series' metrics; `at` is its place in a full sample's list (-1 when alone). */
  function appendTo(slot: KindSlot, m: object, at = -1): void {
    const who = slot.kind.identity(m);
    let s: Series;
    if (slot.kind.singleton) s = get(slot.kind.name, slot.kind.name);
    else {
      const guess = at >= 0 ? slot.order[at] : undefined;
      s =
        guess !== undefined && !guess.removed && guess.id === who.id
          ? guess
          : get(slot.kind.name, who.id);
      if (at >= 0) slot.order[at] = s;
      withMeta(s, who.name, who.labels as Record<string, string>);
    }
    s.seenRound = round;
    append(s, who.timestamp, slot.extract(m, slot.scratch));
  }
  const appendMetrics = (kind: string, m: unknown) => appendTo(slotOf(kind), m as object);
  const appendSystem = (m: SystemMetrics) => appendMetrics('system', m);
  const appendContainer = (m: ContainerMetrics) => appendMetrics('container', m);
  const appendVm = (m: VmMetrics) => appendMetrics('vm', m);

  // Runs after every full sample: written with forEach over a function made once, so it
  // allocates no iterator or closure per call.
  let sweepNow = 0;
  // Raw rows stay in memory for the hot window when that is shorter than their retention: the
  // rest is on disk, read when a query reaches it.
  const rawMemoryMs = Math.min(resolved.maxAgeMs, resolved.memoryWindowMs);
  const sweepOne = (s: Series) => {
    s.sweep(sweepNow, rawMemoryMs);
    if (s.isEmpty()) remove(s);
  };
  function sweep(now = newest): void {
    if (Number.isNaN(now)) return;
    sweepNow = now;
    all.forEach(sweepOne);
  }

  const markOne = (s: Series) => {
    if (s.goneSince === null && s.seenRound !== round) {
      s.goneSince = newest;
      // With a disk store the ended series leaves memory now; its rows stay queryable from disk.
      if (cold) {
        s.closeAll();
        remove(s);
      }
    }
  };
  function markGone(series: Map<string, Series>): void {
    series.forEach(markOne);
  }

  let cold: ColdSource | null = null;
  const context = (): QueryContext => ({
    newest,
    sampleIntervalMs: resolved.sampleIntervalMs,
    ...(cold
      ? {
          cold: {
            source: cold,
            rawRetentionMs: resolved.maxAgeMs,
            tierRetentionMs: resolved.tiers.map((t) => t.retentionMs),
          },
        }
      : {}),
  });

  function find(key: string): Series {
    const s = all.get(key);
    if (s) return s;
    const { kind, id } = parseSeriesKey(key, kinds);
    // Ended and gone from memory, still on disk: an empty series whose rows all come from disk.
    if (cold?.has(key)) {
      const slot = slotOf(kind);
      return new Series(key, kind, id, slot.fields, resolved, 0, slot.buckets);
    }
    throw new PerfError('UNKNOWN_SERIES', `no history for series "${key}"`, { field: 'series' });
  }

  function memorySeries(): SeriesInfo[] {
    return [...all.values()].map((s) => ({
      key: s.key,
      kind: s.kind,
      id: s.id,
      name: s.name,
      labels: s.labels,
      fields: s.fields,
      firstTime: s.firstTime,
      lastTime: s.lastTime,
      goneSince: s.goneSince,
      rawRows: s.raw.size,
      tierRows: s.tiers.map((t) => t.ring.size),
    }));
  }

  /** Series only the disk store still holds (they ended); rows counted on disk are not. */
  function coldOnlySeries(): SeriesInfo[] {
    if (!cold) return [];
    return cold
      .series()
      .filter((c) => !all.has(c.key) && kinds.get(c.kind))
      .map((c) => ({
        ...c,
        goneSince: c.lastTime,
        rawRows: 0,
        tierRows: resolved.tiers.map(() => 0),
      }));
  }

  return {
    config: resolved,
    kinds,
    appendSample(sample) {
      round += 1;
      for (const slot of slots.values()) {
        const list = metricsOf(slot.kind, sample);
        if (list === undefined) continue;
        for (let i = 0; i < list.length; i++) appendTo(slot, list[i] as object, i);
        if (!slot.kind.singleton) {
          slot.order.length = list.length;
          markGone(slot.series);
        }
      }
      sweep();
    },
    appendSystem,
    appendContainer,
    appendVm,
    appendMetrics,
    appendValues(key, time, values, meta) {
      const { kind, id } = parseSeriesKey(key, kinds);
      const s = get(kind, id);
      if (meta?.name !== undefined) s.name = meta.name;
      if (meta?.labels !== undefined) s.labels = meta.labels;
      if (values.length !== s.n) {
        throw new PerfError(
          'INVALID_ARGUMENT',
          `${key} takes ${s.n} values, got ${values.length}`,
          {
            field: 'values',
          },
        );
      }
      const row = new Float64Array(s.n);
      for (let f = 0; f < s.n; f++) row[f] = values[f] ?? Number.NaN;
      append(s, time, row);
    },
    query(query) {
      return runQuery(find(query.series), query, context());
    },
    queryOrEmpty(query) {
      if (all.has(query.series)) return runQuery(all.get(query.series)!, query, context());
      const { kind } = parseSeriesKey(query.series, kinds);
      const known = slotOf(kind).fields;
      const fields = [...(query.fields ?? known)];
      for (const f of fields) {
        if (!known.includes(f))
          throw new PerfError('UNKNOWN_FIELD', `${kind} series have no field "${f}"`, { field: f });
      }
      return {
        series: query.series,
        fields,
        from: query.from ?? Number.NaN,
        to: query.to ?? Number.NaN,
        step: query.step ?? null,
        resolutionMs: resolved.sampleIntervalMs,
        tier: 'raw',
        aggregation: query.aggregation ?? 'avg',
        timestamps: [],
        values: Object.fromEntries(fields.map((f) => [f, []])),
      };
    },
    queryIterable(query, options = {}) {
      const chunkPoints = Math.max(1, options.chunkPoints ?? 1000);
      return {
        async *[Symbol.asyncIterator]() {
          const s = find(query.series);
          // The whole range picks the tier (and is checked) once; chunks only split it.
          const whole = runQuery(s, { ...query, fields: query.fields ?? [] }, context());
          const level = whole.tier === 'raw' ? -1 : whole.tier;
          const from = Number.isFinite(whole.from) ? whole.from : s.firstTime;
          const width = (query.step ?? whole.resolutionMs) * chunkPoints;
          // Chunk edges on multiples of the step, so no step is split over two chunks.
          let edge = query.step === undefined ? from : Math.floor(from / query.step) * query.step;
          while (edge <= whole.to) {
            options.signal?.throwIfAborted();
            const next = edge + width;
            const chunk = runQuery(
              s,
              { ...query, from: Math.max(from, edge), to: whole.to },
              { ...context(), level, endExclusive: next },
            );
            if (chunk.timestamps.length > 0) yield chunk;
            edge = next;
            await new Promise((resolve) => setImmediate(resolve));
          }
        },
      };
    },
    has: (key) => all.has(key),
    attachCold(source) {
      cold = source;
    },
    series: () => [...memorySeries(), ...coldOnlySeries()],
    newest: () => newest,
    sweep,
    clear() {
      all.clear();
      for (const slot of slots.values()) {
        slot.series.clear();
        slot.order.length = 0;
      }
      newest = Number.NaN;
      offset = 0;
    },
    stats() {
      let bytes = 0;
      let storedValues = 0;
      for (const s of all.values()) {
        bytes += s.byteLength();
        storedValues += s.storedValues();
      }
      return { series: all.size, bytes, storedValues, clockOffsetMs: offset };
    },
    subscribe(listener) {
      listeners.add(listener);
      for (const s of all.values()) s.emit = dispatch;
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) for (const s of all.values()) s.emit = null;
      };
    },
    restore(meta) {
      const s = get(meta.kind, meta.id);
      if (meta.name !== undefined) s.name = meta.name;
      if (meta.labels !== undefined) s.labels = meta.labels;
      const track = (time: number) => {
        if (!(time <= newest)) newest = time;
      };
      return {
        raw(time, values) {
          s.restoreRaw(time, values);
          track(time);
        },
        bucket(level, start, min, max, avg, count) {
          s.restoreBucket(level, start, min, max, avg, count);
          track(start);
        },
        finish() {
          const emit = s.emit;
          // Rebuilt buckets that close now were lost with the old process: persist them again.
          s.refeed();
          s.emit = emit;
        },
      };
    },
  };
}
