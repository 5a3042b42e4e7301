export { createMonitor, PerfMonitor } from './perf-monitor.js';
export type { HistoryRange, PerfMonitorOptions, PerfSample } from './perf-monitor.js';
export { loadPlatformCollectors } from './load-platform-collectors.js';
export type { PlatformCollectorOptions } from './load-platform-collectors.js';
export type { ContainerCollector, MonitorCollectors, VmCollector } from './monitor-collectors.js';
