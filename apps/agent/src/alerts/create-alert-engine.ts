import type { RuleConfig } from '../config/agent-config.js';
import type { AlertView } from '../http/agent-state.js';
import type { AgentSample } from '../sampler/agent-sample.js';

export interface AlertEvent {
  kind: 'firing' | 'resolved';
  alert: AlertView;
}

export interface AlertEngine {
  /** Evaluates every rule against one sample; returns the transitions to firing and resolved. */
  evaluate(sample: AgentSample): AlertEvent[];
  /** Pending and firing alerts, then alerts resolved in the last `keepResolvedMs`. */
  list(): AlertView[];
  setRules(rules: readonly RuleConfig[]): void;
}

interface Tracked {
  state: 'ok' | 'pending' | 'firing';
  since: number;
  severity: 'warn' | 'crit';
  window: Array<[number, number]>;
  view: AlertView | null;
}

interface Target {
  series: string;
  name: string;
  labelId: string;
  values: Record<string, unknown>;
  limited: boolean;
}

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

function targets(rule: RuleConfig, sample: AgentSample): Target[] {
  if (rule.scope === 'system') {
    const s = sample.system;
    if (!s) return [];
    const loadPerCore = s.load1 !== null && s.cpuCount > 0 ? s.load1 / s.cpuCount : null;
    return [
      {
        series: 'system',
        name: 'host',
        labelId: 'system',
        values: { ...s, loadPerCore },
        limited: true,
      },
    ];
  }
  const re = rule.match === null ? null : glob(rule.match);
  const list =
    rule.scope === 'container'
      ? sample.containers.map((c) => ({
          series: `container:${c.id}`,
          name: c.name,
          labelId: c.id,
          values: c as unknown as Record<string, unknown>,
          limited: c.memoryLimit !== null,
        }))
      : sample.vms.map((v) => ({
          series: `vm:${v.id}`,
          name: v.name,
          labelId: v.id,
          values: v as unknown as Record<string, unknown>,
          limited: true,
        }));
  return list.filter((t) => re === null || re.test(t.labelId) || re.test(t.name));
}

/**
 * Threshold alerts per rule and matched series: a value past warn (or crit) for `for` fires,
 * and a firing alert resolves only once the value is back past `clear` (hysteresis, as Netdata
 * and Prometheus rules do), so a value hovering at the threshold does not flap.
 */
export function createAlertEngine(
  initialRules: readonly RuleConfig[],
  options: { keepResolvedMs?: number } = {},
): AlertEngine {
  let rules = [...initialRules];
  const tracked = new Map<string, Tracked>();
  const resolved: AlertView[] = [];
  const keepResolvedMs = options.keepResolvedMs ?? 10 * 60_000;

  function evaluate(sample: AgentSample): AlertEvent[] {
    const events: AlertEvent[] = [];
    const now = sample.time;
    const seen = new Set<string>();
    for (const rule of rules) {
      const past = (v: number, threshold: number | null) =>
        threshold !== null && (rule.op === '>' ? v > threshold : v < threshold);
      for (const target of targets(rule, sample)) {
        // A container's memoryPercent without a limit is relative to the host: not "near its limit".
        if (rule.scope === 'container' && rule.field === 'memoryPercent' && !target.limited)
          continue;
        const raw = target.values[rule.field];
        if (typeof raw !== 'number' || !Number.isFinite(raw)) continue;
        const key = `${rule.name}\u0000${target.series}`;
        seen.add(key);
        let t = tracked.get(key);
        if (!t) {
          t = { state: 'ok', since: now, severity: 'warn', window: [], view: null };
          tracked.set(key, t);
        }
        t.window.push([now, raw]);
        while (t.window.length > 1 && t.window[0]![0] <= now - rule.windowMs) t.window.shift();
        const value =
          rule.windowMs > 0 ? t.window.reduce((a, [, v]) => a + v, 0) / t.window.length : raw;
        const severity = past(value, rule.crit) ? 'crit' : past(value, rule.warn) ? 'warn' : null;
        const threshold = severity === 'crit' ? rule.crit! : (rule.warn ?? rule.crit)!;
        const clearAt =
          rule.clear ??
          (rule.op === '>'
            ? Math.min(rule.warn ?? Infinity, rule.crit ?? Infinity)
            : Math.max(rule.warn ?? -Infinity, rule.crit ?? -Infinity));
        const view = (
          state: AlertView['state'],
          since: number,
          sev: 'warn' | 'crit',
        ): AlertView => ({
          rule: rule.name,
          series: target.series,
          name: target.name,
          field: rule.field,
          state,
          severity: sev,
          value,
          threshold,
          since,
          message: `${target.name} ${rule.field} ${round(value)} ${rule.op} ${round(threshold)}`,
        });
        if (t.state === 'firing') {
          const cleared = rule.op === '>' ? value < clearAt : value > clearAt;
          if (cleared) {
            const done = {
              ...view('resolved', now, t.severity),
              threshold: clearAt,
              message: `${target.name} ${rule.field} back to ${round(value)} (clear ${rule.op === '>' ? '<' : '>'} ${round(clearAt)})`,
            };
            events.push({ kind: 'resolved', alert: done });
            resolved.push(done);
            tracked.set(key, {
              state: 'ok',
              since: now,
              severity: 'warn',
              window: t.window,
              view: null,
            });
          } else {
            if (severity === 'crit') t.severity = 'crit';
            t.view = view('firing', t.since, t.severity);
          }
          continue;
        }
        if (severity === null) {
          t.state = 'ok';
          t.view = null;
          continue;
        }
        if (t.state === 'ok') {
          t.state = 'pending';
          t.since = now;
        }
        t.severity = severity;
        if (now - t.since >= rule.forMs) {
          t.state = 'firing';
          t.since = now;
          t.view = view('firing', now, severity);
          events.push({ kind: 'firing', alert: t.view });
        } else {
          t.view = view('pending', t.since, severity);
        }
      }
    }
    // A series that went away (container stopped) resolves its firing alerts.
    for (const [key, t] of tracked) {
      if (seen.has(key)) continue;
      if (t.state === 'firing' && t.view) {
        const done = {
          ...t.view,
          state: 'resolved' as const,
          since: now,
          message: `${t.view.name} is gone`,
        };
        events.push({ kind: 'resolved', alert: done });
        resolved.push(done);
      }
      tracked.delete(key);
    }
    while (resolved.length > 0 && resolved[0]!.since < now - keepResolvedMs) resolved.shift();
    return events;
  }

  return {
    evaluate,
    list: () => [
      ...[...tracked.values()].flatMap((t) => (t.view ? [t.view] : [])),
      ...resolved.slice().reverse(),
    ],
    setRules(next) {
      rules = [...next];
      const names = new Set(next.map((r) => r.name));
      for (const key of tracked.keys())
        if (!names.has(key.split('\u0000')[0]!)) tracked.delete(key);
    },
  };
}

const round = (v: number) => Math.round(v * 100) / 100;
