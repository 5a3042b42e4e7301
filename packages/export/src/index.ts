export { createFamily, sampleName } from './metric-family.js';
export type {
  FamilyBuilder,
  Labels,
  MetricFamily,
  MetricSample,
  MetricType,
} from './metric-family.js';
export {
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  isValidLabelName,
  isValidMetricName,
} from './escape.js';
export {
  contentTypeOf,
  formatExposition,
  formatOpenMetrics,
  formatPrometheusText,
  negotiateExposition,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
} from './format-exposition.js';
export type { ExpositionFormat } from './format-exposition.js';
export { collectFamilies } from './collect-families.js';
export { writeFamilies, writeSample } from './sample-writer.js';
export type { FamilyHead, SampleWriter } from './sample-writer.js';
export { METRIC_PREFIX, systemFamilies } from './system-families.js';
export { containerFamilies } from './container-families.js';
export { vmFamilies } from './vm-families.js';
export { collectorFamilies } from './collector-families.js';
export { formatMetrics, snapshotFamilies, writeSnapshot } from './export-snapshot.js';
export type { ExportOptions, ExportSnapshot } from './export-snapshot.js';
export { defaultExporters, fieldFamilies, fieldFamilyName, kindFamilies } from './kind-exporter.js';
export type { KindExporter } from './kind-exporter.js';
export { filesystemFamilies } from './filesystem-families.js';
export { processFamilies } from './process-families.js';
export { gpuFamilies } from './gpu-families.js';
export { formatJson } from './format-json.js';
export {
  containerCsvColumns,
  csvField,
  formatCsv,
  kindCsvColumns,
  systemCsvColumns,
  vmCsvColumns,
} from './format-csv.js';
export type { CsvColumn } from './format-csv.js';
export { defaultKindQueries } from './alert-rule-queries.js';
export type { FieldQuery, KindQueries, Select } from './alert-rule-queries.js';
export { toPrometheusAlertRules } from './prometheus-alert-rules.js';
export { globMatcher, promDuration } from './promql-text.js';
export type {
  PrometheusAlertingRule,
  PrometheusAlertRules,
  PrometheusAlertRulesOptions,
  PrometheusRuleGroup,
} from './prometheus-alert-rules.js';
