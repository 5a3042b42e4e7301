import { formatValue } from '@arcbox/perf-core';
import type { AlertEvent, AlertStatus } from '@arcbox/perf-history';
import type { AlertView } from '../http/agent-state.js';
import { alertMessage } from './alert-message.js';

/** A transition worth notifying: an alert started firing, or a firing one resolved. */
export interface AlertTransition {
  kind: 'firing' | 'resolved';
  alert: AlertView;
}

export interface AgentAlerts {
  /** The transitions worth notifying among one round's alert events (the monitor's engine). */
  transitions(events: readonly AlertEvent[], time: number): AlertTransition[];
  /** Pending and firing alerts, then those resolved in the last `keepResolvedMs`, newest first. */
  list(active: readonly AlertStatus[], now?: number): AlertView[];
}

/** A view of a status or an event: everything comes from the engine's fields. */
export function alertView(
  a: AlertStatus | AlertEvent,
  state: AlertView['state'],
  since: number,
  now: number,
): AlertView {
  const severity = a.severity ?? 'warning';
  const threshold = severity === 'critical' ? a.crit : (a.warn ?? a.crit);
  const text = (v: number | null) => (v === null ? null : formatValue(v, a.unit));
  const view: AlertView = {
    rule: a.rule,
    description: a.description,
    kind: a.kind,
    series: a.series,
    name: a.seriesName,
    field: a.field,
    unit: a.unit,
    comparison: a.comparison,
    warn: a.warn,
    crit: a.crit,
    clear: a.clear,
    state,
    severity,
    value: a.value,
    threshold,
    since,
    ...('reason' in a && a.reason ? { reason: a.reason } : {}),
    text: {
      value: formatValue(a.value, a.unit),
      warn: text(a.warn),
      crit: text(a.crit),
      clear: text(a.clear),
    },
    message: '',
  };
  view.message = alertMessage(view, now);
  return view;
}

/**
 * The agent's view of the alerts the monitor's engine (perf-history) evaluates: which events are
 * worth a notification (starting to fire, and the resolution of a firing one), and a list for the
 * API and the dashboard that keeps recent resolutions in sight. It keeps no copy of the rules:
 * statuses and events say what they are.
 */
export function createAgentAlerts(options: { keepResolvedMs?: number } = {}): AgentAlerts {
  const keepResolvedMs = options.keepResolvedMs ?? 10 * 60_000;
  const resolved: AlertView[] = [];

  return {
    transitions(events, time) {
      const out: AlertTransition[] = [];
      for (const e of events) {
        if (e.state === 'firing' && e.previous !== 'firing') {
          out.push({ kind: 'firing', alert: alertView(e, 'firing', e.since ?? e.at, e.at) });
        } else if (e.previous === 'firing' && e.state !== 'firing') {
          const v = alertView(e, 'resolved', e.at, e.at);
          resolved.push(v);
          out.push({ kind: 'resolved', alert: v });
        }
      }
      while (resolved.length > 0 && resolved[0]!.since < time - keepResolvedMs) resolved.shift();
      return out;
    },
    list(active, now = Date.now()) {
      const current = active.map((s) =>
        alertView(s, s.state === 'firing' ? 'firing' : 'pending', s.since ?? now, now),
      );
      return [...current, ...resolved.slice().reverse()];
    },
  };
}
