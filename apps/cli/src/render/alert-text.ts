import { formatValue, type KindRegistry } from '@arcbox/perf-core';
import type { AlertStatus } from '@arcbox/perf-history';

/** What an alert status carries about its rule: enough to print it without the rule. */
type Judged = Pick<
  AlertStatus,
  'field' | 'unit' | 'comparison' | 'warn' | 'crit' | 'clear' | 'severity' | 'value'
>;

/** `> 90.0 %`: a threshold of the rule, in the field's unit; '-' when the rule has none. */
export function thresholdText(s: Judged, threshold: number | null): string {
  return threshold === null ? '-' : `${s.comparison} ${formatValue(threshold, s.unit)}`;
}

/** The value in the field's unit: `91.7 %`, `256.0 MiB`. */
export function alertValueText(s: Judged): string {
  return formatValue(s.value, s.unit);
}

/** Who an alert is about: a container's or VM's name; a one-per-host kind by its title (`host`). */
export function seriesLabel(
  s: Pick<AlertStatus, 'kind' | 'series' | 'seriesName'>,
  kinds: KindRegistry,
): string {
  const kind = kinds.get(s.kind);
  return kind?.singleton ? kind.title.toLowerCase() : s.seriesName;
}

/**
 * One line for a firing alert: `web memoryPercent 91.7 % > 90.0 %` (the threshold its severity
 * crossed), as the live view and the plain tables show it.
 */
export function alertMessage(
  s: Judged & Pick<AlertStatus, 'kind' | 'seriesName' | 'series'>,
  kinds: KindRegistry,
): string {
  const threshold = s.severity === 'critical' ? s.crit : s.warn;
  return `${seriesLabel(s, kinds)} ${s.field} ${alertValueText(s)} ${thresholdText(s, threshold)}`;
}
