import {
  type AlertRule,
  type AlertSeverity,
  type AnyKind,
  createKindRegistry,
  defaultKinds,
  type KindRegistry,
  PerfError,
} from '@arcbox/perf-core';
import {
  defaultKindQueries,
  type FieldQuery,
  type KindQueries,
  type Select,
} from './alert-rule-queries.js';
import { defaultExporters, fieldFamilyName, type KindExporter } from './kind-exporter.js';
import { globMatcher, isAtom, promDuration, promString } from './promql-text.js';

/** One Prometheus alerting rule, as it is written in a rules file. */
export interface PrometheusAlertingRule {
  alert: string;
  expr: string;
  /** A Prometheus duration (`15m`); absent when the rule fires on the first breach. */
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PrometheusRuleGroup {
  name: string;
  /** Evaluation interval of the group; Prometheus' global one when absent. */
  interval?: string;
  rules: PrometheusAlertingRule[];
}

export interface PrometheusAlertRulesOptions {
  /** The kinds the rules target; the ones arcbox-perf ships when omitted. */
  kinds?: KindRegistry;
  /** PromQL of each kind's fields; arcbox-perf's own when omitted. */
  queries?: readonly KindQueries[];
  /** Exporters by kind (a kind without one is read through `fieldFamilies`' gauges). */
  exporters?: readonly KindExporter[];
  /** Name of the rule group (`arcbox-perf`). */
  groupName?: string;
  /**
   * Evaluation interval of the group in seconds; Prometheus' global one when omitted. With it,
   * `for` is written rounded up to a whole number of intervals (when Prometheus fires anyway),
   * a window shorter than it is noted (samples between evaluations go unjudged), and `clear`
   * is refused past Prometheus' 5-minute lookback (the previous evaluation's ALERTS would be gone).
   */
  evaluationIntervalSeconds?: number;
}

export interface PrometheusAlertRules {
  groups: PrometheusRuleGroup[];
  /** The rules file (YAML), groups as above. */
  yaml: string;
  /** One CONFIG_ERROR per rule that has no PromQL equivalent, naming the rule and why. */
  refused: PerfError[];
  /** Where a rule converts but Prometheus will judge fewer samples than ours (one line each). */
  notes: string[];
}

/** How far back Prometheus looks for an instant vector's sample (its default lookback delta). */
const LOOKBACK_SECONDS = 300;

/** How long the last-interval functions (`irate`, `idelta`) look back for two samples. */
const LAST_INTERVAL_RANGE = '1m';

/**
 * Our alert rules as a Prometheus alerting-rules file over the names and labels /metrics
 * exports: per rule one Prometheus rule per severity (label `severity`), the same thresholds,
 * comparison and `for`; the window aggregation as `<agg>_over_time` over the window; `match` as
 * label matchers (globs as anchored regular expressions); `clear` (hysteresis) as an `or` that
 * keeps a firing alert while the value has not crossed `clear`, read from Prometheus' own
 * `ALERTS` series. A rule that cannot be written over exported series is refused (listed in
 * `refused`), never dropped silently. The mapping is documented in apps/cli/README.md.
 */
export function toPrometheusAlertRules(
  rules: readonly AlertRule[],
  options: PrometheusAlertRulesOptions = {},
): PrometheusAlertRules {
  const kinds = options.kinds ?? createKindRegistry(defaultKinds());
  const queries = options.queries ?? defaultKindQueries();
  const exporters = options.exporters ?? defaultExporters();
  const out: PrometheusAlertingRule[] = [];
  const refused: PerfError[] = [];
  const notes: string[] = [];
  const every = options.evaluationIntervalSeconds;
  if (every !== undefined && !(every > 0 && every <= 86_400))
    throw new PerfError('INVALID_ARGUMENT', `evaluation interval must be 0 to 1 day, got ${every}`);
  for (const rule of rules) {
    try {
      if (every !== undefined) {
        if (rule.clear !== null && every > LOOKBACK_SECONDS)
          refuse(
            rule,
            `clear needs the previous evaluation's ALERTS series, which Prometheus no longer reads past its 5m lookback (evaluation interval ${promDuration(every * 1000)})`,
          );
        if (
          rule.windowSeconds > 0 &&
          rule.windowAggregation !== 'last' &&
          rule.windowSeconds < every
        )
          notes.push(
            `alert rule "${rule.name}": its ${promDuration(rule.windowSeconds * 1000)} window is shorter than the evaluation interval ${promDuration(every * 1000)}: samples between evaluations are not judged`,
          );
      }
      out.push(...convertRule(rule, kinds, queries, exporters, every));
    } catch (error) {
      if (!PerfError.isInstance(error)) throw error;
      refused.push(error);
    }
  }
  const group: PrometheusRuleGroup = {
    name: options.groupName ?? 'arcbox-perf',
    ...(options.evaluationIntervalSeconds === undefined
      ? {}
      : { interval: promDuration(options.evaluationIntervalSeconds * 1000) }),
    rules: out,
  };
  return { groups: [group], yaml: rulesYaml([group]), refused, notes };
}

function refuse(rule: AlertRule, why: string): never {
  throw new PerfError('CONFIG_ERROR', `alert rule "${rule.name}": ${why}`);
}

/** The queries of a kind: its table, or for a kind without an exporter the gauges `fieldFamilies` names. */
function queriesOf(
  kind: AnyKind,
  queries: readonly KindQueries[],
  exporters: readonly KindExporter[],
): KindQueries | null {
  const table = queries.find((q) => q.kind === kind.name);
  if (table) return table;
  if (exporters.some((e) => e.kind === kind.name)) return null;
  const fields: Record<string, FieldQuery> = {};
  for (const f of kind.fields) {
    if (!f.stored) continue;
    const { name, scale } = fieldFamilyName(kind.name, f);
    fields[f.name] = { type: 'gauge', metric: name, ...(scale === 1 ? {} : { scale: 1 / scale }) };
  }
  return kind.singleton
    ? { kind: kind.name, fields }
    : { kind: kind.name, idLabel: 'id', nameLabel: 'name', fields };
}

function convertRule(
  rule: AlertRule,
  kinds: KindRegistry,
  queries: readonly KindQueries[],
  exporters: readonly KindExporter[],
  evaluationIntervalSeconds?: number,
): PrometheusAlertingRule[] {
  const metric = `${rule.target}.${rule.field}`;
  // Prometheus fires at the first evaluation at least `for` after the one that first saw the
  // condition: a whole number of intervals, written as such.
  const forSeconds =
    evaluationIntervalSeconds === undefined || rule.forSeconds <= 0
      ? rule.forSeconds
      : Math.ceil(rule.forSeconds / evaluationIntervalSeconds - 1e-9) * evaluationIntervalSeconds;
  const kind = kinds.get(rule.target);
  if (!kind) refuse(rule, `"${rule.target}" is not a kind of series`);
  const table = queriesOf(kind, queries, exporters);
  const query = table?.fields[rule.field];
  if (!table || !query)
    refuse(
      rule,
      `${metric} has no series in /metrics to compute it from, so Prometheus cannot evaluate it`,
    );

  const { select, filters } = matchersOf(rule, table);
  const value = `${windowed(rule, query, select)}${filters.map((f) => ` ${f}`).join('')}`;
  const operand = isAtom(value) ? value : `(${value})`;

  const levels: Array<{ severity: AlertSeverity; threshold: number }> = [];
  if (rule.warn !== null) levels.push({ severity: 'warning', threshold: rule.warn });
  if (rule.crit !== null) levels.push({ severity: 'critical', threshold: rule.crit });
  const above = rule.comparison === '>' || rule.comparison === '>=';
  const window =
    rule.windowSeconds > 0 && rule.windowAggregation !== 'last'
      ? ` (${rule.windowAggregation} over ${promDuration(rule.windowSeconds * 1000)})`
      : '';
  const firing = (severity: AlertSeverity) =>
    `ignoring(alertname, alertstate, severity) ALERTS{alertname=${promString(rule.name)}, alertstate="firing", severity="${severity}"}`;
  const forText = forSeconds > 0 ? ` for ${promDuration(forSeconds * 1000)}` : '';
  const lowest = levels[0]?.severity;
  return levels.map(({ severity, threshold }, i) => {
    let expr = `${operand} ${rule.comparison} ${num(threshold)}`;
    let description = `${metric}${window} ${rule.comparison} ${num(threshold)}`;
    if (i === 0) {
      // Hysteresis: once firing, the alert holds until the value crosses `clear`, read from
      // Prometheus' own ALERTS series of the previous evaluation.
      if (rule.clear !== null) {
        expr += ` or (${operand} ${above ? '>=' : '<='} ${num(rule.clear)} and ${firing(severity)})`;
        description += `, until ${above ? 'below' : 'above'} ${num(rule.clear)}`;
      }
      description += forText;
    } else if (lowest) {
      // Our severity follows the value while the alert fires: critical whenever the warning
      // fires (its `for` served, evaluated just before in this group) and crit is crossed.
      expr += ` and ${firing(lowest)}`;
      description += ` while ${lowest} fires`;
    }
    return {
      alert: rule.name,
      expr,
      ...(i === 0 && forSeconds > 0 ? { for: promDuration(forSeconds * 1000) } : {}),
      labels: { severity },
      annotations: {
        summary: rule.description ?? `${metric} ${rule.comparison} ${num(threshold)}`,
        description: `${description} (arcbox-perf rule ${rule.name})`,
      },
    };
  });
}

/** The rule's `match` as label matchers on every selector, and filters (joins) after the value. */
function matchersOf(rule: AlertRule, table: KindQueries): { select: Select; filters: string[] } {
  const match = rule.match ?? {};
  const matchers: string[] = [];
  const filters: string[] = [];
  if (match.id !== undefined) {
    if (!table.idLabel)
      refuse(rule, `match.id: ${rule.target} ids are not a label in /metrics (match on name)`);
    matchers.push(`${table.idLabel}${globMatcher(match.id)}`);
  }
  if (match.name !== undefined) {
    if (table.nameLabel) matchers.push(`${table.nameLabel}${globMatcher(match.name)}`);
    else if (table.nameFilter) filters.push(table.nameFilter(globMatcher(match.name)));
    else refuse(rule, `match.name: ${rule.target} names are not a label in /metrics`);
  }
  for (const [label, want] of Object.entries(match.labels ?? {})) {
    if (!table.labels?.includes(label))
      refuse(
        rule,
        `match.labels.${label}: not a label of ${rule.target} series in /metrics (${table.labels?.join(', ') || 'none'})`,
      );
    matchers.push(`${label}=${promString(want)}`);
  }
  const select: Select = (metric, extra) => {
    const all = extra ? [...matchers, extra] : matchers;
    return all.length === 0 ? metric : `${metric}{${all.join(', ')}}`;
  };
  for (const [fact, want] of Object.entries(match.facts ?? {})) {
    const filter = table.facts?.[fact];
    if (!filter) refuse(rule, `match.${fact}: ${rule.target} has no series in /metrics telling it`);
    filters.push(filter(want, select));
  }
  return { select, filters };
}

const OVER_TIME = {
  avg: 'avg_over_time',
  max: 'max_over_time',
  min: 'min_over_time',
  sum: 'sum_over_time',
};

/**
 * The field's value aggregated over the rule's window. Our window holds the samples of
 * (now - window, now]; a Prometheus 2 range `[w]` is closed at both ends, so windows are written
 * 1 ms short (`[59s999ms]`), which selects the same samples in Prometheus 2 and 3.
 */
function windowed(rule: AlertRule, query: FieldQuery, select: Select): string {
  const last = rule.windowSeconds <= 0 || rule.windowAggregation === 'last';
  const agg = rule.windowAggregation === 'last' ? 'avg' : rule.windowAggregation;
  const fn = OVER_TIME[agg];
  const open = `[${promDuration(rule.windowSeconds * 1000 - 1)}]`;
  const subquery = `[${promDuration(rule.windowSeconds * 1000 - 1)}:]`;
  switch (query.type) {
    case 'gauge': {
      const inner = last ? select(query.metric) : `${fn}(${select(query.metric)}${open})`;
      return query.scale === undefined ? inner : `${num(query.scale)} * ${inner}`;
    }
    case 'expression':
      return last ? query.expr(select) : `${fn}((${query.expr(select)})${subquery})`;
    case 'rate': {
      const perInterval = query.expr(select, (s) => `irate(${s}[${LAST_INTERVAL_RANGE}])`);
      if (last) return perInterval;
      // The average of per-interval rates over the window is the rate over it: the samples from
      // the one before the window to now (closed range, hence 1 ms longer).
      if (agg === 'avg')
        return query.expr(
          select,
          (s) => `rate(${s}[${promDuration(rule.windowSeconds * 1000 + 1)}])`,
        );
      return `${fn}((${perInterval})${subquery})`;
    }
    case 'increase': {
      const counter = select(query.counter);
      const perInterval = `idelta(${counter}[${LAST_INTERVAL_RANGE}])`;
      if (last) return perInterval;
      if (agg === 'sum') {
        // The counts of the window's samples add up to the counter's rise since the sample
        // before the window: the closed range from it to now.
        const range = `[${promDuration(rule.windowSeconds * 1000 + 1)}]`;
        return `(max_over_time(${counter}${range}) - min_over_time(${counter}${range}))`;
      }
      return `${fn}(${perInterval}${subquery})`;
    }
  }
}

function num(value: number): string {
  return String(value);
}

/** YAML of rule groups: keys plain, every string value double-quoted (JSON strings are YAML). */
function rulesYaml(groups: readonly PrometheusRuleGroup[]): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    '# Prometheus alerting rules from arcbox-perf alert rules (arcbox-perf alerts export).',
    'groups:',
  ];
  for (const group of groups) {
    lines.push(`  - name: ${q(group.name)}`);
    if (group.interval) lines.push(`    interval: ${group.interval}`);
    if (group.rules.length === 0) {
      lines.push('    rules: []');
      continue;
    }
    lines.push('    rules:');
    for (const r of group.rules) {
      lines.push(`      - alert: ${q(r.alert)}`, `        expr: ${q(r.expr)}`);
      if (r.for) lines.push(`        for: ${r.for}`);
      lines.push('        labels:');
      for (const [k, v] of Object.entries(r.labels)) lines.push(`          ${k}: ${q(v)}`);
      lines.push('        annotations:');
      for (const [k, v] of Object.entries(r.annotations)) lines.push(`          ${k}: ${q(v)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
