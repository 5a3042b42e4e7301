import type { CollectorStatus } from '@arcbox/perf-core';
import { createFamily, type MetricFamily } from './metric-family.js';
import { METRIC_PREFIX } from './system-families.js';

/**
 * The exporter's own health, one series per collector (node_exporter's
 * node_scrape_collector_duration_seconds / _success). A collector that has not run yet has no
 * duration and reports success 0; a disabled one is left out.
 */
export function collectorFamilies(statuses: ReadonlyArray<CollectorStatus>): MetricFamily[] {
  const duration = createFamily(
    `${METRIC_PREFIX}_scrape_collector_duration_seconds`,
    'gauge',
    "Duration of the collector's last run.",
    'seconds',
  );
  const success = createFamily(
    `${METRIC_PREFIX}_scrape_collector_success`,
    'gauge',
    "Whether the collector's last run succeeded (1) or failed or has not run yet (0).",
  );
  const lastSuccess = createFamily(
    `${METRIC_PREFIX}_scrape_collector_last_success_timestamp_seconds`,
    'gauge',
    'Unix time of the last successful run of the collector.',
    'seconds',
  );
  const timeout = createFamily(
    `${METRIC_PREFIX}_scrape_collector_timeout_seconds`,
    'gauge',
    'Time the collector may take before it is abandoned for that run.',
    'seconds',
  );
  for (const s of statuses) {
    if (!s.enabled) continue;
    const labels = { collector: s.name };
    duration.add(labels, s.lastOutcome ? s.lastOutcome.durationMs / 1000 : null);
    success.add(labels, s.lastOutcome?.ok ? 1 : 0);
    lastSuccess.add(labels, s.lastSuccessAt === null ? null : s.lastSuccessAt / 1000);
    timeout.add(labels, s.timeoutMs / 1000);
  }
  return [duration.family, success.family, lastSuccess.family, timeout.family];
}
