import type { Labels, MetricFamily } from './metric-family.js';

/** A family without its samples: what is printed once above them. */
export type FamilyHead = Omit<MetricFamily, 'samples'>;

/**
 * Receives an export family by family: `family` starts one, and every `sample` until the next
 * `family` belongs to it. The name tables write through this, so a consumer that only encodes
 * the samples (remote write, once a second) never builds `MetricFamily` objects, and /metrics
 * (which collects them) still prints the same names from the same tables.
 */
export interface SampleWriter {
  family(head: FamilyHead): void;
  sample(labels: Labels, value: number): void;
}

/** Writes a sample unless the source gave no figure (absent from the scrape, never a made-up 0). */
export function writeSample(
  writer: SampleWriter,
  labels: Labels,
  value: number | null | undefined,
): void {
  if (value !== null && value !== undefined) writer.sample(labels, value);
}

/** Families already built, written as they are (an exporter with no writer of its own). */
export function writeFamilies(writer: SampleWriter, families: readonly MetricFamily[]): void {
  for (const { samples, ...head } of families) {
    writer.family(head);
    for (const s of samples) writer.sample(s.labels, s.value);
  }
}
