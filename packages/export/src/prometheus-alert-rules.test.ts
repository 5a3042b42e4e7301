import {
  type AlertRule,
  createKindRegistry,
  defaultKinds,
  type KindDescriptor,
  vmKind,
} from '@arcbox/perf-core';
import { defaultAlertRules } from '@arcbox/perf-history';
import { describe, expect, it } from 'vitest';
import { defaultKindQueries, type FieldQuery } from './alert-rule-queries.js';
import { containerFamilies } from './container-families.js';
import { filesystemFamilies } from './filesystem-families.js';
import { gpuFamilies } from './gpu-families.js';
import { sampleName } from './metric-family.js';
import { toPrometheusAlertRules } from './prometheus-alert-rules.js';
import { processFamilies } from './process-families.js';
import { systemFamilies } from './system-families.js';
import { constructedSystem } from './test-metrics.js';
import { vmFamilies } from './vm-families.js';

const rule = (over: Partial<AlertRule>): AlertRule => ({
  name: 'r',
  target: 'system',
  field: 'cpuPercent',
  comparison: '>',
  warn: 90,
  crit: null,
  clear: null,
  windowSeconds: 0,
  windowAggregation: 'avg',
  forSeconds: 0,
  ...over,
});

const exprOf = (r: AlertRule, index = 0): string => {
  const out = toPrometheusAlertRules([r]);
  expect(out.refused.map((e) => e.message)).toEqual([]);
  const converted = out.groups[0]!.rules[index];
  if (!converted) throw new Error(`no rule ${index} for ${r.name}`);
  return converted.expr;
};

describe('toPrometheusAlertRules', () => {
  it('writes each window aggregation of a gauge as <agg>_over_time over the window, 1 ms short', () => {
    for (const agg of ['avg', 'max', 'min', 'sum'] as const) {
      expect(exprOf(rule({ windowSeconds: 60, windowAggregation: agg }))).toBe(
        `(100 * ${agg}_over_time(arcbox_perf_cpu_busy_ratio[59s999ms])) > 90`,
      );
    }
    expect(exprOf(rule({ windowSeconds: 60, windowAggregation: 'last' }))).toBe(
      '(100 * arcbox_perf_cpu_busy_ratio) > 90',
    );
    expect(exprOf(rule({ windowSeconds: 0 }))).toBe('(100 * arcbox_perf_cpu_busy_ratio) > 90');
  });

  it('aggregates a computed value through a subquery', () => {
    expect(
      exprOf(rule({ field: 'memoryPercent', windowSeconds: 30, windowAggregation: 'max' })),
    ).toBe(
      'max_over_time((100 * arcbox_perf_memory_used_bytes / arcbox_perf_memory_total_bytes)[29s999ms:]) > 90',
    );
  });

  it('reads a rate field as rate() for an average, irate() per interval otherwise', () => {
    const c = { target: 'container', field: 'cpuPercent', windowSeconds: 60 } as const;
    expect(exprOf(rule({ ...c, windowAggregation: 'avg' }))).toBe(
      '(100 * rate(arcbox_perf_container_cpu_seconds_total[1m1ms])) > 90',
    );
    expect(exprOf(rule({ ...c, windowAggregation: 'max' }))).toBe(
      'max_over_time((100 * irate(arcbox_perf_container_cpu_seconds_total[1m]))[59s999ms:]) > 90',
    );
    expect(exprOf(rule({ ...c, windowAggregation: 'last' }))).toBe(
      '(100 * irate(arcbox_perf_container_cpu_seconds_total[1m])) > 90',
    );
  });

  it('reads a count per interval as the counter rise over the window (sum) or idelta per interval', () => {
    const r = { target: 'container', field: 'restartsNew', warn: 2, windowSeconds: 600 } as const;
    expect(exprOf(rule({ ...r, windowAggregation: 'sum' }))).toBe(
      '(max_over_time(arcbox_perf_container_restarts_total[10m1ms]) - min_over_time(arcbox_perf_container_restarts_total[10m1ms])) > 2',
    );
    expect(exprOf(rule({ ...r, windowAggregation: 'max' }))).toBe(
      'max_over_time(idelta(arcbox_perf_container_restarts_total[1m])[9m59s999ms:]) > 2',
    );
  });

  it('writes every comparison as is, with the hysteresis on the side it clears to', () => {
    for (const comparison of ['>', '>=', '<', '<='] as const) {
      const above = comparison.startsWith('>');
      const expr = exprOf(
        rule({
          name: 'cmp',
          comparison,
          warn: 50,
          crit: null,
          clear: above ? 40 : 60,
          windowSeconds: 0,
        }),
      );
      expect(expr).toBe(
        `(100 * arcbox_perf_cpu_busy_ratio) ${comparison} 50 or ((100 * arcbox_perf_cpu_busy_ratio) ${
          above ? '>= 40' : '<= 60'
        } and ignoring(alertname, alertstate, severity) ALERTS{alertname="cmp", alertstate="firing", severity="warning"})`,
      );
    }
  });

  it('quotes a rule name in the ALERTS matcher and a filesystem label as a matcher', () => {
    expect(
      exprOf(
        rule({
          name: 'disk "x" \\',
          target: 'filesystem',
          field: 'usedBytes',
          match: { labels: { fstype: 'ext4' } },
          clear: 80,
        }),
      ),
    ).toBe(
      String.raw`arcbox_perf_filesystem_used_bytes{fstype="ext4"} > 90 or (arcbox_perf_filesystem_used_bytes{fstype="ext4"} >= 80 and ignoring(alertname, alertstate, severity) ALERTS{alertname="disk \"x\" \\", alertstate="firing", severity="warning"})`,
    );
  });

  it('makes one rule per severity: the lowest has for and clear, critical follows it', () => {
    const out = toPrometheusAlertRules([
      rule({ name: 'both', warn: 90, crit: 98, clear: 80, forSeconds: 900 }),
      rule({ name: 'crit-only', warn: null, crit: 95, clear: 85 }),
      rule({ name: 'no-clear', warn: 90, crit: null, clear: null, forSeconds: 90 }),
    ]);
    const rules = out.groups[0]!.rules;
    expect(rules.map((r) => [r.alert, r.labels.severity, r.for])).toEqual([
      ['both', 'warning', '15m'],
      ['both', 'critical', undefined],
      ['crit-only', 'critical', undefined],
      ['no-clear', 'warning', '1m30s'],
    ]);
    expect(rules[0]!.expr).toContain('>= 80 and ignoring(alertname, alertstate, severity)');
    // Critical while the warning fires (its `for` served) and the value is past crit.
    expect(rules[1]!.expr).toBe(
      '(100 * arcbox_perf_cpu_busy_ratio) > 98 and ignoring(alertname, alertstate, severity) ALERTS{alertname="both", alertstate="firing", severity="warning"}',
    );
    expect(rules[2]!.expr).toContain('severity="critical"');
    expect(rules[3]!.expr).not.toContain('ALERTS');
    expect(out.yaml).toContain('        for: 1m30s\n');
    expect(out.yaml).not.toMatch(/alert: "crit-only"\n.*\n\s+for:/);
  });

  it('turns match into label matchers on every selector, and facts and VM names into filters', () => {
    expect(
      exprOf(
        rule({
          target: 'container',
          field: 'memoryUsed',
          match: { id: '3f*', name: 'web.1', facts: { memoryLimited: false } },
        }),
      ),
    ).toBe(
      '(arcbox_perf_container_memory_working_set_bytes{id=~"3f.*", name="web.1"} unless arcbox_perf_container_memory_limit_bytes{id=~"3f.*", name="web.1"}) > 90',
    );
    expect(
      exprOf(rule({ target: 'vm', field: 'memoryPercent', match: { name: 'db-*', id: 'q1' } })),
    ).toBe(
      '(100 * arcbox_perf_vm_memory_used_bytes{vm="q1"} / arcbox_perf_vm_memory_total_bytes{vm="q1"} and ignoring(name, vmm, pid) arcbox_perf_vm_info{name=~"db-.*"}) > 90',
    );
    expect(
      exprOf(
        rule({ target: 'process', field: 'residentBytes', match: { labels: { comm: 'java' } } }),
      ),
    ).toBe('arcbox_perf_process_resident_memory_bytes{comm="java"} > 90');
  });

  it('refuses, naming the rule, what /metrics cannot express, and keeps the other rules', () => {
    const out = toPrometheusAlertRules([
      rule({ name: 'block-iops', target: 'container', field: 'blockReadIops' }),
      rule({
        name: 'by-label',
        target: 'container',
        field: 'pids',
        match: { labels: { app: 'x' } },
      }),
      rule({ name: 'gpu-by-id', target: 'gpu', field: 'powerWatts', match: { id: 'GPU-1' } }),
      rule({
        name: 'throttled',
        target: 'gpu',
        field: 'powerWatts',
        match: { facts: { throttled: true } },
      }),
      rule({ name: 'kept' }),
    ]);
    expect(out.refused.map((e) => [e.code, e.message])).toEqual([
      [
        'CONFIG_ERROR',
        'alert rule "block-iops": container.blockReadIops has no series in /metrics to compute it from, so Prometheus cannot evaluate it',
      ],
      [
        'CONFIG_ERROR',
        'alert rule "by-label": match.labels.app: not a label of container series in /metrics (none)',
      ],
      [
        'CONFIG_ERROR',
        'alert rule "gpu-by-id": match.id: gpu ids are not a label in /metrics (match on name)',
      ],
      [
        'CONFIG_ERROR',
        'alert rule "throttled": match.throttled: gpu has no series in /metrics telling it',
      ],
    ]);
    expect(out.groups[0]!.rules.map((r) => r.alert)).toEqual(['kept']);
    expect(out.yaml).not.toContain('block-iops');
  });

  it('reads a kind without an exporter through the gauges fieldFamilies names', () => {
    const sandbox: KindDescriptor = {
      ...(vmKind as KindDescriptor),
      name: 'sandbox',
      sampleKey: 'sandboxes',
    };
    const kinds = createKindRegistry([...defaultKinds(), sandbox]);
    const out = toPrometheusAlertRules(
      [rule({ target: 'sandbox', field: 'memoryPercent', match: { name: 'a*' } })],
      { kinds },
    );
    expect(out.groups[0]!.rules[0]!.expr).toBe(
      '(100 * arcbox_perf_sandbox_memory_percent_ratio{name=~"a.*"}) > 90',
    );
  });

  it('converts every default rule', () => {
    const out = toPrometheusAlertRules(defaultAlertRules, { evaluationIntervalSeconds: 15 });
    expect(out.refused).toEqual([]);
    const severities = defaultAlertRules.reduce(
      (n, r) => n + (r.warn === null ? 0 : 1) + (r.crit === null ? 0 : 1),
      0,
    );
    expect(out.groups[0]!.rules).toHaveLength(severities);
    expect(out.yaml).toContain('    interval: 15s\n');
  });
});

describe('defaultKindQueries', () => {
  // Every family name each exporter can produce (a family exists even without items).
  const exported = new Set(
    [
      ...systemFamilies(constructedSystem()),
      ...containerFamilies([]),
      ...vmFamilies([]),
      ...filesystemFamilies([]),
      ...gpuFamilies([]),
      ...processFamilies([]),
    ].map((f) => sampleName(f)),
  );
  const kinds = createKindRegistry(defaultKinds());

  const namesIn = (q: FieldQuery): string[] => {
    const select = (metric: string) => metric;
    const text =
      q.type === 'gauge'
        ? q.metric
        : q.type === 'increase'
          ? q.counter
          : q.type === 'expression'
            ? q.expr(select)
            : q.expr(select, (s) => `rate(${s}[1m])`);
    return text.match(/arcbox_perf_\w+/g) ?? [];
  };

  it('names only series the exporters publish, and only fields the kinds have', () => {
    for (const table of defaultKindQueries()) {
      const kind = kinds.get(table.kind);
      expect(kind, table.kind).toBeDefined();
      for (const [field, query] of Object.entries(table.fields)) {
        expect(
          kind!.fields.map((f) => f.name),
          `${table.kind}.${field}`,
        ).toContain(field);
        for (const name of namesIn(query))
          expect(exported, `${table.kind}.${field}`).toContain(name);
      }
    }
  });
});
