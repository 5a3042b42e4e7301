import {
  type AlertEvent as HistoryAlertEvent,
  type AlertRule,
  type AlertStatus,
  createAlertEngine,
  defaultAlertRules,
} from '@arcbox/perf-history';
import type { AlertView } from '../http/agent-state.js';
import type { AgentSample } from '../sampler/agent-sample.js';

/** A transition worth notifying: an alert started firing, or a firing one resolved. */
export interface AlertTransition {
  kind: 'firing' | 'resolved';
  alert: AlertView;
}

export interface AgentAlerts {
  evaluate(sample: AgentSample): AlertTransition[];
  /** Pending and firing alerts, then those resolved in the last `keepResolvedMs`, newest first. */
  list(): AlertView[];
  setRules(rules: readonly AlertRule[] | null): void;
  close(): void;
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
 * The agent's use of perf-history's alert engine: rules from the config (its defaults when
 * none), transitions to firing and resolved for the notifier, and a list for the API and the
 * dashboard that keeps recent resolutions in sight.
 */
export function createAgentAlerts(
  rules: readonly AlertRule[] | null,
  options: { keepResolvedMs?: number } = {},
): AgentAlerts {
  const keepResolvedMs = options.keepResolvedMs ?? 10 * 60_000;
  let engine = createAlertEngine({ rules: rules ?? defaultAlertRules });
  let byName = new Map(engine.rules.map((r) => [r.name, r]));
  const resolved: AlertView[] = [];
  const thresholdOf = (rule: AlertRule | undefined, severity: AlertStatus['severity']) =>
    rule ? (severity === 'critical' ? rule.crit : (rule.warn ?? rule.crit)) : null;

  return {
    evaluate(sample) {
      const events: HistoryAlertEvent[] = engine.evaluate(sample);
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
      while (resolved.length > 0 && resolved[0]!.since < sample.time - keepResolvedMs)
        resolved.shift();
      return out;
    },
    list() {
      const now = Date.now();
      const active = engine.active().map((s) => {
        const rule = byName.get(s.rule);
        return view(
          s,
          s.state === 'firing' ? 'firing' : 'pending',
          rule,
          thresholdOf(rule, s.severity),
          now,
        );
      });
      return [...active, ...resolved.slice().reverse()];
    },
    setRules(next) {
      engine.close();
      engine = createAlertEngine({ rules: next ?? defaultAlertRules });
      byName = new Map(engine.rules.map((r) => [r.name, r]));
    },
    close: () => engine.close(),
  };
}
