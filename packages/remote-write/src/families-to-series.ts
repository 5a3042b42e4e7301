import { type MetricFamily, sampleName } from '@arcbox/perf-export';
import type { RemoteLabel, RemoteSeries } from './write-request.js';

const byName = (a: RemoteLabel, b: RemoteLabel) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The series of one round as /metrics prints them (same names: `_total` on counters, `_info` on
 * info families; same labels), each with one sample at `timestampMs`, plus external labels.
 * As in Prometheus, an external label never overrides a label the series already has. Labels are
 * sorted by name, as remote write 1.0 requires.
 */
export function familiesToSeries(
  families: readonly MetricFamily[],
  timestampMs: number,
  externalLabels: Readonly<Record<string, string>> = {},
): RemoteSeries[] {
  const external = Object.entries(externalLabels);
  const out: RemoteSeries[] = [];
  for (const family of families) {
    const name = sampleName(family);
    for (const sample of family.samples) {
      const labels: RemoteLabel[] = [{ name: '__name__', value: name }];
      for (const key in sample.labels) labels.push({ name: key, value: sample.labels[key]! });
      for (const [key, value] of external) {
        if (!(key in sample.labels) && key !== '__name__') labels.push({ name: key, value });
      }
      labels.sort(byName);
      out.push({ labels, samples: [{ value: sample.value, timestampMs }] });
    }
  }
  return out;
}
