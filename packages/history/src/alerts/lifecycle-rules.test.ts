import type { ContainerMetrics } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createAlertEngine } from './alert-engine.js';
import { defaultAlertRules } from './default-rules.js';

const T0 = Date.UTC(2026, 0, 1);

/** Constructed metrics: only the fields the lifecycle rules read, stamped at `second`. */
function ctr(second: number, name: string, fields: Partial<ContainerMetrics>): ContainerMetrics {
  return {
    id: name,
    name,
    labels: {},
    memoryLimit: 2 ** 28,
    timestamp: T0 + second * 1000,
    monotonicMs: second * 1000,
    memoryOomKillsNew: 0,
    restartsNew: 0,
    ...fields,
  } as ContainerMetrics;
}

const byName = (name: string) => defaultAlertRules.filter((r) => r.name === name);

describe('default container lifecycle rules', () => {
  it('container-oom-killed fires critical on the round a kill is counted and resolves after 5 quiet minutes', () => {
    const engine = createAlertEngine({ rules: byName('container-oom-killed') });
    const seen: string[] = [];
    for (let s = 0; s <= 400; s += 10) {
      const m = ctr(s, 'web-1', { memoryOomKillsNew: s === 30 ? 1 : s === 0 ? null : 0 });
      seen.push(
        ...engine.evaluate({ containers: [m] }).map((e) => `${s}:${e.state}:${e.severity}`),
      );
    }
    expect(seen).toEqual(['30:firing:critical', '330:resolved:critical']);
  });

  it('container-restarting sums restarts over 10 minutes: three warn, two do not', () => {
    const engine = createAlertEngine({ rules: byName('container-restarting') });
    const states = (restartsAt: number[]) => {
      const out: string[] = [];
      for (let s = 0; s <= 300; s += 10) {
        const m = ctr(s, `app-${restartsAt.length}`, {
          restartsNew: restartsAt.includes(s) ? 1 : 0,
        });
        out.push(...engine.evaluate({ containers: [m] }).map((e) => `${s}:${e.state}`));
      }
      return out;
    };
    expect(states([50, 100])).toEqual([]);
    expect(states([50, 100, 150])).toEqual(['150:firing']);
  });

  it('a rule matches containers by name', () => {
    const [base] = byName('container-oom-killed');
    const engine = createAlertEngine({ rules: [{ ...base!, match: { name: 'db-*' } }] });
    const events = engine.evaluate({
      containers: [
        ctr(1, 'web-1', { memoryOomKillsNew: 1 }),
        ctr(1, 'db-1', { memoryOomKillsNew: 1 }),
      ],
    });
    expect(events.map((e) => e.seriesName)).toEqual(['db-1']);
  });
});
