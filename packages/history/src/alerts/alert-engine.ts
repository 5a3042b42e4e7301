import type {
  ContainerMetrics,
  SubscribeOptions,
  SystemMetrics,
  VmMetrics,
} from '@arcbox/perf-core';
import { createBroadcast, PerfError } from '@arcbox/perf-core';
import { seriesKey } from '../series-key.js';
import type { AlertRule, AlertSeverity, AlertState, SeriesMatcher } from './alert-rule.js';

/** A change of state of one rule on one series. */
export interface AlertEvent {
  rule: string;
  /** `system`, `container:<id>` or `vm:<id>`. */
  series: string;
  seriesName: string;
  state: AlertState;
  previous: AlertState;
  severity: AlertSeverity | null;
  /** The windowed value that caused the change. A resolved event keeps the severity it fired with. */
  value: number | null;
  /** The threshold that was crossed (raise, crit or clear). */
  threshold: number | null;
  /** Wall-clock time of the sample, ms. */
  at: number;
  /** When the current pending/firing episode began (wall clock), null when ok. */
  since: number | null;
  /** Why a resolution happened without the value crossing back: the series went away. */
  reason?: 'series-gone';
}

export interface AlertStatus {
  rule: string;
  series: string;
  seriesName: string;
  state: AlertState;
  severity: AlertSeverity | null;
  value: number | null;
  since: number | null;
}

export interface AlertSample {
  system?: SystemMetrics | null;
  /** When given, containers absent from the list have their alerts ended. */
  containers?: readonly ContainerMetrics[];
  vms?: readonly VmMetrics[];
}

export interface AlertEngine {
  readonly rules: readonly AlertRule[];
  /** Evaluates every rule on one sample; returns (and publishes) the state changes. */
  evaluate(sample: AlertSample): AlertEvent[];
  /** Every rule x series seen, in any state. */
  states(): AlertStatus[];
  /** Pending and firing alerts only. */
  active(): AlertStatus[];
  /** Calls `listener` for every event; returns the function that stops it. */
  on(listener: (event: AlertEvent) => void): () => void;
  events(options?: SubscribeOptions): AsyncIterable<AlertEvent>;
  /** Ends every `events()` iteration. */
  close(): void;
}

interface Track {
  rule: AlertRule;
  series: string;
  seriesName: string;
  state: AlertState;
  severity: AlertSeverity | null;
  since: number | null;
  /** Monotonic ms at which breaching began. */
  sinceMono: number;
  value: number | null;
  /** The window: monotonic times and values, oldest first. */
  times: number[];
  values: number[];
}

/** Evaluates alert rules sample by sample, keeping state per rule and per matched series. */
export function createAlertEngine(options: { rules: readonly AlertRule[] }): AlertEngine {
  const rules = [...options.rules];
  const names = new Set<string>();
  for (const r of rules) {
    if (names.has(r.name))
      throw new PerfError('CONFIG_ERROR', `two alert rules are named "${r.name}"`, {
        field: 'name',
      });
    names.add(r.name);
  }
  const tracks = new Map<string, Track>();
  const listeners = new Set<(event: AlertEvent) => void>();
  const broadcast = createBroadcast<AlertEvent>();

  function track(rule: AlertRule, series: string, seriesName: string): Track {
    const key = `${rule.name}\u0000${series}`;
    let t = tracks.get(key);
    if (!t) {
      t = {
        rule,
        series,
        seriesName,
        state: 'ok',
        severity: null,
        since: null,
        sinceMono: 0,
        value: null,
        times: [],
        values: [],
      };
      tracks.set(key, t);
    }
    t.seriesName = seriesName;
    return t;
  }

  function observe(
    t: Track,
    value: number | null,
    mono: number,
    at: number,
    out: AlertEvent[],
  ): void {
    const rule = t.rule;
    if (value !== null && Number.isFinite(value)) {
      t.times.push(mono);
      t.values.push(value);
    }
    // Keep the samples of the last windowSeconds (at least the newest one).
    const cutoff = mono - rule.windowSeconds * 1000;
    while (t.times.length > 1 && t.times[0]! <= cutoff) {
      t.times.shift();
      t.values.shift();
    }
    if (t.values.length === 0) return; // nothing measured yet: the state holds
    const v = windowValue(t.values, rule.windowAggregation);
    t.value = v;
    const level = severityOf(rule, v);
    switch (t.state) {
      case 'ok':
      case 'resolved': {
        if (level === null) {
          t.state = 'ok';
          return;
        }
        t.severity = level;
        t.since = at;
        t.sinceMono = mono;
        if (rule.forSeconds <= 0) emitEvent(t, 'firing', thresholdOf(rule, level), v, at, out);
        else emitEvent(t, 'pending', thresholdOf(rule, level), v, at, out);
        return;
      }
      case 'pending': {
        if (level === null) {
          t.severity = null;
          emitEvent(t, 'ok', raiseThreshold(rule), v, at, out);
          t.since = null;
          return;
        }
        t.severity = level;
        if (mono - t.sinceMono >= rule.forSeconds * 1000)
          emitEvent(t, 'firing', thresholdOf(rule, level), v, at, out);
        return;
      }
      case 'firing': {
        if (cleared(rule, v, level)) {
          emitEvent(t, 'resolved', rule.clear ?? raiseThreshold(rule), v, at, out);
          t.severity = null;
          t.since = null;
          return;
        }
        // Still firing: follow the severity, but never below warning while above clear.
        const now = level ?? 'warning';
        if (now !== t.severity) {
          t.severity = now;
          emitEvent(t, 'firing', thresholdOf(rule, now), v, at, out);
        }
        return;
      }
    }
  }

  function matches(
    m: SeriesMatcher | undefined,
    id: string,
    name: string,
    labels: Record<string, string>,
    limited: boolean,
  ) {
    if (!m) return true;
    if (m.id !== undefined && !glob(m.id, id)) return false;
    if (m.name !== undefined && !glob(m.name, name)) return false;
    if (m.labels) for (const [k, v] of Object.entries(m.labels)) if (labels[k] !== v) return false;
    if (m.memoryLimited !== undefined && m.memoryLimited !== limited) return false;
    return true;
  }

  function hasTracks(kind: 'container' | 'vm'): boolean {
    for (const t of tracks.values()) if (t.rule.target === kind) return true;
    return false;
  }

  function endGone(kind: 'container' | 'vm', present: Set<string>, at: number, out: AlertEvent[]) {
    for (const [key, t] of tracks) {
      if (t.rule.target !== kind || present.has(t.series)) continue;
      if (t.state === 'firing' || t.state === 'pending') {
        out.push({
          rule: t.rule.name,
          series: t.series,
          seriesName: t.seriesName,
          state: t.state === 'firing' ? 'resolved' : 'ok',
          previous: t.state,
          severity: t.severity,
          value: t.value,
          threshold: null,
          at,
          since: t.since,
          reason: 'series-gone',
        });
      }
      tracks.delete(key);
    }
  }

  return {
    rules,
    evaluate(sample) {
      const out: AlertEvent[] = [];
      const sys = sample.system;
      const at =
        sys?.timestamp ??
        sample.containers?.[0]?.timestamp ??
        sample.vms?.[0]?.timestamp ??
        Date.now();
      for (const rule of rules) {
        if (rule.target === 'system' && sys) {
          observe(
            track(rule, 'system', 'system'),
            systemValue(sys, rule.field),
            sys.monotonicMs,
            sys.timestamp,
            out,
          );
        } else if (rule.target === 'container') {
          for (const c of sample.containers ?? []) {
            if (!matches(rule.match, c.id, c.name, c.labels, c.memoryLimit !== null)) continue;
            observe(
              track(rule, seriesKey('container', c.id), c.name),
              numberOf(c, rule.field),
              c.monotonicMs,
              c.timestamp,
              out,
            );
          }
        } else if (rule.target === 'vm') {
          for (const v of sample.vms ?? []) {
            if (!matches(rule.match, v.id, v.name, {}, false)) continue;
            observe(
              track(rule, seriesKey('vm', v.id), v.name),
              numberOf(v, rule.field),
              v.monotonicMs,
              v.timestamp,
              out,
            );
          }
        }
      }
      // The set of present series (a key string per container) is built only when some series
      // of that kind is tracked: with no matching rule it would be made and dropped every round.
      if (sample.containers && hasTracks('container'))
        endGone(
          'container',
          new Set(sample.containers.map((c) => seriesKey('container', c.id))),
          at,
          out,
        );
      if (sample.vms && hasTracks('vm'))
        endGone('vm', new Set(sample.vms.map((v) => seriesKey('vm', v.id))), at, out);
      for (const e of out) {
        for (const l of listeners) l(e);
        broadcast.publish(e);
      }
      return out;
    },
    states: () => [...tracks.values()].map(status),
    active: () =>
      [...tracks.values()].filter((t) => t.state === 'pending' || t.state === 'firing').map(status),
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    events: (subscribe) => broadcast.subscribe(subscribe),
    close: () => broadcast.close(),
  };
}

/** Moves a track to `state` and records the change. */
function emitEvent(
  t: Track,
  state: AlertState,
  threshold: number | null,
  value: number,
  at: number,
  out: AlertEvent[],
): void {
  const previous = t.state;
  t.state = state;
  out.push({
    rule: t.rule.name,
    series: t.series,
    seriesName: t.seriesName,
    state,
    previous,
    severity: t.severity,
    value,
    threshold,
    at,
    since: t.since,
  });
}

function status(t: Track): AlertStatus {
  return {
    rule: t.rule.name,
    series: t.series,
    seriesName: t.seriesName,
    state: t.state,
    severity: t.severity,
    value: t.value,
    since: t.since,
  };
}

function windowValue(values: number[], aggregation: AlertRule['windowAggregation']): number {
  if (aggregation === 'last') return values[values.length - 1]!;
  if (aggregation === 'max') return Math.max(...values);
  if (aggregation === 'min') return Math.min(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function beyond(rule: AlertRule, value: number, threshold: number): boolean {
  switch (rule.comparison) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

function severityOf(rule: AlertRule, value: number): AlertSeverity | null {
  if (rule.crit !== null && beyond(rule, value, rule.crit)) return 'critical';
  if (rule.warn !== null && beyond(rule, value, rule.warn)) return 'warning';
  return null;
}

function raiseThreshold(rule: AlertRule): number | null {
  return rule.warn ?? rule.crit;
}

function thresholdOf(rule: AlertRule, severity: AlertSeverity): number | null {
  return severity === 'critical' ? rule.crit : rule.warn;
}

/** A firing alert resolves once the value is past `clear` (strictly), or without one once it no longer breaches. */
function cleared(rule: AlertRule, value: number, level: AlertSeverity | null): boolean {
  if (rule.clear === null) return level === null;
  const above = rule.comparison === '>' || rule.comparison === '>=';
  return above ? value < rule.clear : value > rule.clear;
}

function systemValue(m: SystemMetrics, field: string): number | null {
  const perCore = /^load(1|5|15)PerCore$/.exec(field);
  if (perCore) {
    const load = m[`load${perCore[1]}` as 'load1' | 'load5' | 'load15'];
    return load === null || m.cpuCount <= 0 ? null : load / m.cpuCount;
  }
  return numberOf(m, field);
}

function numberOf(m: object, field: string): number | null {
  const v = (m as Record<string, unknown>)[field];
  return typeof v === 'number' ? v : null;
}

/** `*` matches any run of characters; everything else is literal. */
function glob(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}
