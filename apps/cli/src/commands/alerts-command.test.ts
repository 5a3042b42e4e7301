import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertStatus } from '@arcbox/perf-history';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../test-support/has-command.js';
import { runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';
import {
  canCreateCgroups,
  createTestCgroup,
  type TestCgroup,
} from '../test-support/test-cgroups.js';
import { checkExitCode } from './alerts-command.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a rules file (YAML, the format perf-history loads) and returns its path. */
async function rules(name: string, yaml: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}

// Rules whose outcome does not depend on the machine's load: total memory is never below 1 byte.
const alwaysWarn = `rules:\n  - name: memory-exists\n    metric: system.memoryTotal\n    comparison: ">"\n    warn: 1\n`;
const alwaysCrit = `rules:\n  - name: memory-exists\n    metric: system.memoryTotal\n    comparison: ">"\n    warn: 1\n    crit: 2\n`;
const neverFires = `rules:\n  - name: no-memory\n    metric: system.memoryTotal\n    comparison: "<"\n    warn: 1\n`;

describe.skipIf(process.platform !== 'linux')(
  'arcbox-perf alerts check (built binary; samples a Linux host)',
  () => {
    it('exits 0 when no rule fires, 1 on a warning, 2 on a critical', async () => {
      const args = ['alerts', 'check', '--window', '200', '--interval', '100', '--rules'];
      const ok = await runBuiltCli([...args, await rules('ok.yaml', neverFires)]);
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toMatch(/^OK: 0 of 1/m);
      expect(ok.code).toBe(0);
      const warn = await runBuiltCli([...args, await rules('warn.yaml', alwaysWarn)]);
      expect(warn.stderr).toBe('');
      expect(warn.stdout).toMatch(/^memory-exists +host +warning/m);
      // The value and the thresholds in the field's unit, from the alert status alone.
      expect(warn.stdout).toMatch(/^RULE +SERIES +STATE +FIELD +VALUE +WARN +CRIT$/m);
      expect(warn.stdout).toMatch(
        /^memory-exists +host +warning +memoryTotal +\d+\.\d [KMG]iB +> 1 B +-$/m,
      );
      expect(warn.code).toBe(1);
      const crit = await runBuiltCli([...args, await rules('crit.yaml', alwaysCrit)]);
      expect(crit.stderr).toBe('');
      expect(crit.stdout).toMatch(/^memory-exists +host +critical/m);
      expect(crit.code).toBe(2);
    });

    it('--json validates against alerts.schema.json', async () => {
      const file = await rules('json.yaml', alwaysCrit);
      const run = await runBuiltCli([
        'alerts',
        'check',
        '--rules',
        file,
        '--window',
        '200',
        '--interval',
        '100',
        '--json',
      ]);
      expect(run.code).toBe(2);
      const doc = JSON.parse(run.stdout);
      const validate = schemaValidator('alerts');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc).toMatchObject({ status: 'critical', exitCode: 2, rules: ['memory-exists'] });
      expect(doc.results[0]).toMatchObject({
        rule: 'memory-exists',
        kind: 'system',
        field: 'memoryTotal',
        unit: 'bytes',
        comparison: '>',
        warn: 1,
        crit: 2,
        state: 'firing',
        severity: 'critical',
      });
    });

    it('a bad rule does not hide a firing critical: exit 2, the bad rule listed', async () => {
      const file = await rules(
        'crit-and-typo.yaml',
        `${alwaysCrit}  - name: typo\n    metric: system.cpuPercnt\n    warn: 1\n`,
      );
      const args = ['alerts', 'check', '--rules', file, '--window', '200', '--interval', '100'];
      const run = await runBuiltCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/alert rule "typo": "metric" has no field "cpuPercnt"/);
      expect(run.stdout).toMatch(/^memory-exists +host +critical/m);
      expect(run.stdout).toMatch(/^CRITICAL: 1 of 1 rule checks firing; 1 rule error/m);
      const json = await runBuiltCli([...args, '--json']);
      expect(json.code).toBe(2);
      const doc = JSON.parse(json.stdout);
      const validate = schemaValidator('alerts');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc).toMatchObject({ status: 'critical', exitCode: 2, rules: ['memory-exists'] });
      expect(doc.errors).toEqual([
        expect.objectContaining({ code: 'CONFIG_ERROR', message: expect.stringMatching(/typo/) }),
      ]);
      // A warning with a bad rule beside it is unknown: the bad rule might have been critical.
      const warned = await runBuiltCli([
        ...args.slice(0, 3),
        await rules(
          'warn-and-typo.yaml',
          `${alwaysWarn}  - name: typo\n    metric: system.cpuPercnt\n    warn: 1\n`,
        ),
        ...args.slice(4),
      ]);
      expect(warned.code).toBe(3);
    });

    it('a bad rule is reported with its line and exits 3, while the good ones are still checked', async () => {
      const file = await rules(
        'mixed.yaml',
        `${neverFires}  - name: typo\n    metric: system.cpuPercnt\n    warn: 1\n`,
      );
      const run = await runBuiltCli([
        'alerts',
        'check',
        '--rules',
        file,
        '--window',
        '200',
        '--interval',
        '100',
      ]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(
        /alert rule "typo": "metric" has no field "cpuPercnt".*mixed\.yaml:7/,
      );
      expect(run.stdout).toMatch(/^no-memory +host +ok/m);
    });

    it('a missing rules file and a bad flag are "could not check" (3), never a warning', async () => {
      const missing = await runBuiltCli(['alerts', 'check', '--rules', join(dir, 'nope.yaml')]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toMatch(/nope\.yaml/);
      expect(missing.stderr.split('nope.yaml')).toHaveLength(2);
      const usage = await runBuiltCli(['alerts', 'check', '--window', 'long']);
      expect(usage.code).toBe(3);
    });
  },
);

describe.skipIf(!canCreateCgroups)(
  'arcbox-perf alerts check on a container the test creates (needs root)',
  () => {
    let busy: TestCgroup;
    beforeAll(() => {
      busy = createTestCgroup(`arcbox-alert-${process.pid}`);
      busy.run('for (;;) {}');
    });
    afterAll(async () => {
      await busy?.remove();
    });

    it('fires a container CPU rule for the busy cgroup only', async () => {
      const file = await rules(
        'container.yaml',
        `rules:\n  - name: container-busy\n    metric: container.cpuPercent\n    match: { name: "arcbox-alert-*" }\n    comparison: ">"\n    warn: 10\n`,
      );
      const run = await runBuiltCli([
        'alerts',
        'check',
        '--rules',
        file,
        '--cgroup',
        busy.path,
        '--window',
        '1000',
        '--interval',
        '500',
        '--json',
      ]);
      const doc = JSON.parse(run.stdout);
      expect(doc.results).toHaveLength(1);
      expect(doc.results[0]).toMatchObject({
        rule: 'container-busy',
        seriesName: busy.name,
        state: 'firing',
        severity: 'warning',
      });
      expect(doc.results[0].value).toBeGreaterThan(10);
      expect(run.code).toBe(1);
    });
  },
);

describe('the exit code of alerts check', () => {
  const status = (state: AlertStatus['state'], severity: AlertStatus['severity']) =>
    ({ state, severity }) as AlertStatus;
  it('ranks critical over unknown over warning over ok', () => {
    expect(checkExitCode([], 0)).toBe(0);
    expect(checkExitCode([status('ok', null)], 0)).toBe(0);
    expect(checkExitCode([status('firing', 'warning')], 0)).toBe(1);
    expect(checkExitCode([status('firing', 'critical'), status('firing', 'warning')], 0)).toBe(2);
    expect(checkExitCode([status('ok', null)], 1)).toBe(3);
    expect(checkExitCode([status('firing', 'warning')], 1)).toBe(3);
    expect(checkExitCode([status('firing', 'critical')], 2)).toBe(2);
    // Pending is not firing yet.
    expect(checkExitCode([status('pending', 'critical')], 0)).toBe(0);
  });
});

const hasPromtool = hasCommand('promtool', ['--version']);

describe('arcbox-perf alerts export (built binary)', () => {
  it('prints the built-in rules as Prometheus alerting rules, one per severity', async () => {
    const run = await runBuiltCli(['alerts', 'export', '--format', 'prometheus']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^groups:\n {2}- name: "arcbox-perf"\n {4}rules:\n/m);
    expect(run.stdout).toContain('      - alert: "host-cpu-high"\n');
    expect(run.stdout).toContain('          severity: "critical"\n');
    expect(run.stdout).toContain('arcbox_perf_container_memory_working_set_bytes');
  });

  it('names each rule it cannot read or convert on stderr, prints the others, exits 1', async () => {
    const file = await rules(
      'mixed.yaml',
      'rules:\n  - { name: block-iops, metric: container.blockReadIops, warn: 1 }\n  - { name: web-mem, metric: container.memoryUsed, match: { name: "web.*" }, warn: 1000 }\n  - { name: typo, metric: system.nope, warn: 1 }\n',
    );
    const run = await runBuiltCli(['alerts', 'export', '--rules', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'alert rule "block-iops": container.blockReadIops has no series in /metrics',
    );
    expect(run.stderr).toContain('alert rule "typo"');
    expect(run.stdout).toContain(
      // The glob as an escaped regex in a PromQL string, in a YAML double-quoted string.
      String.raw`expr: "arcbox_perf_container_memory_working_set_bytes{name=~\"web\\\\..*\"} > 1000"`,
    );
    expect(run.stdout).not.toContain('block-iops');
  });

  it.skipIf(!hasPromtool)(
    'prints a file promtool check rules accepts (needs promtool from Debian prometheus)',
    async () => {
      const run = await runBuiltCli(['alerts', 'export']);
      const file = join(dir, 'exported.rules.yml');
      await writeFile(file, run.stdout);
      const { execFile } = await import('node:child_process');
      const checked = await new Promise<string>((resolve, reject) =>
        execFile('promtool', ['check', 'rules', file], (error, stdout, stderr) =>
          error ? reject(new Error(`${stdout}${stderr}`)) : resolve(stdout),
        ),
      );
      expect(checked).toMatch(/SUCCESS: \d+ rules found/);
    },
  );

  it('writes the group interval, rounds "for" up to it, notes short windows and refuses what breaks', async () => {
    const file = await rules(
      'interval.yaml',
      [
        'rules:',
        '  - { name: slow-for, metric: system.load1, warn: 4, for: 45s }',
        '  - { name: short-window, metric: system.cpuPercent, warn: 90, window: { duration: 10s, aggregation: avg } }',
        '  - { name: held, metric: system.memoryPercent, warn: 90, clear: 80 }',
      ].join('\n'),
    );
    const run = await runBuiltCli([
      'alerts',
      'export',
      '--rules',
      file,
      '--evaluation-interval',
      '30s',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/- name: "arcbox-perf"\n {4}interval: 30s\n/);
    expect(run.stdout).toMatch(/alert: "slow-for"\n.*\n {8}for: 1m\n/);
    expect(run.stderr).toBe(
      'note: alert rule "short-window": its 10s window is shorter than the evaluation interval 30s: samples between evaluations are not judged\n',
    );
    const long = await runBuiltCli(['alerts', 'export', '--rules', file, '-e', '10m']);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain(
      'alert rule "held": clear needs the previous evaluation\'s ALERTS series',
    );
    expect(long.stdout).toContain('alert: "slow-for"');
    for (const bad of ['500ms', '1500ms', '2h', 'soon']) {
      const refused = await runBuiltCli(['alerts', 'export', '-e', bad]);
      expect(refused.code, bad).not.toBe(0);
      expect(refused.stderr).toMatch(/from 1s to 1h|whole seconds/);
    }
  });

  it('refuses a format it does not write', async () => {
    const run = await runBuiltCli(['alerts', 'export', '--format', 'yaml']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('expected one of prometheus');
  });
});
