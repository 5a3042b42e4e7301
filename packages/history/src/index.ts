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
