import type { AlertEvent as HistoryAlertEvent, AlertRule, AlertStatus } from '@arcbox/perf-history';
import type { AlertView } from '../http/agent-state.js';

/** A transition worth notifying: an alert started firing, or a firing one resolved. */
export interface AlertTransition {
  kind: 'firing' | 'resolved';
  alert: AlertView;
}

export interface AgentAlerts {
  /** The transitions worth notifying among one round's alert events (the monitor's engine). */
  transitions(events: readonly HistoryAlertEvent[], time: number): AlertTransition[];
  /** Pending and firing alerts, then those resolved in the last `keepResolvedMs`, newest first. */
  list(active: readonly AlertStatus[]): AlertView[];
  /** The rules in force, for thresholds and fields in messages. */
  setRules(rules: readonly AlertRule[]): void;
}

const round = (v: number) => Math.round(v * 100) / 100;

function view(
  a: Pick<AlertStatus, 'rule' | 'series' | 'seriesName' | 'severity' | 'value' | 'since'>,
  state: AlertView['state'],
  rule: AlertRule | undefined,
  threshold: number | null,
  at: number,
): AlertView {
  const field = rule?.field ?? '';
  const value = a.value;
  const shown = value === null ? 'n/a' : round(value);
  const message =
    state === 'resolved'
      ? `${a.seriesName} ${field} back to ${shown}`
      : `${a.seriesName} ${field} ${shown} ${rule?.comparison ?? '>'} ${threshold === null ? '?' : round(threshold)}`;
  return {
    rule: a.rule,
    series: a.series,
    name: a.seriesName,
    field,
    state,
    severity: a.severity ?? 'warning',
    value,
    threshold,
    since: a.since ?? at,
    message,
  };
}

/**
 * The agent's view of the alerts PerfMonitor's engine (perf-history) evaluates: which events are
 * worth a notification (starting to fire, and the resolution of a firing one), and a list for the
 * API and the dashboard that keeps recent resolutions in sight.
 */
export function createAgentAlerts(
  rules: readonly AlertRule[],
  options: { keepResolvedMs?: number } = {},
): AgentAlerts {
  const keepResolvedMs = options.keepResolvedMs ?? 10 * 60_000;
  let byName = new Map(rules.map((r) => [r.name, r]));
  const resolved: AlertView[] = [];
  const thresholdOf = (rule: AlertRule | undefined, severity: AlertStatus['severity']) =>
    rule ? (severity === 'critical' ? rule.crit : (rule.warn ?? rule.crit)) : null;

  return {
    transitions(events, time) {
      const out: AlertTransition[] = [];
      for (const e of events) {
        const rule = byName.get(e.rule);
        if (e.state === 'firing' && e.previous !== 'firing') {
          out.push({ kind: 'firing', alert: view(e, 'firing', rule, e.threshold, e.at) });
        } else if (e.previous === 'firing' && e.state !== 'firing') {
          const v = view(e, 'resolved', rule, e.threshold, e.at);
          v.since = e.at;
          if (e.reason === 'series-gone') v.message = `${e.seriesName} is gone`;
          resolved.push(v);
          out.push({ kind: 'resolved', alert: v });
        }
      }
      while (resolved.length > 0 && resolved[0]!.since < time - keepResolvedMs) resolved.shift();
      return out;
    },
    list(active) {
      const now = Date.now();
      const current = active.map((s) => {
        const rule = byName.get(s.rule);
        return view(
          s,
          s.state === 'firing' ? 'firing' : 'pending',
          rule,
          thresholdOf(rule, s.severity),
          now,
        );
      });
      return [...current, ...resolved.slice().reverse()];
    },
    setRules(next) {
      byName = new Map(next.map((r) => [r.name, r]));
    },
  };
}
