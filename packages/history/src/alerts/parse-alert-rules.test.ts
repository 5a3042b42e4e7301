import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { defaultAlertRules } from './default-rules.js';
import { loadAlertRules, parseAlertRules } from './parse-alert-rules.js';

const yaml = `# constructed rules file
rules:
  - name: web-cpu
    metric: container.cpuPercent
    match: { name: "web-*", labels: { app: web } }
    warn: 85
    crit: 95
    clear: 75
    window: { duration: 2m, aggregation: max }
    for: 5m
  - name: typo
    metric: system.cpuPercnt
    warn: 90
  - name: bad-threshold
    metric: system.memoryPercent
    warn: "ninety"
  - name: load
    metric: system.load1PerCore
    comparison: ">="
    warn: 2
    window: 60s
    for: 900
  - name: web-cpu
    metric: system.cpuPercent
    warn: 1
`;

describe('parseAlertRules', () => {
  it('keeps the good rules and names rule, field, line and problem for each bad one', () => {
    const { rules, errors } = parseAlertRules(yaml, { source: 'alerts.yaml' });
    expect(rules.map((r) => r.name)).toEqual(['web-cpu', 'load']);
    expect(rules[0]).toMatchObject({
      target: 'container',
      field: 'cpuPercent',
      match: { name: 'web-*', labels: { app: 'web' } },
      windowSeconds: 120,
      windowAggregation: 'max',
      forSeconds: 300,
      clear: 75,
    });
    expect(rules[1]).toMatchObject({
      comparison: '>=',
      windowSeconds: 60,
      forSeconds: 900,
      crit: null,
      clear: null,
    });
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => PerfError.isInstance(e) && e.code === 'CONFIG_ERROR')).toBe(true);
    const [typo, bad, dup] = errors as [PerfError, PerfError, PerfError];
    expect(typo.message).toContain('alert rule "typo": "metric" has no field "cpuPercnt"');
    expect(typo).toMatchObject({ file: 'alerts.yaml', line: 12, field: 'rules[1].metric' });
    expect(bad.message).toContain('"warn" must be a number, got "ninety"');
    expect(bad.line).toBe(16);
    expect(dup.message).toContain('"web-cpu": "name" is used by an earlier rule');
  });

  it('reads JSON with the same checks', () => {
    const { rules, errors } = parseAlertRules(
      JSON.stringify([
        { name: 'a', metric: 'vm.cpuPercent', warn: 150, clear: 160 },
        { name: 'b', metric: 'vm.memoryPercent', crit: 95, treshold: 3 },
        { name: 'c', metric: 'system.cpuPercent', warn: 90, crit: 80 },
        { name: 'd', metric: 'system.cpuPercent', warn: 90, match: { id: 'x' } },
      ]),
    );
    expect(rules).toEqual([]);
    expect(errors.map((e) => e.field)).toEqual([
      'rules[0].clear',
      'rules[1].treshold',
      'rules[2].crit',
      'rules[3].match',
    ]);
  });

  it('reports a syntax error or a wrong top level instead of loading nothing silently', () => {
    const broken = parseAlertRules('rules:\n  - name: x\n   metric: [');
    expect(broken.rules).toEqual([]);
    expect(broken.errors[0]?.code).toBe('CONFIG_ERROR');
    expect(broken.errors[0]?.line).toBeGreaterThan(0);
    expect(parseAlertRules('just: text').errors[0]?.message).toContain('must be a list');
  });

  it('loads a file, and the default rules written out as YAML read back the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arcbox-rules-'));
    try {
      const path = join(dir, 'rules.yaml');
      const lines = defaultAlertRules.map((r) =>
        [
          `  - name: ${r.name}`,
          `    metric: ${r.target}.${r.field}`,
          ...(r.match ? [`    match: ${JSON.stringify({ ...r.match.facts })}`] : []),
          `    comparison: "${r.comparison}"`,
          `    warn: ${r.warn}`,
          `    crit: ${r.crit}`,
          `    clear: ${r.clear}`,
          `    window: { duration: ${r.windowSeconds}s, aggregation: ${r.windowAggregation} }`,
          `    for: ${r.forSeconds / 60}m`,
          `    description: ${JSON.stringify(r.description)}`,
        ].join('\n'),
      );
      await writeFile(path, `rules:\n${lines.join('\n')}\n`);
      const loaded = await loadAlertRules(path);
      expect(loaded.errors).toEqual([]);
      expect(loaded.rules).toEqual(defaultAlertRules);
      expect(await readFile(path, 'utf8')).toContain('host-cpu-high');
      const missing = join(dir, 'missing.yaml');
      const error = await loadAlertRules(missing).catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'READ_ERROR' });
      // The path is said once, by the error's location, not again inside Node's message.
      expect((error as Error).message.split(missing)).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
