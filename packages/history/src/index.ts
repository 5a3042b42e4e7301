export { DEFAULT_HISTORY_TIERS, resolveHistoryConfig } from './history-config.js';
export type { HistoryConfig, HistoryTier, ResolvedHistoryConfig } from './history-config.js';
export { defaultKindRegistry, fieldsOf, parseSeriesKey, seriesKey } from './series-key.js';
export type { SeriesKey, SeriesKind } from './series-key.js';
export type { HistoryEvent, SeriesMeta } from './series.js';
export { MAX_POINTS } from './range-query.js';
export type { Aggregation, RangeQuery, RangeResult } from './range-query.js';
export { createHistoryStore } from './history-store.js';
export type {
  HistorySample,
  HistoryStats,
  HistoryStore,
  HistoryStoreOptions,
  QueryIterableOptions,
  SeriesInfo,
  SeriesRestorer,
} from './history-store.js';
export { defaultAlertRules, defaultRulesOf } from './alerts/default-rules.js';
export type {
  AlertComparison,
  AlertRule,
  AlertSeverity,
  AlertState,
  AlertWindowAggregation,
  SeriesMatcher,
} from '@arcbox/perf-core';
export { globMatches } from './alerts/glob-match.js';
export { parseDurationSeconds } from './alerts/duration.js';
export {
  loadAlertRules,
  MAX_FOR_SECONDS,
  MAX_RULES_FILE_BYTES,
  MAX_WINDOW_SECONDS,
  parseAlertRules,
} from './alerts/parse-alert-rules.js';
export type { ParseAlertRulesOptions, ParsedAlertRules } from './alerts/parse-alert-rules.js';
export { createAlertEngine } from './alerts/alert-engine.js';
export type {
  AlertEngine,
  AlertEngineOptions,
  AlertEvent,
  AlertRuleSummary,
  AlertSample,
  AlertStatus,
} from './alerts/alert-engine.js';
export { createEventLog, DEFAULT_MAX_EVENTS } from './event-log.js';
export type { EventLog, EventLogOptions } from './event-log.js';
