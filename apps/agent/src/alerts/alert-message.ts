import { formatValue } from '@arcbox/perf-core';
import type { AlertView } from '../http/agent-state.js';
import { formatAge } from './format-age.js';

/**
 * One line for people, from the alert's own fields (no rule is looked up):
 * "web-1 memoryPercent 93.2 % > 90 % (warn; crit 98 %), firing for 5 min".
 */
export function alertMessage(a: AlertView, now: number): string {
  const value = formatValue(a.value, a.unit);
  if (a.state === 'resolved') {
    if (a.reason === 'series-gone') return `${a.name} is gone (${a.field} was ${value})`;
    const clear = a.clear ?? a.warn ?? a.crit;
    return `${a.name} ${a.field} back to ${value}${clear === null ? '' : ` (clear ${formatValue(clear, a.unit)})`}`;
  }
  const critical = a.severity === 'critical';
  const other = critical ? a.warn : a.crit;
  const levels = `${critical ? 'crit' : 'warn'}${other === null ? '' : `; ${critical ? 'warn' : 'crit'} ${formatValue(other, a.unit)}`}`;
  return `${a.name} ${a.field} ${value} ${a.comparison} ${formatValue(a.threshold, a.unit)} (${levels}), ${a.state} for ${formatAge(now - a.since)}`;
}
