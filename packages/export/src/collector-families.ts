import type { CollectorStatus } from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import type { MetricFamily } from './metric-family.js';
import { type FamilyHead, type SampleWriter, writeSample } from './sample-writer.js';
import { METRIC_PREFIX } from './system-families.js';

/**
 * The exporter's own health, one series per collector (node_exporter's
 * node_scrape_collector_duration_seconds / _success). A collector that has not run yet has no
 * duration and reports success 0; a disabled one is left out.
 */
export function collectorFamilies(statuses: ReadonlyArray<CollectorStatus>): MetricFamily[] {
  return collectFamilies((writer) => writeCollectors(writer, statuses));
}

/** `collectorFamilies` through a writer. */
export function writeCollectors(
  writer: SampleWriter,
  statuses: ReadonlyArray<CollectorStatus>,
): void {
  const enabled = statuses.filter((s) => s.enabled);
  const labels = enabled.map((s) => ({ collector: s.name }));
  const each = (head: FamilyHead, value: (s: CollectorStatus) => number | null) => {
    writer.family(head);
    for (let i = 0; i < enabled.length; i++) writeSample(writer, labels[i]!, value(enabled[i]!));
  };
  each(
    {
      name: `${METRIC_PREFIX}_scrape_collector_duration_seconds`,
      help: "Duration of the collector's last run.",
      type: 'gauge',
      unit: 'seconds',
    },
    (s) => (s.lastOutcome ? s.lastOutcome.durationMs / 1000 : null),
  );
  each(
    {
      name: `${METRIC_PREFIX}_scrape_collector_success`,
      help: "Whether the collector's last run succeeded (1) or failed or has not run yet (0).",
      type: 'gauge',
    },
    (s) => (s.lastOutcome?.ok ? 1 : 0),
  );
  each(
    {
      name: `${METRIC_PREFIX}_scrape_collector_last_success_timestamp_seconds`,
      help: 'Unix time of the last successful run of the collector.',
      type: 'gauge',
      unit: 'seconds',
    },
    (s) => (s.lastSuccessAt === null ? null : s.lastSuccessAt / 1000),
  );
  each(
    {
      name: `${METRIC_PREFIX}_scrape_collector_timeout_seconds`,
      help: 'Time the collector may take before it is abandoned for that run.',
      type: 'gauge',
      unit: 'seconds',
    },
    (s) => s.timeoutMs / 1000,
  );
}
