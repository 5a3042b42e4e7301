import { collectFamilies } from './collect-families.js';
import type { Labels, MetricFamily, MetricType } from './metric-family.js';
import type { FamilyHead, SampleWriter } from './sample-writer.js';

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
  return collectFamilies((writer) => writeTable(writer, specs, items, labelsOf));
}

/** The head a spec's family is printed under (its functions left out). */
export function familyHead(
  spec: Pick<FamilySpec<unknown>, 'name' | 'help' | 'type' | 'unit'>,
): FamilyHead {
  return spec.unit === undefined
    ? { name: spec.name, help: spec.help, type: spec.type }
    : { name: spec.name, help: spec.help, type: spec.type, unit: spec.unit };
}

/**
 * `familiesFrom` written family by family: each item is labelled once and its labels object is
 * shared by every family of the table (an encoder comparing a series' labels with last round's
 * then compares each item once, not once per family).
 */
export function writeTable<T>(
  writer: SampleWriter,
  specs: ReadonlyArray<FamilySpec<T>>,
  items: Iterable<T>,
  labelsOf: (item: T) => Labels,
): void {
  const list = Array.isArray(items) ? (items as readonly T[]) : [...items];
  const labels = list.map(labelsOf);
  for (const spec of specs) {
    writer.family(familyHead(spec));
    const extra = spec.labels;
    for (let i = 0; i < list.length; i++) {
      const item = list[i]!;
      const value = spec.value(item);
      if (value === null || value === undefined) continue;
      writer.sample(extra ? { ...labels[i]!, ...extra(item) } : labels[i]!, value);
    }
  }
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
