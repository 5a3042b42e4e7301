import type { AlertRule } from '../alert-rule.js';
import type { LifecycleEvent } from '../lifecycle-event.js';

/** Units of numeric fields: what history stores, alerts compare, exports name and apps print. */
export type FieldUnit =
  | 'percent'
  | 'bytes'
  | 'bytes/s'
  | 'ops/s'
  | 'packets/s'
  | 'events/s'
  | 'seconds'
  | 'count'
  | 'cores'
  | 'load'
  | 'watts'
  | 'celsius'
  | 'hertz';

/** One numeric field of a kind's metrics. */
export interface KindField<M> {
  readonly name: string;
  readonly unit: FieldUnit;
  /** What the number means, in a sentence (used as help text). */
  readonly description: string;
  /** Reads the value from metrics; null = not measured. */
  readonly value: (metrics: M) => number | null;
  /** Kept in history (false: alert rules may name it, history does not store it). */
  readonly stored: boolean;
}

/** Where a series' metrics say who they are. */
export interface SeriesIdentity {
  id: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** Wall-clock time of the metrics, ms since the epoch. */
  timestamp: number;
  /** Monotonic time of the metrics, ms. */
  monotonicMs: number;
}

/**
 * Everything that differs between kinds of series (the host, containers, VMs, filesystems...):
 * how readings are keyed and turned into metrics, which numbers they hold and in what unit, and
 * the alert rules a monitor starts with. History, alerts, export, the API and the CLI iterate
 * descriptors; nothing else names a kind.
 */
export interface KindDescriptor<R = unknown, M = unknown> {
  /** Singular name, used in series keys (`container:<id>`) and rules (`container.cpuPercent`). */
  readonly name: string;
  /** Property of a sample holding this kind's metrics (`containers`), also its collector's name. */
  readonly sampleKey: string;
  /** Title for people (`Containers`). */
  readonly title: string;
  /** One series per host (the system): a sample holds one metrics object or null, not a list. */
  readonly singleton: boolean;
  /** Identity of a reading's series, so two readings of it are paired. */
  keyOf(reading: R): string;
  /** Two readings of one series (the first: previous null) to metrics; rates are core's maths. */
  compute(previous: R | null, current: R): M;
  identity(metrics: M): SeriesIdentity;
  /** Numeric fields: stored ones first, in column order, then alert-only derived ones. */
  readonly fields: readonly KindField<M>[];
  /** Yes/no facts a rule's `match` may test. */
  readonly facts: Readonly<Record<string, (metrics: M) => boolean>>;
  /** Rules a monitor watches by default. */
  readonly defaultRules: readonly AlertRule[];
  /**
   * The series a monitor keeps in samples, history, alerts and export when a round reads more
   * than should be kept (processes: the top N); every series when absent. Rates are computed for
   * every series first, so a ranking can use them.
   */
  readonly select?: (metrics: readonly M[]) => M[];
  /**
   * Events one series' metrics show (an OOM kill counter that moved); a monitor publishes them
   * and keeps them in history. None when absent.
   */
  readonly events?: (metrics: M) => LifecycleEvent[];
}

/** A descriptor with its reading and metrics types erased, as registries hold them. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds descriptors of every reading and metrics type.
export type AnyKind = KindDescriptor<any, any>;

/** Metrics of every kind by sample key: one object (or null) for a singleton kind, else a list. */
export interface KindValues {
  readonly [sampleKey: string]: unknown;
}

export type MetricsOf<K> = K extends KindDescriptor<unknown, infer M> ? M : never;
export type ReadingOf<K> = K extends KindDescriptor<infer R, unknown> ? R : never;

/**
 * The metrics of `kind` in a sample, as a list; `undefined` when the sample does not hold the
 * kind at all (not collected this round: its series are not ended).
 */
export function metricsOf<R, M>(
  kind: KindDescriptor<R, M>,
  sample: KindValues,
): readonly M[] | undefined {
  const value = sample[kind.sampleKey];
  if (value === undefined) return undefined;
  if (kind.singleton) return value === null ? [] : [value as M];
  return value as readonly M[];
}

/** The names of a kind's stored fields, in column order. */
export function storedFieldNames(kind: AnyKind): string[] {
  return kind.fields.filter((f) => f.stored).map((f) => f.name);
}

/** Builds a stored field that reads the property of the same name. */
export function field<M>(
  name: keyof M & string,
  unit: FieldUnit,
  description: string,
): KindField<M> {
  return {
    name,
    unit,
    description,
    stored: true,
    value: (m) => {
      const v = (m as Record<string, unknown>)[name];
      return typeof v === 'number' ? v : null;
    },
  };
}
