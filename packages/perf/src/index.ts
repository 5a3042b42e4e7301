export { createMonitor, PerfMonitor } from './perf-monitor.js';
export type { HistoryRange, PerfMonitorOptions, PerfSample } from './perf-monitor.js';
export { loadPlatformCollectors } from './load-platform-collectors.js';
export type { PlatformCollectorOptions } from './load-platform-collectors.js';
export type { ContainerCollector, MonitorCollectors, VmCollector } from './monitor-collectors.js';
export { createPlatformSources } from './sources/create-platform-sources.js';
export type { CreatePlatformSourcesOptions } from './sources/create-platform-sources.js';
export type { PlatformSources } from './sources/platform-sources.js';
export { defaultSourcesConfig } from './config/sources-config.js';
export type { SourceSwitch, SourcesConfig, VmmSockets } from './config/sources-config.js';
export { validateSources } from './config/validate-sources.js';
export { resolveSources } from './config/resolve-sources.js';
export { createConfigChecker, describeValue, isConfigObject } from './config/config-checker.js';
export type {
  ConfigChecker,
  ConfigIssue,
  ConfigObject,
  ConfigPath,
} from './config/config-checker.js';
export {
  configError,
  keyText,
  MAX_CONFIG_BYTES,
  parseConfigDocument,
  readConfigFile,
} from './config/config-document.js';
export type { ConfigDocument } from './config/config-document.js';
export { recordSamples } from './recording/record-samples.js';
export type { RecordingSummary, RecordSamplesOptions } from './recording/record-samples.js';
export { openRecording } from './recording/open-recording.js';
export type { OpenRecordingOptions, Recording } from './recording/open-recording.js';
export { replaySamples } from './recording/replay-samples.js';
export type {
  ReplayedPair,
  ReplayedSample,
  ReplaySamplesOptions,
} from './recording/replay-samples.js';
export { defaultRecordingLimits } from './recording/recording-limits.js';
export type { RecordingLimits } from './recording/recording-limits.js';
export type { RecordedSources } from './recording/recorded-sources.js';
