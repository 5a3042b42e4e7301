import type { Labels, MetricFamily, MetricType } from './metric-family.js';
import { createFamily } from './metric-family.js';

/** One metric family read off every item of a list: a row of the exporter's name table. */
export interface FamilySpec<T> {
  name: string;
  type: MetricType;
  help: string;
  unit?: string;
  /** The sample's value; null or undefined leaves the item out of this family. */
  value(item: T): number | null | undefined;
  /** Extra labels of this family only (info families carry descriptive labels). */
  labels?(item: T): Labels;
}

/**
 * Families from a table of specs over a list of items, each item labelled by `labelsOf`. Keeps
 * the metric names in one table per kind of thing, where they can be read and reviewed together.
 */
export function familiesFrom<T>(
  specs: ReadonlyArray<FamilySpec<T>>,
  items: Iterable<T>,
  labelsOf: (item: T) => Labels,
): MetricFamily[] {
  const builders = specs.map((s) => createFamily(s.name, s.type, s.help, s.unit));
  for (const item of items) {
    const labels = labelsOf(item);
    specs.forEach((spec, i) => {
      builders[i]!.add(
        spec.labels ? { ...labels, ...spec.labels(item) } : labels,
        spec.value(item),
      );
    });
  }
  return builders.map((b) => b.family);
}

/** Only the first item of each key: two sources reporting one thing make one series. */
export function uniqueBy<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
  }
  return out;
}
