import type { AlertRule, AlertStatus, ParsedAlertRules } from '@arcbox/perf-history';
import { formatField } from '../render/format-field.js';
import type { FiringAlert } from '../tui/top-frame.js';

/** A rules file (YAML or JSON, perf-history's format), or perf-history's default rules. */
export async function loadRules(
  file: string | undefined,
  signal: AbortSignal,
): Promise<ParsedAlertRules> {
  const history = await import('@arcbox/perf-history');
  return file
    ? history.loadAlertRules(file, { signal })
    : { rules: [...history.defaultAlertRules], errors: [] };
}

/** The firing alerts of the engine's states, as the live view lists and highlights them. */
export function firingAlerts(
  states: readonly AlertStatus[],
  rules: readonly AlertRule[],
): FiringAlert[] {
  const fieldOf = new Map(rules.map((r) => [r.name, r.field]));
  return states.flatMap((s) => {
    if (s.state !== 'firing') return [];
    const field = fieldOf.get(s.rule) ?? '';
    return [
      {
        name: s.rule,
        severity: s.severity === 'critical' ? ('crit' as const) : ('warn' as const),
        // `container:<id>` / `vm:<id>`: the id is what the tables' rows carry.
        ...(s.series === 'system' ? {} : { subject: s.series.slice(s.series.indexOf(':') + 1) }),
        message: `${s.seriesName === 'system' ? 'host' : s.seriesName} ${field} ${formatField(field, s.value)}`,
      },
    ];
  });
}
