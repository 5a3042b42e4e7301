import type { ContainerMetrics, SystemMetrics, VmMetrics } from '@arcbox/perf-core';
import { PerfError } from '@arcbox/perf-core';
import {
  type HistoryConfig,
  type ResolvedHistoryConfig,
  resolveHistoryConfig,
} from './history-config.js';
import { type RangeQuery, type RangeResult, runQuery } from './range-query.js';
import { createFieldExtractor } from './field-extractor.js';
import {
  fieldsOf,
  parseSeriesKey,
  type SeriesKey,
  type SeriesKind,
  seriesKey,
} from './series-key.js';
import { type HistoryEvent, Series, type SeriesMeta } from './series.js';

/** One collection round. Containers and VMs missing from a round's lists are marked gone. */
export interface HistorySample {
  system?: SystemMetrics | null;
  containers?: readonly ContainerMetrics[];
  vms?: readonly VmMetrics[];
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
  /** Appends one round: system, every container and VM; sweeps old rows and gone series. */
  appendSample(sample: HistorySample): void;
  appendSystem(metrics: SystemMetrics): void;
  appendContainer(metrics: ContainerMetrics): void;
  appendVm(metrics: VmMetrics): void;
  /** Appends raw values (null or NaN = not measured) in the field order of `fieldsOf(kind)`. */
  appendValues(
    series: SeriesKey,
    time: number,
    values: ArrayLike<number | null>,
    meta?: { name?: string; labels?: Record<string, string> },
  ): void;
  query(query: RangeQuery): RangeResult;
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
  /** Listens to every raw row and closed bucket; returns the unsubscribe function. */
  subscribe(listener: (event: HistoryEvent) => void): () => void;
  restore(meta: {
    kind: SeriesKind;
    id: string;
    name?: string;
    labels?: Record<string, string>;
  }): SeriesRestorer;
}

export function createHistoryStore(config: HistoryConfig = {}): HistoryStore {
  const resolved = resolveHistoryConfig(config);
  const all = new Map<string, Series>();
  // Containers and VMs by id, so the hot path never builds a `container:<id>` string.
  const byKind = {
    system: new Map<string, Series>(),
    container: new Map<string, Series>(),
    vm: new Map<string, Series>(),
  };
  const extractors = {
    system: createFieldExtractor(fieldsOf('system')),
    container: createFieldExtractor(fieldsOf('container')),
    vm: createFieldExtractor(fieldsOf('vm')),
  };
  let round = 0;
  const listeners = new Set<(event: HistoryEvent) => void>();
  const scratch = {
    system: new Float64Array(fieldsOf('system').length),
    container: new Float64Array(fieldsOf('container').length),
    vm: new Float64Array(fieldsOf('vm').length),
  };
  let offset = 0;
  let newest = Number.NaN;

  const dispatch = (event: HistoryEvent) => {
    for (const l of listeners) l(event);
  };

  function get(kind: SeriesKind, id: string): Series {
    let s = byKind[kind].get(id);
    if (!s) {
      const key = seriesKey(kind, id);
      s = new Series(key, kind, id, fieldsOf(kind), resolved);
      s.emit = listeners.size > 0 ? dispatch : null;
      all.set(key, s);
      byKind[kind].set(id, s);
    }
    return s;
  }

  function remove(s: Series): void {
    all.delete(s.key);
    byKind[s.kind].delete(s.id);
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

  const appendSystem = (m: SystemMetrics) => {
    const s = get('system', 'system');
    append(s, m.timestamp, extractors.system(m, scratch.system));
  };
  const appendContainer = (m: ContainerMetrics) => {
    const s = withMeta(get('container', m.id), m.name, m.labels);
    s.seenRound = round;
    append(s, m.timestamp, extractors.container(m, scratch.container));
  };
  const appendVm = (m: VmMetrics) => {
    const s = withMeta(get('vm', m.id), m.name, {});
    s.seenRound = round;
    append(s, m.timestamp, extractors.vm(m, scratch.vm));
  };

  // Runs after every full sample: written with forEach over a function made once, so it
  // allocates no iterator or closure per call.
  let sweepNow = 0;
  const sweepOne = (s: Series) => {
    s.sweep(sweepNow, resolved.maxAgeMs);
    if (s.isEmpty()) remove(s);
  };
  function sweep(now = newest): void {
    if (Number.isNaN(now)) return;
    sweepNow = now;
    all.forEach(sweepOne);
  }

  const markOne = (s: Series) => {
    if (s.goneSince === null && s.seenRound !== round) s.goneSince = newest;
  };
  function markGone(series: Map<string, Series>): void {
    series.forEach(markOne);
  }

  const context = () => ({ newest, sampleIntervalMs: resolved.sampleIntervalMs });

  function find(key: string): Series {
    const s = all.get(key);
    if (s) return s;
    parseSeriesKey(key);
    throw new PerfError('UNKNOWN_SERIES', `no history for series "${key}"`, { field: 'series' });
  }

  return {
    config: resolved,
    appendSample(sample) {
      round += 1;
      if (sample.system) appendSystem(sample.system);
      if (sample.containers) {
        for (const m of sample.containers) appendContainer(m);
        markGone(byKind.container);
      }
      if (sample.vms) {
        for (const m of sample.vms) appendVm(m);
        markGone(byKind.vm);
      }
      sweep();
    },
    appendSystem,
    appendContainer,
    appendVm,
    appendValues(key, time, values, meta) {
      const { kind, id } = parseSeriesKey(key);
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
    series: () =>
      [...all.values()].map((s) => ({
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
      })),
    newest: () => newest,
    sweep,
    clear() {
      all.clear();
      for (const m of Object.values(byKind)) m.clear();
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
