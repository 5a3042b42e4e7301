import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatMetrics, snapshotFamilies } from './export-snapshot.js';
import { constructedContainer, constructedSystem, constructedVm } from './test-metrics.js';

const run = promisify(execFile);
const hasPromtool = existsSync('/usr/bin/promtool');

const snapshot = {
  system: constructedSystem(),
  containers: [
    constructedContainer('abc', 'web'),
    constructedContainer('def', 'we"ird\nname'),
    constructedContainer('abc', 'duplicate from a second source'),
  ],
  vms: [constructedVm('vm1')],
  collectors: [
    {
      name: 'system',
      enabled: true,
      timeoutMs: 5000,
      lastOutcome: { ok: true, durationMs: 1.25, finishedAt: 1_700_000_000_000 },
      lastSuccessAt: 1_700_000_000_000,
    },
    {
      name: 'docker',
      enabled: true,
      timeoutMs: 2000,
      lastOutcome: {
        ok: false,
        durationMs: 2000,
        finishedAt: 1_700_000_000_000,
        error: 'timed out',
      },
      lastSuccessAt: null,
    },
    { name: 'off', enabled: false, timeoutMs: 5000, lastOutcome: null, lastSuccessAt: null },
  ],
  buildInfo: { version: '0.0.0' },
};

const line = (text: string, prefix: string) => text.split('\n').find((l) => l.startsWith(prefix));

describe('formatMetrics', () => {
  const text = formatMetrics(snapshot);

  it('exports CPU counters per cpu and mode in seconds, guest apart', () => {
    expect(line(text, 'arcbox_perf_cpu_seconds_total{cpu="1",mode="idle"}')).toBe(
      'arcbox_perf_cpu_seconds_total{cpu="1",mode="idle"} 200',
    );
    expect(line(text, 'arcbox_perf_cpu_seconds_total{cpu="0",mode="user"}')).toBe(
      'arcbox_perf_cpu_seconds_total{cpu="0",mode="user"} 20',
    );
    expect(text).not.toMatch(/arcbox_perf_cpu_seconds_total\{[^}]*mode="guest/);
    expect(line(text, 'arcbox_perf_cpu_guest_seconds_total{cpu="0",mode="user"}')).toMatch(/ 0.5$/);
    expect(text).toContain('# TYPE arcbox_perf_cpu_seconds_total counter');
  });

  it('exports disk, network, container and VM counters in bytes with the promised labels', () => {
    expect(text).toContain('arcbox_perf_disk_read_bytes_total{device="vda"} 8192\n');
    expect(text).toContain('arcbox_perf_network_receive_bytes_total{interface="eth0"} 2000\n');
    expect(text).toContain('arcbox_perf_container_cpu_seconds_total{id="abc",name="web"} 3\n');
    expect(text).toContain(
      'arcbox_perf_container_cpu_seconds_total{id="def",name="we\\"ird\\nname"} 3\n',
    );
    expect(text).toContain('arcbox_perf_vm_vcpu_seconds_total{vm="vm1",vcpu="1"} 6\n');
    expect(text).toContain('arcbox_perf_memory_available_bytes 6442450944\n');
    expect(text).toContain('arcbox_perf_load1 0.5\n');
    expect(text).toContain('# TYPE arcbox_perf_memory_used_bytes gauge');
  });

  it('leaves out unknown values and duplicate containers rather than inventing them', () => {
    expect(text).not.toContain('arcbox_perf_network_transmit_drop_total');
    expect(text).not.toContain('duplicate from a second source');
    expect(text).not.toContain('arcbox_perf_container_memory_limit_bytes');
  });

  it('reports each enabled collector with duration and success', () => {
    expect(text).toContain(
      'arcbox_perf_scrape_collector_duration_seconds{collector="system"} 0.00125\n',
    );
    expect(text).toContain('arcbox_perf_scrape_collector_success{collector="docker"} 0\n');
    expect(text).toContain('arcbox_perf_scrape_collector_success{collector="system"} 1\n');
    expect(text).not.toContain('collector="off"');
  });

  it('gives every family HELP and TYPE and unique names', () => {
    const names = snapshotFamilies(snapshot).map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    const typed = text.match(/^# TYPE /gm)?.length ?? 0;
    const helped = text.match(/^# HELP /gm)?.length ?? 0;
    expect(typed).toBeGreaterThan(30);
    expect(helped).toBe(typed);
  });

  it.skipIf(!hasPromtool)('passes promtool check metrics (needs Debian prometheus)', async () => {
    const child = run('promtool', ['check', 'metrics']);
    child.child.stdin?.end(text);
    const { stdout, stderr } = await child;
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });

  it('writes valid OpenMetrics ending in # EOF', () => {
    const om = formatMetrics(snapshot, 'openmetrics');
    expect(om.endsWith('# EOF\n')).toBe(true);
    expect(om).toContain(
      '# TYPE arcbox_perf_cpu_seconds counter\n# UNIT arcbox_perf_cpu_seconds seconds\n',
    );
    expect(om).toContain('# TYPE arcbox_perf_container info\n');
  });
});
