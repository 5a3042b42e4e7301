import type { KindRegistry } from '@arcbox/perf-core';
import type { AlertStatus, ParsedAlertRules } from '@arcbox/perf-history';
import { alertMessage } from '../render/alert-text.js';
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

/**
 * The firing alerts of the engine's states, as the live view lists and highlights them: every
 * word comes from the status itself (field, unit, thresholds), never from a copy of the rules.
 */
export function firingAlerts(states: readonly AlertStatus[], kinds: KindRegistry): FiringAlert[] {
  return states.flatMap((s) => {
    if (s.state !== 'firing') return [];
    return [
      {
        name: s.rule,
        severity: s.severity === 'critical' ? ('crit' as const) : ('warn' as const),
        // `container:<id>` / `vm:<id>`: the id is what the tables' rows carry.
        ...(s.series.includes(':') ? { subject: s.series.slice(s.series.indexOf(':') + 1) } : {}),
        message: alertMessage(s, kinds),
      },
    ];
  });
}
