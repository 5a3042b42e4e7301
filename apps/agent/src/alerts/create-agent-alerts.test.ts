import { type AlertRule, createAlertEngine } from '@arcbox/perf-history';
import type { SystemMetrics } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createAgentAlerts } from './create-agent-alerts.js';

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
  ({ cpuPercent, timestamp: t, monotonicMs: t, cpuCount: 2, load1: 0 }) as unknown as SystemMetrics;

describe('createAgentAlerts over perf-history engine events', () => {
  it('turns firing and its resolution into notifications, and lists them', () => {
    const engine = createAlertEngine({ rules: [rule] });
    const alerts = createAgentAlerts([rule]);
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
    expect(fired[0]!.alert.message).toMatch(/cpuPercent 97 > 95$/);
    // Still above clear: nothing new (hysteresis is the engine's).
    expect(round(75, 3000)).toEqual([]);
    expect(alerts.list(engine.active())).toEqual([
      expect.objectContaining({ state: 'firing', rule: 'cpu' }),
    ]);
    const resolved = round(60, 4000);
    expect(resolved).toEqual([
      { kind: 'resolved', alert: expect.objectContaining({ state: 'resolved', since: 4000 }) },
    ]);
    expect(alerts.list(engine.active())).toEqual([
      expect.objectContaining({ state: 'resolved', rule: 'cpu' }),
    ]);
    engine.close();
  });
});
