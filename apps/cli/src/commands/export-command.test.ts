import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasCommand } from '../test-support/has-command.js';
import { runBuiltCli } from '../test-support/run-built-cli.js';

const onLinux = process.platform === 'linux';
const hasPromtool = hasCommand('promtool', ['--version']);

function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'promtool',
      ['check', 'metrics'],
      { timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: stdout + stderr,
        }),
    );
    child.stdin?.end(text);
  });
}

describe.skipIf(!onLinux)('arcbox-perf export (built binary; samples a Linux host)', () => {
  it('prints the Prometheus text format with counters and the build info', async () => {
    const run = await runBuiltCli(['export', '--interval', '100']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# TYPE arcbox_perf_cpu_seconds_total counter$/m);
    expect(run.stdout).toMatch(/^arcbox_perf_build_info\{version="\d+\.\d+\.\d+[^"]*"\} 1$/m);
  });

  it.skipIf(!hasPromtool)('passes promtool check metrics (needs Debian prometheus)', async () => {
    const run = await runBuiltCli(['export', '--interval', '100']);
    const check = await promtoolCheck(run.stdout);
    expect(check.output).not.toMatch(/error/i);
    expect(check.code).toBe(0);
  });

  it('--format json holds system metrics with rates over the interval', async () => {
    const run = await runBuiltCli(['export', '--format', 'json', '--interval', '100']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.system.intervalMs).toBeGreaterThan(50);
    expect(Array.isArray(doc.containers)).toBe(true);
    expect(doc.collectors.map((c: { name: string }) => c.name)).toContain('system');
  });

  it('--format csv prints a header and one row for the host', async () => {
    const run = await runBuiltCli(['export', '--format', 'csv', '--interval', '100']);
    expect(run.code).toBe(0);
    const [header, row, ...rest] = run.stdout.trimEnd().split('\r\n');
    expect(header?.split(',')).toEqual(
      expect.arrayContaining(['time', 'cpuPercent', 'memoryUsed', 'netRxBps']),
    );
    expect(row?.split(',')).toHaveLength(header!.split(',').length);
    expect(rest).toEqual([]);
  });

  it('every kind reaches every format: the filesystems too', async () => {
    const prometheus = await runBuiltCli(['export', '--interval', '100']);
    expect(prometheus.stdout).toMatch(
      /^arcbox_perf_filesystem_size_bytes\{.*mountpoint="\/".*\} \d+/m,
    );
    const json = JSON.parse(
      (await runBuiltCli(['export', '--format', 'json', '--interval', '100'])).stdout,
    );
    expect(Object.keys(json)).toEqual([
      'system',
      'containers',
      'vms',
      'filesystems',
      'processes',
      'gpus',
      'collectors',
    ]);
    expect(prometheus.stdout).toMatch(
      /^arcbox_perf_process_cpu_seconds_total\{pid="\d+",comm="[^"]*",container="[^"]*"\} [\d.]+/m,
    );
    expect(json.filesystems.map((f: { mountPoint: string }) => f.mountPoint)).toContain('/');
    const csv = await runBuiltCli([
      'export',
      '--format',
      'csv',
      '--table',
      'filesystems',
      '--interval',
      '100',
    ]);
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.stdout.trimEnd().split('\r\n');
    expect(header).toBe(
      'time,id,name,sizeBytes,usedBytes,freeBytes,availableBytes,usedPercent,inodesTotal,inodesUsed,inodesFree,inodesUsedPercent',
    );
    expect(rows.some((r) => r.split(',')[1] === '/')).toBe(true);
    // A kind by its singular name works as well; anything else is a usage error.
    const byName = await runBuiltCli(['export', '-f', 'csv', '-t', 'container', '-i', '50']);
    expect(byName.stdout).toMatch(/^time,id,name,cpuPercent,/);
    const bad = await runBuiltCli(['export', '--format', 'csv', '--table', 'tpus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected one of system, containers, vms, filesystems/);
  });

  it('an unknown format is a usage error', async () => {
    const run = await runBuiltCli(['export', '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/prometheus, openmetrics, json, csv/);
  });
});
