import type { AlertRule, ContainerMetrics, SystemMetrics } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createAlertEngine } from './alert-engine.js';
import { defaultAlertRules } from './default-rules.js';

const T0 = Date.UTC(2026, 0, 1);

/** Constructed metrics: only the fields the rules read, stamped at `second`. */
function sys(second: number, fields: Partial<SystemMetrics>): SystemMetrics {
  return {
    timestamp: T0 + second * 1000,
    monotonicMs: second * 1000,
    cpuCount: 2,
    ...fields,
  } as SystemMetrics;
}

function ctr(second: number, id: string, fields: Partial<ContainerMetrics>): ContainerMetrics {
  return {
    id,
    name: id,
    labels: {},
    memoryLimit: 2 ** 30,
    timestamp: T0 + second * 1000,
    monotonicMs: second * 1000,
    ...fields,
  } as ContainerMetrics;
}

const rule = (over: Partial<AlertRule>): AlertRule => ({
  name: 'cpu',
  target: 'system',
  field: 'cpuPercent',
  comparison: '>',
  warn: 85,
  crit: null,
  clear: 75,
  windowSeconds: 0,
  windowAggregation: 'avg',
  forSeconds: 0,
  ...over,
});

describe('alert engine (constructed metrics)', () => {
  it('raises at warn and, with hysteresis, resolves only below clear', () => {
    const engine = createAlertEngine({ rules: [rule({})] });
    const states = (second: number, cpuPercent: number) =>
      engine.evaluate({ system: sys(second, { cpuPercent }) }).map((e) => e.state);
    expect(states(0, 80)).toEqual([]);
    expect(states(1, 86)).toEqual(['firing']);
    expect(states(2, 80)).toEqual([]); // between clear and warn: still firing
    expect(engine.active()[0]?.state).toBe('firing');
    expect(states(3, 74)).toEqual(['resolved']);
    expect(engine.states()[0]?.state).toBe('resolved');
    expect(states(4, 74)).toEqual([]);
    expect(engine.states()[0]?.state).toBe('ok');
  });

  it('stays pending for the `for` duration, and returns to ok if the breach ends first', () => {
    const engine = createAlertEngine({ rules: [rule({ forSeconds: 60 })] });
    const at = (second: number, cpuPercent: number) =>
      engine
        .evaluate({ system: sys(second, { cpuPercent }) })
        .map((e) => `${e.previous}>${e.state}`);
    expect(at(0, 90)).toEqual(['ok>pending']);
    expect(at(30, 90)).toEqual([]);
    expect(at(45, 50)).toEqual(['pending>ok']);
    expect(at(50, 90)).toEqual(['ok>pending']);
    expect(at(109, 90)).toEqual([]);
    expect(at(110, 90)).toEqual(['pending>firing']);
  });

  it('evaluates the window aggregate, not the last value', () => {
    const avg = createAlertEngine({ rules: [rule({ windowSeconds: 10, clear: null })] });
    const max = createAlertEngine({
      rules: [rule({ windowSeconds: 10, windowAggregation: 'max', clear: null })],
    });
    const events = { avg: [] as string[], max: [] as string[] };
    for (let s = 0; s < 30; s++) {
      const m = sys(s, { cpuPercent: s === 5 ? 100 : 50 });
      events.avg.push(...avg.evaluate({ system: m }).map((e) => `${s}:${e.state}`));
      events.max.push(...max.evaluate({ system: m }).map((e) => `${s}:${e.state}`));
    }
    expect(events.avg).toEqual([]); // one 100 among ten 50s averages 55
    expect(events.max).toEqual(['5:firing', '15:resolved']); // the spike leaves the 10 s window at 15 s
  });

  it('escalates to critical and back to warning while firing', () => {
    const engine = createAlertEngine({ rules: [rule({ crit: 95 })] });
    const seen = [86, 97, 90, 70].flatMap((v, s) =>
      engine.evaluate({ system: sys(s, { cpuPercent: v }) }).map((e) => `${e.state}:${e.severity}`),
    );
    expect(seen).toEqual([
      'firing:warning',
      'firing:critical',
      'firing:warning',
      'resolved:warning',
    ]);
  });

  it('matches containers by name glob, labels and memory limit, and ends alerts of containers that went away', () => {
    const engine = createAlertEngine({
      rules: [
        rule({
          name: 'web-mem',
          target: 'container',
          field: 'memoryPercent',
          warn: 90,
          clear: null,
          match: { name: 'web-*', labels: { tier: 'front' }, facts: { memoryLimited: true } },
        }),
      ],
    });
    const first = engine.evaluate({
      containers: [
        ctr(0, 'web-1', { memoryPercent: 95, labels: { tier: 'front' } }),
        ctr(0, 'web-2', { memoryPercent: 95, labels: { tier: 'back' } }),
        ctr(0, 'db-1', { memoryPercent: 95, labels: { tier: 'front' } }),
        ctr(0, 'web-3', { memoryPercent: 95, labels: { tier: 'front' }, memoryLimit: null }),
      ],
    });
    expect(first.map((e) => e.series)).toEqual(['container:web-1']);
    const gone = engine.evaluate({ containers: [] });
    expect(gone).toMatchObject([
      { series: 'container:web-1', state: 'resolved', reason: 'series-gone' },
    ]);
    expect(engine.states()).toEqual([]);
  });

  it('keeps the alert of a container still present that no longer matches, and ends it once gone', () => {
    const engine = createAlertEngine({
      rules: [
        rule({
          name: 'mem',
          target: 'container',
          field: 'memoryPercent',
          warn: 90,
          clear: null,
          match: { facts: { memoryLimited: true } },
        }),
      ],
    });
    expect(engine.evaluate({ containers: [ctr(0, 'a', { memoryPercent: 95 })] })).toMatchObject([
      { series: 'container:a', state: 'firing' },
    ]);
    // Unlimited now: not evaluated, not gone.
    const unlimited = ctr(1, 'a', { memoryPercent: 95, memoryLimit: null });
    expect(engine.evaluate({ containers: [unlimited] })).toEqual([]);
    expect(engine.active()).toMatchObject([{ series: 'container:a', state: 'firing' }]);
    expect(engine.evaluate({ containers: [] })).toMatchObject([
      { series: 'container:a', state: 'resolved', reason: 'series-gone' },
    ]);
  });

  it('keeps a firing alert across setRules with the same rule, and ends it when its series goes', () => {
    const rules = [rule({ name: 'mem', target: 'container', field: 'memoryPercent', clear: null })];
    const engine = createAlertEngine({ rules });
    const round = (second: number, ids: string[]) =>
      engine
        .evaluate({ containers: ids.map((id) => ctr(second, id, { memoryPercent: 95 })) })
        .map((e) => `${e.series}:${e.state}`);
    expect(round(0, ['a', 'b'])).toEqual(['container:a:firing', 'container:b:firing']);
    engine.setRules([...rules]);
    expect(round(1, ['a', 'b'])).toEqual([]);
    expect(round(2, ['b'])).toEqual(['container:a:resolved']);
    expect(engine.states().map((s) => s.series)).toEqual(['container:b']);
    engine.setRules([{ ...rules[0]!, warn: 99 }]);
    expect(engine.states()).toEqual([]);
    expect(round(3, ['b'])).toEqual([]);
  });

  it('follows each container whatever its place in the list, one that went and came back starting over', () => {
    const engine = createAlertEngine({
      rules: [rule({ name: 'mem', target: 'container', field: 'memoryPercent', clear: null })],
    });
    const round = (second: number, list: Array<[string, number]>) =>
      engine
        .evaluate({
          containers: list.map(([id, memoryPercent]) => ctr(second, id, { memoryPercent })),
        })
        .map((e) => `${e.series}:${e.state}`);
    expect(
      round(0, [
        ['a', 95],
        ['b', 10],
        ['c', 10],
      ]),
    ).toEqual(['container:a:firing']);
    expect(
      round(1, [
        ['c', 10],
        ['a', 95],
        ['b', 10],
      ]),
    ).toEqual([]);
    expect(
      round(2, [
        ['b', 95],
        ['c', 10],
      ]),
    ).toEqual(['container:b:firing', 'container:a:resolved']);
    expect(
      round(3, [
        ['a', 95],
        ['b', 95],
        ['c', 10],
      ]),
    ).toEqual(['container:a:firing']);
    // One collected alone (partial) between full rounds, then the full order changes again.
    engine.evaluate({ containers: [ctr(4, 'c', { memoryPercent: 95 })] }, { partial: true });
    expect(
      round(5, [
        ['c', 10],
        ['b', 95],
        ['a', 10],
      ]),
    ).toEqual(['container:c:resolved', 'container:a:resolved']);
    expect(engine.active().map((a) => a.series)).toEqual(['container:b']);
  });

  it('delivers events to callbacks and to for-await readers', async () => {
    const engine = createAlertEngine({ rules: [rule({})] });
    const called: string[] = [];
    const stop = engine.on((e) => called.push(e.state));
    const controller = new AbortController();
    const read: string[] = [];
    const reading = (async () => {
      for await (const e of engine.events({ signal: controller.signal })) {
        read.push(e.state);
        if (read.length === 2) controller.abort();
      }
    })();
    engine.evaluate({ system: sys(0, { cpuPercent: 99 }) });
    stop();
    engine.evaluate({ system: sys(1, { cpuPercent: 10 }) });
    await reading;
    expect(called).toEqual(['firing']);
    expect(read).toEqual(['firing', 'resolved']);
  });

  it('default rules: load per core above 2 fires after 15 minutes', () => {
    const engine = createAlertEngine({ rules: defaultAlertRules });
    const fired: Array<{ rule: string; second: number }> = [];
    for (let s = 0; s <= 16 * 60; s += 10) {
      for (const e of engine.evaluate({
        system: sys(s, { load1: 5, cpuPercent: 20, memoryPercent: 30 }),
      })) {
        if (e.state === 'firing') fired.push({ rule: e.rule, second: s });
      }
    }
    expect(fired).toEqual([{ rule: 'host-load-per-core-high', second: 15 * 60 }]);
  });
});
