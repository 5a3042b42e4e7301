import { describe, expect, it } from 'vitest';
import type { RuleConfig } from '../config/agent-config.js';
import type { AgentSample } from '../sampler/agent-sample.js';
import { createAlertEngine } from './create-alert-engine.js';

// Constructed samples: only the fields the rules read are filled in.
const sample = (time: number, cpuPercent: number): AgentSample =>
  ({
    time,
    system: { cpuPercent, load1: 1, cpuCount: 2 },
    containers: [],
    vms: [],
    collectors: [],
  }) as unknown as AgentSample;

const rule: RuleConfig = {
  name: 'cpu',
  scope: 'system',
  field: 'cpuPercent',
  op: '>',
  warn: 80,
  crit: 95,
  clear: 70,
  forMs: 2000,
  windowMs: 0,
  match: null,
};

describe('createAlertEngine', () => {
  it('goes pending, fires after `for`, and resolves only below `clear`', () => {
    const engine = createAlertEngine([rule]);
    expect(engine.evaluate(sample(0, 85))).toEqual([]);
    expect(engine.list()[0]).toMatchObject({ state: 'pending', severity: 'warn' });
    expect(engine.evaluate(sample(1000, 90))).toEqual([]);
    const fired = engine.evaluate(sample(2000, 96));
    expect(fired).toEqual([
      expect.objectContaining({
        kind: 'firing',
        alert: expect.objectContaining({ severity: 'crit', value: 96 }),
      }),
    ]);
    // Between clear and warn: still firing (hysteresis), no new event.
    expect(engine.evaluate(sample(3000, 75))).toEqual([]);
    expect(engine.list()[0]).toMatchObject({ state: 'firing' });
    const resolved = engine.evaluate(sample(4000, 60));
    expect(resolved).toEqual([expect.objectContaining({ kind: 'resolved' })]);
    expect(engine.list()).toEqual([expect.objectContaining({ state: 'resolved', rule: 'cpu' })]);
  });

  it('does not fire when the value drops before `for` has passed', () => {
    const engine = createAlertEngine([rule]);
    engine.evaluate(sample(0, 85));
    engine.evaluate(sample(1000, 50));
    expect(engine.evaluate(sample(2500, 85))).toEqual([]);
    expect(engine.list()[0]).toMatchObject({ state: 'pending', since: 2500 });
  });

  it('averages over the window before comparing', () => {
    const engine = createAlertEngine([{ ...rule, forMs: 0, windowMs: 3000 }]);
    expect(engine.evaluate(sample(0, 0))).toEqual([]);
    expect(engine.evaluate(sample(1000, 100))).toEqual([]);
    // (0 + 100 + 100) / 3 = 66.7: still below warn.
    expect(engine.evaluate(sample(2000, 100))).toEqual([]);
    expect(engine.evaluate(sample(3000, 100))[0]?.kind).toBe('firing');
  });

  it('supports the derived loadPerCore field and "<" rules', () => {
    const engine = createAlertEngine([
      { ...rule, name: 'load', field: 'loadPerCore', warn: 0.4, crit: null, clear: null, forMs: 0 },
      { ...rule, name: 'idle', op: '<', warn: 10, crit: null, clear: 20, forMs: 0 },
    ]);
    const events = engine.evaluate(sample(0, 5));
    expect(events.map((e) => e.alert.rule).sort()).toEqual(['idle', 'load']);
  });
});
