export { DEFAULT_HISTORY_TIERS, resolveHistoryConfig } from './history-config.js';
export type { HistoryConfig, HistoryTier, ResolvedHistoryConfig } from './history-config.js';
export { fieldsOf, parseSeriesKey, seriesKey } from './series-key.js';
export type { SeriesKey, SeriesKind } from './series-key.js';
export type { HistoryEvent, SeriesMeta } from './series.js';
export { MAX_POINTS } from './range-query.js';
export type { Aggregation, RangeQuery, RangeResult } from './range-query.js';
export { createHistoryStore } from './history-store.js';
export type {
  HistorySample,
  HistoryStats,
  HistoryStore,
  QueryIterableOptions,
  SeriesInfo,
  SeriesRestorer,
} from './history-store.js';
export { defaultAlertRules, derivedAlertFields } from './alerts/alert-rule.js';
export type {
  AlertComparison,
  AlertRule,
  AlertSeverity,
  AlertState,
  AlertWindowAggregation,
  SeriesMatcher,
} from './alerts/alert-rule.js';
export { parseDurationSeconds } from './alerts/duration.js';
export { loadAlertRules, parseAlertRules } from './alerts/parse-alert-rules.js';
export type { ParseAlertRulesOptions, ParsedAlertRules } from './alerts/parse-alert-rules.js';
export { createAlertEngine } from './alerts/alert-engine.js';
export type { AlertEngine, AlertEvent, AlertSample, AlertStatus } from './alerts/alert-engine.js';
