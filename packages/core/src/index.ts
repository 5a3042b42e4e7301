export { PerfError } from './perf-error.js';
export type { PerfErrorCode, PerfErrorLocation, PerfErrorOptions } from './perf-error.js';
export { counterDelta, counterDeltaValue, counterRate } from './counter-delta.js';
export type { CounterChange, CounterDeltaOptions } from './counter-delta.js';
export { cpuTimeModes, cpuUsage, emptyCpuTimes, HOTPLUG_IDLE_DROP_SECONDS } from './cpu-times.js';
export type { CoreTimes, CpuBreakdown, CpuTimes, CpuUsage } from './cpu-times.js';
export {
  clamp,
  DISKSTATS_SECTOR_BYTES,
  formatBytes,
  formatPercent,
  formatRate,
  GIB,
  KIB,
  MIB,
  formatValue,
} from './units.js';
export type { NetInterfaceReading, Platform, ReadingStamp, SourceProblem } from './reading.js';
export type {
  CpuReading,
  DiskKind,
  DiskReading,
  LoadReading,
  MemoryPressureLevel,
  MemoryReading,
  PressureReading,
  PressureStall,
  ResourcePressure,
  SystemReading,
} from './system-reading.js';
export { systemNumericFields } from './system-metrics.js';
export type {
  CoreCpuMetrics,
  DiskMetrics,
  NetInterfaceMetrics,
  SystemMetrics,
  SystemNumericField,
} from './system-metrics.js';
export { computeSystemMetrics, intervalSeconds } from './compute-system-metrics.js';
export { computeInterfaceMetrics, sumOrNull } from './net-metrics.js';
export { sumCounted, sumRates } from './sum-rates.js';
export type {
  ContainerReading,
  ContainerRuntime,
  ContainerSource,
  ContainerState,
} from './container-reading.js';
export { containerNumericFields } from './container-metrics.js';
export type { ContainerMetrics, ContainerNumericField } from './container-metrics.js';
export { computeContainerMetrics } from './compute-container-metrics.js';
export type {
  VcpuReading,
  VirtioBlkReading,
  VirtioNetReading,
  VmMemorySource,
  Vmm,
  VmReading,
} from './vm-reading.js';
export { vmNumericFields } from './vm-metrics.js';
export type {
  VcpuMetrics,
  VirtioBlkMetrics,
  VirtioNetMetrics,
  VmMetrics,
  VmNumericField,
} from './vm-metrics.js';
export { computeVmMetrics } from './compute-vm-metrics.js';
export type { CollectOptions, Collector, CollectorValue } from './collector.js';
export { createCollectorRegistry, DEFAULT_COLLECTOR_TIMEOUT_MS } from './collector-registry.js';
export type {
  CollectorOutcome,
  CollectorRegistry,
  CollectorRegistryOptions,
  CollectorSet,
  CollectorStatus,
  RegistryRun,
} from './collector-registry.js';
export { createSeriesTracker } from './series-tracker.js';
export type { SeriesTracker } from './series-tracker.js';
export { throwIfAborted, withTimeout } from './with-timeout.js';
export { createBroadcast } from './broadcast.js';
export type { Broadcast, SubscribeOptions } from './broadcast.js';
export {
  formatRecordedStamp,
  formatRecordingManifest,
  MAX_RECORDED_READINGS,
  parseRecordedStamp,
  parseRecordingManifest,
  RECORDED_READINGS_FOLDER,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  readingFolderName,
} from './recording-format.js';
export type { RecordedStamp, RecordingManifest } from './recording-format.js';
export type {
  AlertComparison,
  AlertRule,
  AlertSeverity,
  AlertState,
  AlertWindowAggregation,
  SeriesMatcher,
} from './alert-rule.js';
export type { FilesystemReading } from './filesystem-reading.js';
export type { FilesystemMetrics } from './filesystem-metrics.js';
export { computeFilesystemMetrics } from './compute-filesystem-metrics.js';
export type { GpuProcessReading, GpuReading, GpuVendor } from './gpu-reading.js';
export { emptyGpuReading } from './gpu-reading.js';
export type { GpuMetrics } from './gpu-metrics.js';
export { computeGpuMetrics, gpuMemoryByContainer } from './compute-gpu-metrics.js';
export type { ProcessReading } from './process-reading.js';
export type { ProcessMetrics } from './process-metrics.js';
export { computeProcessMetrics, processKey } from './compute-process-metrics.js';
export {
  createProcessSelection,
  DEFAULT_PROCESS_LIMIT,
  MAX_PROCESS_LIMIT,
  PROCESS_SORTS,
  processInContainer,
  sortProcesses,
} from './select-processes.js';
export type { ProcessSelectionOptions, ProcessSort } from './select-processes.js';
export { field, metricsOf, storedFieldNames } from './kinds/kind-descriptor.js';
export type {
  AnyKind,
  FieldUnit,
  KindDescriptor,
  KindField,
  KindValues,
  MetricsOf,
  ReadingOf,
  SeriesIdentity,
} from './kinds/kind-descriptor.js';
export { createKindRegistry } from './kinds/kind-registry.js';
export type { KindRegistry } from './kinds/kind-registry.js';
export { systemKind } from './kinds/system-kind.js';
export { containerKind } from './kinds/container-kind.js';
export { vmKind } from './kinds/vm-kind.js';
export { filesystemKind } from './kinds/filesystem-kind.js';
export { processKind } from './kinds/process-kind.js';
export { gpuKind } from './kinds/gpu-kind.js';
export { defaultKinds } from './kinds/default-kinds.js';
export { formatDuration, MAX_TIMER_MS, parseDuration } from './parse-duration.js';
export { parseTime } from './parse-time.js';
export {
  describeLifecycleEvent,
  formatAgo,
  LIFECYCLE_EVENT_SOURCES,
  LIFECYCLE_EVENT_TYPES,
} from './lifecycle-event.js';
export type {
  LifecycleEvent,
  LifecycleEventSource,
  LifecycleEventType,
} from './lifecycle-event.js';
export { createOomEventMerge } from './merge-oom-events.js';
export type { OomEventMerge, OomEventMergeOptions } from './merge-oom-events.js';
