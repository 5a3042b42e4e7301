import type { ContainerMetrics, SystemMetrics } from '@arcbox/perf-core';
import { type AlertRule, createAlertEngine } from '@arcbox/perf-history';
import { describe, expect, it } from 'vitest';
import { createAgentAlerts } from './create-agent-alerts.js';
import { formatAge } from './format-age.js';

const rule: AlertRule = {
  name: 'cpu',
  target: 'system',
  field: 'cpuPercent',
  comparison: '>',
  warn: 80,
  crit: 95,
  clear: 70,
  windowSeconds: 0,
  windowAggregation: 'last',
  forSeconds: 0,
};

// Constructed system metrics: only what the rule reads.
const system = (cpuPercent: number, t: number) =>
  ({
    cpuPercent,
    timestamp: t,
    monotonicMs: t,
    cpuCount: 2,
    load1: 0,
  }) as unknown as SystemMetrics;

// Constructed container metrics: identity and the field the rule reads.
const container = (memoryPercent: number, t: number) =>
  ({
    id: 'c1',
    name: 'web-1',
    labels: {},
    timestamp: t,
    monotonicMs: t,
    memoryPercent,
  }) as unknown as ContainerMetrics;

describe('createAgentAlerts over perf-history engine events', () => {
  it('turns firing and its resolution into notifications, and lists them', () => {
    const engine = createAlertEngine({ rules: [rule] });
    const alerts = createAgentAlerts();
    const round = (cpu: number, t: number) =>
      alerts.transitions(engine.evaluate({ system: system(cpu, t) }), t);

    expect(round(50, 1000)).toEqual([]);
    const fired = round(97, 2000);
    expect(fired).toEqual([
      {
        kind: 'firing',
        alert: expect.objectContaining({
          rule: 'cpu',
          series: 'system',
          state: 'firing',
          severity: 'critical',
          value: 97,
        }),
      },
    ]);
    expect(fired[0]!.alert.message).toMatch(
      /^\S+ cpuPercent 97\.0 % > 95\.0 % \(crit; warn 80\.0 %\), firing for 0 s$/,
    );
    // Still above clear: nothing new (hysteresis is the engine's).
    expect(round(75, 3000)).toEqual([]);
    expect(alerts.list(engine.active())).toEqual([
      expect.objectContaining({ state: 'firing', rule: 'cpu' }),
    ]);
    const resolved = round(60, 4000);
    expect(resolved).toEqual([
      { kind: 'resolved', alert: expect.objectContaining({ state: 'resolved', since: 4000 }) },
    ]);
    expect(resolved[0]!.alert.message).toMatch(/cpuPercent back to 60\.0 % \(clear 70\.0 %\)$/);
    expect(alerts.list(engine.active())).toEqual([
      expect.objectContaining({ state: 'resolved', rule: 'cpu' }),
    ]);
    engine.close();
  });

  it('renders from the statuses alone: the unit, the comparison, both thresholds and how long', () => {
    const memory: AlertRule = {
      ...rule,
      name: 'web-memory',
      target: 'container',
      field: 'memoryPercent',
      warn: 90,
      crit: 98,
      clear: 85,
      forSeconds: 60,
    };
    const engine = createAlertEngine({ rules: [memory] });
    // The agent's alerts were made without any rule: all it shows comes from the engine.
    const alerts = createAgentAlerts();
    const t0 = 1_000_000;
    engine.evaluate({ containers: [container(93.2, t0)] });
    const pending = alerts.list(engine.active(), t0 + 30_000);
    expect(pending[0]!.message).toBe(
      'web-1 memoryPercent 93.2 % > 90.0 % (warn; crit 98.0 %), pending for 30 s',
    );
    engine.evaluate({ containers: [container(93.2, t0 + 60_000)] });
    const [firing] = alerts.list(engine.active(), t0 + 5 * 60_000);
    expect(firing).toMatchObject({
      rule: 'web-memory',
      kind: 'container',
      field: 'memoryPercent',
      unit: 'percent',
      comparison: '>',
      warn: 90,
      crit: 98,
      clear: 85,
      threshold: 90,
      since: t0,
      text: { value: '93.2 %', warn: '90.0 %', crit: '98.0 %', clear: '85.0 %' },
      message: 'web-1 memoryPercent 93.2 % > 90.0 % (warn; crit 98.0 %), firing for 5 min',
    });
    // The container goes away while firing: resolved, saying why.
    const gone = alerts.transitions(engine.evaluate({ containers: [] }), t0 + 6 * 60_000);
    expect(gone[0]!.alert.message).toBe('web-1 is gone (memoryPercent was 93.2 %)');
    engine.close();
  });

  it('says durations the way people read them', () => {
    expect(formatAge(12_400)).toBe('12 s');
    expect(formatAge(5 * 60_000 + 59_000)).toBe('5 min');
    expect(formatAge(3 * 3_600_000 + 20 * 60_000)).toBe('3 h 20 min');
    expect(formatAge(52 * 3_600_000)).toBe('2 d 4 h');
    expect(formatAge(-5)).toBe('0 s');
  });
});
