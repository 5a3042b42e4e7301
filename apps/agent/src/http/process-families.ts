import { createFamily, type MetricFamily } from '@arcbox/perf-export';

const startTime = Date.now() / 1000 - process.uptime();

/**
 * The agent's own footprint under the names every Prometheus client library uses
 * (process_cpu_seconds_total, process_resident_memory_bytes, process_start_time_seconds), so the
 * usual dashboards and alerts for exporters apply to it.
 */
export function processFamilies(): MetricFamily[] {
  const usage = process.cpuUsage();
  const cpu = createFamily(
    'process_cpu_seconds',
    'counter',
    'Total user and system CPU time spent in seconds.',
    'seconds',
  );
  cpu.add({}, (usage.user + usage.system) / 1e6);
  const rss = createFamily(
    'process_resident_memory_bytes',
    'gauge',
    'Resident memory size in bytes.',
    'bytes',
  );
  rss.add({}, process.memoryUsage.rss());
  const start = createFamily(
    'process_start_time_seconds',
    'gauge',
    'Start time of the process since unix epoch in seconds.',
    'seconds',
  );
  start.add({}, startTime);
  return [cpu.family, rss.family, start.family];
}
