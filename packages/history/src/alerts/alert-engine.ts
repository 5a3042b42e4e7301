import {
  type AlertRule,
  type AlertSeverity,
  type AlertState,
  type AnyKind,
  createBroadcast,
  type FieldUnit,
  type KindField,
  type KindRegistry,
  type KindValues,
  metricsOf,
  PerfError,
  type SeriesMatcher,
  type SubscribeOptions,
} from '@arcbox/perf-core';
import type { ContainerMetrics, SystemMetrics, VmMetrics } from '@arcbox/perf-core';
import { defaultKindRegistry, seriesKey } from '../series-key.js';
import { AlertWindow } from './alert-window.js';
import { globMatches } from './glob-match.js';

/** What a rule watches and how it judges it: enough to render an alert without the rule. */
export interface AlertRuleSummary {
  rule: string;
  description: string | null;
  /** The kind of series (`system`, `container`, `filesystem`, ...). */
  kind: string;
  field: string;
  unit: FieldUnit;
  comparison: AlertRule['comparison'];
  warn: number | null;
  crit: number | null;
  clear: number | null;
}

/** A change of state of one rule on one series. */
export interface AlertEvent extends AlertRuleSummary {
  /** `system`, `container:<id>`, `vm:<id>`, ... */
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

/** One rule on one series, now. */
export interface AlertStatus extends AlertRuleSummary {
  series: string;
  seriesName: string;
  state: AlertState;
  severity: AlertSeverity | null;
  value: number | null;
  since: number | null;
}

/** One round's metrics under each kind's sample key; a kind given as a list ends absent series' alerts. */
export interface AlertSample extends KindValues {
  system?: SystemMetrics | null;
  containers?: readonly ContainerMetrics[];
  vms?: readonly VmMetrics[];
}

export interface AlertEngineOptions {
  rules: readonly AlertRule[];
  /** The kinds rules may target; the ones arcbox-perf ships when omitted. */
  kinds?: KindRegistry;
}

export interface AlertEngine {
  readonly rules: readonly AlertRule[];
  /**
   * Evaluates every rule on one sample; returns (and publishes) the state changes. With
   * `partial`, the lists hold only some series (one container collected alone): absent series'
   * alerts are not ended.
   */
  evaluate(sample: AlertSample, options?: { partial?: boolean }): AlertEvent[];
  /**
   * Replaces the rules. A rule kept under the same name with the same definition keeps its
   * state (a firing alert stays firing, without a new event); others start over.
   */
  setRules(rules: readonly AlertRule[]): void;
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

/** A rule bound to its kind and field. */
interface Bound {
  rule: AlertRule;
  kind: AnyKind;
  value: KindField<unknown>['value'];
  summary: AlertRuleSummary;
  /** The matcher's labels and facts as pairs, made once (not an `Object.entries` per series). */
  labels: Array<[string, string]>;
  facts: Array<[(metrics: unknown) => boolean, boolean]>;
  /** This rule's tracks by series id: a round finds them without building any key. */
  tracks: Map<string, Track>;
  /**
   * The tracks of the last full evaluation by place in its kind's list: lists come in the same
   * order round after round, so the track at the same place is checked (by id) before the map.
   */
  order: Array<Track | undefined>;
}

interface Track {
  bound: Bound;
  id: string;
  series: string;
  seriesName: string;
  /** The last evaluation whose list held this series (gone detection). */
  seenRound: number;
  /** Set when the track ended (its series went, its rule changed): never found by place again. */
  removed: boolean;
  state: AlertState;
  severity: AlertSeverity | null;
  since: number | null;
  /** Monotonic ms at which breaching began. */
  sinceMono: number;
  value: number | null;
  /** The window: monotonic times and values, oldest first, and their aggregate. */
  window: AlertWindow;
}

/** Checks rules against the kinds: unknown kinds, fields, facts and duplicate names are CONFIG_ERRORs. */
function bindRules(rules: readonly AlertRule[], kinds: KindRegistry): Bound[] {
  const names = new Set<string>();
  return rules.map((rule) => {
    if (names.has(rule.name))
      throw new PerfError('CONFIG_ERROR', `two alert rules are named "${rule.name}"`, {
        field: 'name',
      });
    names.add(rule.name);
    const kind = kinds.get(rule.target);
    if (!kind)
      throw new PerfError(
        'CONFIG_ERROR',
        `rule "${rule.name}": "${rule.target}" is not a kind of series (${kinds.names().join(', ')})`,
        { field: 'target' },
      );
    const field = kind.fields.find((f) => f.name === rule.field);
    if (!field)
      throw new PerfError(
        'CONFIG_ERROR',
        `rule "${rule.name}": ${rule.target} has no field "${rule.field}"`,
        { field: 'field' },
      );
    for (const fact of Object.keys(rule.match?.facts ?? {})) {
      if (!(fact in kind.facts))
        throw new PerfError(
          'CONFIG_ERROR',
          `rule "${rule.name}": ${rule.target} has no fact "${fact}" to match (${Object.keys(kind.facts).join(', ') || 'none'})`,
          { field: 'match' },
        );
    }
    return {
      rule,
      kind,
      value: field.value,
      labels: Object.entries(rule.match?.labels ?? {}),
      facts: Object.entries(rule.match?.facts ?? {}).map(
        ([fact, want]): [(metrics: unknown) => boolean, boolean] => [kind.facts[fact]!, want],
      ),
      tracks: new Map(),
      order: [],
      summary: {
        rule: rule.name,
        description: rule.description ?? null,
        kind: kind.name,
        field: rule.field,
        unit: field.unit,
        comparison: rule.comparison,
        warn: rule.warn,
        crit: rule.crit,
        clear: rule.clear,
      },
    };
  });
}

/** Evaluates alert rules sample by sample, keeping state per rule and per matched series. */
export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const kinds = options.kinds ?? defaultKindRegistry();
  let bound = bindRules(options.rules, kinds);
  let rules: readonly AlertRule[] = bound.map((b) => b.rule);
  const tracks = new Map<string, Track>();
  const listeners = new Set<(event: AlertEvent) => void>();
  const broadcast = createBroadcast<AlertEvent>();

  // Evaluations so far: a track stamped with the current one was in this round's list.
  let round = 0;

  /** The track of rule `b` on series `id`, made (and its key built) the first time only. */
  function track(b: Bound, id: string, seriesName: string, known?: Track): Track {
    let t = known ?? b.tracks.get(id);
    if (!t) {
      const series = seriesKey(b.kind.name, id, kinds);
      t = {
        bound: b,
        id,
        series,
        seriesName,
        seenRound: round,
        removed: false,
        state: 'ok',
        severity: null,
        since: null,
        sinceMono: 0,
        value: null,
        window: new AlertWindow(b.rule.windowAggregation),
      };
      b.tracks.set(id, t);
      tracks.set(`${b.rule.name}\u0000${series}`, t);
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
    const rule = t.bound.rule;
    const window = t.window;
    if (value !== null && Number.isFinite(value)) window.push(mono, value);
    // Keep the samples of the last windowSeconds (at least the newest one).
    window.dropTo(mono - rule.windowSeconds * 1000);
    if (window.empty) return; // nothing measured yet: the state holds
    const v = window.value();
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
    b: Bound,
    m: unknown,
    id: string,
    name: string,
    labels: Readonly<Record<string, string>>,
  ) {
    const match: SeriesMatcher | undefined = b.rule.match;
    if (!match) return true;
    if (match.id !== undefined && !globMatches(match.id, id)) return false;
    if (match.name !== undefined && !globMatches(match.name, name)) return false;
    for (let i = 0; i < b.labels.length; i++) {
      const [k, v] = b.labels[i]!;
      if (labels[k] !== v) return false;
    }
    for (let i = 0; i < b.facts.length; i++) {
      const [fact, want] = b.facts[i]!;
      if (fact(m) !== want) return false;
    }
    return true;
  }

  function hasTracks(kind: string): boolean {
    for (const t of tracks.values()) if (t.bound.kind.name === kind) return true;
    return false;
  }

  /** Ends the tracks of `kind` whose series was not in this round's list (stamped in `evaluate`). */
  function endGone(kind: AnyKind, at: number, out: AlertEvent[]) {
    if (!hasTracks(kind.name)) return;
    for (const [key, t] of tracks) {
      if (t.bound.kind !== kind || t.seenRound === round) continue;
      if (t.state === 'firing' || t.state === 'pending') {
        out.push({
          ...t.bound.summary,
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
      t.bound.tracks.delete(t.id);
      t.removed = true;
    }
  }

  return {
    get rules() {
      return rules;
    },
    evaluate(sample, evaluateOptions = {}) {
      round += 1;
      const out: AlertEvent[] = [];
      let at = Number.NaN;
      const lists = new Map<AnyKind, readonly unknown[]>();
      for (const kind of kinds.kinds) {
        const list = metricsOf(kind, sample);
        if (list === undefined) continue;
        lists.set(kind, list);
        if (Number.isNaN(at) && list.length > 0) at = kind.identity(list[0]).timestamp;
      }
      if (Number.isNaN(at)) at = Date.now();
      const full = !evaluateOptions.partial;
      for (const b of bound) {
        const list = lists.get(b.kind);
        if (!list) continue;
        const order = b.order;
        for (let i = 0; i < list.length; i++) {
          const m = list[i];
          const who = b.kind.identity(m);
          const guess = full ? order[i] : undefined;
          const known =
            guess !== undefined && !guess.removed && guess.id === who.id ? guess : undefined;
          if (!matches(b, m, who.id, who.name, who.labels)) {
            // Present, so not gone, though no longer matched: its track stays as it was.
            const kept = known ?? (b.tracks.size > 0 ? b.tracks.get(who.id) : undefined);
            if (kept) kept.seenRound = round;
            if (full) order[i] = kept;
            continue;
          }
          const t = track(b, who.id, who.name, known);
          t.seenRound = round;
          if (full) order[i] = t;
          observe(t, b.value(m), who.monotonicMs, who.timestamp, out);
        }
        if (full) order.length = list.length;
      }
      if (full) for (const kind of lists.keys()) if (!kind.singleton) endGone(kind, at, out);
      for (const e of out) {
        for (const l of listeners) l(e);
        broadcast.publish(e);
      }
      return out;
    },
    setRules(next) {
      const nextBound = bindRules(next, kinds);
      const same = new Map<string, Bound>();
      for (const b of nextBound) {
        const old = bound.find((o) => o.rule.name === b.rule.name);
        if (old && sameRule(old.rule, b.rule)) same.set(b.rule.name, b);
      }
      for (const [key, t] of tracks) {
        const keep = same.get(t.bound.rule.name);
        if (keep) {
          t.bound = keep;
          keep.tracks.set(t.id, t);
        } else {
          tracks.delete(key);
          t.removed = true;
        }
      }
      bound = nextBound;
      rules = bound.map((b) => b.rule);
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

function sameRule(a: AlertRule, b: AlertRule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
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
    ...t.bound.summary,
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
    ...t.bound.summary,
    series: t.series,
    seriesName: t.seriesName,
    state: t.state,
    severity: t.severity,
    value: t.value,
    since: t.since,
  };
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
