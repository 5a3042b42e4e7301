import type { AnyKind, KindRegistry, KindValues } from '@arcbox/perf-core';
import { metricsOf } from '@arcbox/perf-core';
import {
  defaultExporters,
  fieldFamilies,
  type KindExporter,
  type MetricFamily,
} from '@arcbox/perf-export';
import type { HistoryStore, RangeResult } from '@arcbox/perf-history';
import { createFamiliesEncoder } from './encode-families.js';

/** Requests' worth of rounds read back from history: WriteRequest bytes, uncompressed. */
export interface CatchUpBatch {
  bytes: Buffer;
  series: number;
  samples: number;
  /** The time of the last whole round in the batch: acknowledged once the batch is. */
  ackMs: number;
}

/** Rounds the queue no longer holds, read back oldest first in bounded batches. */
export interface CatchUpSource {
  /**
   * The rounds after the one at `afterMs` and before `beforeMs`. Rows from `resumeFromMs` on (the
   * oldest round the queue dropped) are sent even within half an interval of `afterMs`: an agent
   * restarted that soon after the acknowledged round samples its first round that close to it.
   */
  batches(
    afterMs: number,
    beforeMs: number,
    signal: AbortSignal,
    resumeFromMs?: number,
  ): AsyncIterable<CatchUpBatch>;
}

export interface HistoryCatchUpOptions {
  /** Read through its query API only: `series()`, `queryOrEmpty()`, `newest()`. */
  history: Pick<HistoryStore, 'series' | 'queryOrEmpty' | 'newest' | 'config'>;
  kinds: KindRegistry;
  /**
   * The metrics of the latest live round by sample key. A series' descriptive fields (its
   * labels) come from here; history keeps its numbers.
   */
  latest: () => KindValues | null;
  externalLabels?: Readonly<Record<string, string>>;
  /** The sampling interval: rows within half of it after a round's first are that round. */
  intervalMs: number;
  /** Samples per batch, at least (whole rounds). */
  maxBatchSamples: number;
  log: (line: string) => void;
  exporters?: readonly KindExporter[];
}

/** Rows read per series per query: bounds memory whatever the outage's length. */
const WINDOW_ROWS = 300;

/**
 * Reads missed rounds back from the history store and encodes them as the live rounds are, with
 * the same names and labels, for the series history can rebuild: every family whose value is a
 * stored field (memory, CPU busy, load, pressure, container and VM figures, info families).
 * Series history does not keep (per-core CPU seconds, per-disk and per-interface counters, the
 * agent's own process and collector series) are not caught up. Each sample carries its row's
 * time (when the collector read it, a few ms after the round started). History holds raw rows
 * for `maxAgeMs` (up to an hour): rounds older than that are a gap, logged once.
 */
export function createHistoryCatchUp(options: HistoryCatchUpOptions): CatchUpSource {
  const exporters = options.exporters ?? defaultExporters();
  const familiesOf = (kind: AnyKind): ((m: readonly unknown[]) => MetricFamily[]) => {
    const exporter = exporters.find((e) => e.kind === kind.name);
    return exporter ? (m) => exporter.families(m) : (m) => fieldFamilies(kind, m);
  };
  // Stored fields that read the property of their name: those a metrics object can be given.
  const settable = new Map<string, string[]>();
  for (const kind of options.kinds.kinds) {
    settable.set(
      kind.name,
      kind.fields.filter((f) => f.stored && readsOwnProperty(f)).map((f) => f.name),
    );
  }

  return {
    async *batches(afterMs, beforeMs, signal, resumeFromMs) {
      const { history, intervalMs } = options;
      const half = intervalMs / 2;
      let from = Math.floor(afterMs + half);
      if (resumeFromMs !== undefined && resumeFromMs > afterMs) from = Math.min(from, resumeFromMs);
      // An interval inside the raw horizon: the oldest raw row may be swept any round now.
      const horizon = history.newest() - history.config.maxAgeMs + intervalMs;
      if (from < horizon) {
        options.log(
          `remote write catch-up: rounds from ${iso(afterMs)} to ${iso(Math.min(horizon, beforeMs))} are older than history keeps raw samples (${history.config.maxAgeMs / 1000} s): not sent, a gap`,
        );
        from = Math.ceil(horizon);
      }
      if (from >= beforeMs) return;
      const templates = templatesOf(options.kinds, options.latest());
      const wanted = history
        .series()
        .filter((s) => s.lastTime >= from && s.firstTime < beforeMs && templates.has(s.key));
      const missing = history
        .series()
        .filter((s) => s.lastTime >= from && s.firstTime < beforeMs && !templates.has(s.key));
      if (missing.length > 0)
        options.log(
          `remote write catch-up: ${missing.length} series ended before the agent's latest round (${missing
            .slice(0, 3)
            .map((s) => s.key)
            .join(', ')}${missing.length > 3 ? ', ...' : ''}): their labels are unknown, not sent`,
        );
      const encoder = createFamiliesEncoder(options.externalLabels);
      const span = WINDOW_ROWS * intervalMs;
      let parts: Buffer[] = [];
      let samples = 0;
      let series = 0;
      let roundStart = Number.NaN;
      let round: Buffer[] = [];
      let roundSamples = 0;
      let roundSeries = 0;
      let ackMs = Number.NaN;
      const closeRound = () => {
        if (round.length === 0) return;
        parts.push(...round);
        samples += roundSamples;
        series += roundSeries;
        // Acknowledged as far as the next catch-up skips (`afterMs` + half) without reaching
        // `beforeMs`: rows from there on are the live queue's, and a restarted agent's first
        // round can lie within half an interval of this one (lost if the queue then drops it).
        ackMs = Math.min(roundStart, Math.ceil(beforeMs - half) - 1);
        round = [];
        roundSamples = 0;
        roundSeries = 0;
      };
      const take = (): CatchUpBatch => {
        const batch = { bytes: Buffer.concat(parts), series, samples, ackMs };
        parts = [];
        samples = 0;
        series = 0;
        return batch;
      };
      let coarse = false;
      for (let a = from; a < beforeMs; a += span) {
        if (signal.aborted) return;
        const b = Math.min(a + span, beforeMs);
        // The window's rows of every series, by time: (series, row) pairs in flat arrays.
        const reads: {
          q: RangeResult;
          fields: string[];
          m: Record<string, unknown>;
          of: (m: readonly unknown[]) => MetricFamily[];
        }[] = [];
        const at: number[] = [];
        for (const info of wanted) {
          const q = history.queryOrEmpty({ series: info.key, from: a, to: b - 1 });
          if (q.tier !== 'raw') {
            // Only rollups left for this range (the raw ring is full): a gap, said once.
            if (!coarse)
              options.log(
                `remote write catch-up: history holds only rollups of ${info.key} from ${iso(a)}: not sent, a gap`,
              );
            coarse = true;
            continue;
          }
          const kind = options.kinds.require(info.kind);
          // One object per series, its stored fields set row by row: exporters only read it.
          reads.push({
            q,
            fields: (settable.get(kind.name) ?? []).filter((f) => f in q.values),
            m: { ...templates.get(info.key)! },
            of: familiesOf(kind),
          });
          const r = reads.length - 1;
          q.timestamps.forEach((time, i) => {
            if (time >= a && time < b) at.push(r, i);
          });
        }
        const order = Array.from({ length: at.length / 2 }, (_, k) => 2 * k);
        const timeOf = (k: number) => reads[at[k]!]!.q.timestamps[at[k + 1]!]!;
        order.sort((x, y) => timeOf(x) - timeOf(y));
        for (const k of order) {
          const time = timeOf(k);
          if (!(time <= roundStart + half)) {
            closeRound();
            if (samples >= options.maxBatchSamples) yield take();
            roundStart = time;
          }
          const read = reads[at[k]!]!;
          const row = at[k + 1]!;
          for (const f of read.fields) read.m[f] = read.q.values[f]![row];
          const encoded = encoder.encode(read.of([read.m]), Math.round(time));
          round.push(encoded.bytes);
          roundSamples += encoded.series;
          roundSeries += encoded.series;
        }
        // Between windows the event loop gets its turn (live rounds keep being sampled).
        await new Promise((r) => setImmediate(r));
      }
      closeRound();
      if (samples > 0) yield take();
    },
  };
}

/** A series' latest metrics with every number and list emptied: its labels and strings stay. */
function templatesOf(kinds: KindRegistry, latest: KindValues | null): Map<string, object> {
  const out = new Map<string, object>();
  if (!latest) return out;
  for (const kind of kinds.kinds) {
    for (const m of metricsOf(kind, latest) ?? []) {
      const key = kind.singleton ? kind.name : `${kind.name}:${kind.identity(m).id}`;
      out.set(key, blank(m) as object);
    }
  }
  return out;
}

function blank(value: unknown): unknown {
  if (typeof value === 'number') return null;
  if (Array.isArray(value)) return [];
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = blank(v);
  return out;
}

const PROBE = 123_456.789;

function readsOwnProperty(field: AnyKind['fields'][number]): boolean {
  try {
    return field.value({ [field.name]: PROBE }) === PROBE;
  } catch {
    return false;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
