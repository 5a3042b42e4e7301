import { collectFamilies, type MetricFamily, type SampleWriter } from '@arcbox/perf-export';

const startTime = Date.now() / 1000 - process.uptime();
const noLabels = {};

/**
 * The agent's own footprint under the names every Prometheus client library uses
 * (process_cpu_seconds_total, process_resident_memory_bytes, process_start_time_seconds), so the
 * usual dashboards and alerts for exporters apply to it.
 */
export function processFamilies(): MetricFamily[] {
  return collectFamilies(writeProcessSamples);
}

/** `processFamilies` through a writer. */
export function writeProcessSamples(writer: SampleWriter): void {
  const usage = process.cpuUsage();
  writer.family({
    name: 'process_cpu_seconds',
    help: 'Total user and system CPU time spent in seconds.',
    type: 'counter',
    unit: 'seconds',
  });
  writer.sample(noLabels, (usage.user + usage.system) / 1e6);
  writer.family({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    type: 'gauge',
    unit: 'bytes',
  });
  writer.sample(noLabels, process.memoryUsage.rss());
  writer.family({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since unix epoch in seconds.',
    type: 'gauge',
    unit: 'seconds',
  });
  writer.sample(noLabels, startTime);
}
