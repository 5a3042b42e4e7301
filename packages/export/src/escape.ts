/** Label values escape backslash, double quote and line feed (exposition format 0.0.4 and OpenMetrics). */
export function escapeLabelValue(value: string): string {
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed only. */
export function escapeHelp(text: string): string {
  if (!/[\\\n]/.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function isValidLabelName(name: string): boolean {
  return labelNamePattern.test(name) && !name.startsWith('__');
}

export function isValidMetricName(name: string): boolean {
  return metricNamePattern.test(name);
}

/** Numbers as Prometheus parses them: `NaN`, `+Inf`, `-Inf`, else the shortest round-trip form. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
