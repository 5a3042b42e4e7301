/**
 * What the exposition writers print. `counter` values are cumulative totals in base units
 * (seconds, bytes); Prometheus's `rate()` turns them into rates, so no rate is exported.
 * `info` is a constant 1 carrying labels (OpenMetrics `info`; a gauge in the 0.0.4 text format).
 */
export type MetricType = 'counter' | 'gauge' | 'info';

/** Label names in the order they are printed; values are escaped by the writer. */
export type Labels = Readonly<Record<string, string>>;

export interface MetricSample {
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  /**
   * The family name without the type suffix: `arcbox_perf_cpu_seconds` for a counter (the sample
   * is `arcbox_perf_cpu_seconds_total`), `arcbox_perf_container` for an info family.
   */
  name: string;
  help: string;
  type: MetricType;
  /** OpenMetrics UNIT; the name must end with it (`seconds`, `bytes`, `ratio`). */
  unit?: string;
  samples: MetricSample[];
}

/** The name a sample of this family is printed under. */
export function sampleName(family: Pick<MetricFamily, 'name' | 'type'>): string {
  if (family.type === 'counter') return `${family.name}_total`;
  if (family.type === 'info') return `${family.name}_info`;
  return family.name;
}

/**
 * A family to fill in: `add` skips null and undefined values, so a figure the source did not
 * give is absent from the scrape rather than a made-up 0.
 */
export interface FamilyBuilder {
  readonly family: MetricFamily;
  add(labels: Labels, value: number | null | undefined): void;
}

export function createFamily(
  name: string,
  type: MetricType,
  help: string,
  unit?: string,
): FamilyBuilder {
  const family: MetricFamily =
    unit === undefined
      ? { name, help, type, samples: [] }
      : { name, help, type, unit, samples: [] };
  return {
    family,
    add(labels, value) {
      if (value === null || value === undefined) return;
      family.samples.push({ labels, value });
    },
  };
}
