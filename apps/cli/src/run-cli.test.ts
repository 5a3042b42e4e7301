import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from './test-support/run-built-cli.js';

describe('arcbox-perf (built binary): help, version, errors', () => {
  it('--version prints the package version', async () => {
    const run = await runBuiltCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('--help lists the commands and ends with examples', async () => {
    const run = await runBuiltCli(['--help']);
    expect(run.code).toBe(0);
    for (const cmd of [
      'snapshot',
      'top|watch',
      'containers',
      'vms',
      'history',
      'alerts',
      'export',
      'record',
      'replay',
    ]) {
      expect(run.stdout).toContain(cmd);
    }
    expect(run.stdout).toMatch(/Examples:\n {2}\$ arcbox-perf /);
  });

  it('bare arcbox-perf prints the help on stdout and exits 0', async () => {
    const run = await runBuiltCli([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: arcbox-perf /);
    expect(run.stdout).toMatch(/Examples:\n {2}\$ arcbox-perf /);
    expect(run.stderr).toBe('');
    // Global options alone are still no command.
    const plain = await runBuiltCli(['--no-color']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^Usage: arcbox-perf /);
  });

  it.each([
    'snapshot',
    'top',
    'containers',
    'vms',
    'export',
    'history',
    'alerts',
    'alerts check',
    'alerts export',
    'record',
    'replay',
  ])('%s --help has examples', async (cmd) => {
    const run = await runBuiltCli([...cmd.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Examples:\\n(.*\\n)*\\s+\\$ arcbox-perf ${cmd}`));
  });

  it.each(['snapshot', 'top', 'containers', 'vms', 'export', 'alerts check'])(
    '%s --help lists every source option, in one group',
    async (cmd) => {
      const run = await runBuiltCli([...cmd.split(' '), '--help']);
      expect(run.code).toBe(0);
      const group = run.stdout.split(/\n(?=Sources)/)[1] ?? '';
      for (const flag of [
        '--root',
        '--cgroup',
        '--no-containers',
        '--docker-socket',
        '--vm-dir',
        '--qmp-socket',
        '--ch-dir',
        '--fc-dir',
        '--libvirt',
        '--no-vms',
        '--no-filesystems',
      ])
        expect(group).toMatch(new RegExp(`^ +${flag}\\b`, 'm'));
    },
  );

  it('a bad source flag is a usage error naming the flag (3 for alerts check)', async () => {
    const snapshot = await runBuiltCli(['snapshot', '--vm-dir', '']);
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toMatch(/^error: --vm-dir: must not be empty$/m);
    expect(snapshot.stdout).toBe('');
    const alerts = await runBuiltCli(['alerts', 'check', '--libvirt', 'nope', '--window', '100']);
    expect(alerts.code).toBe(3);
    expect(alerts.stderr).toMatch(/--libvirt: "nope" is not a libvirt URI/);
    const both = await runBuiltCli(['vms', '--no-vms', '--vm-dir', '/x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--no-vms: cannot leave VMs out and name VM sources too/);
  });

  it('an error names a missing file once', async () => {
    const file = '/nonexistent-arcbox-config/agent.yaml';
    const run = await runBuiltCli(['--config', file, 'snapshot']);
    expect(run.code).toBe(1);
    expect(run.stderr.split(file)).toHaveLength(2);
    expect(run.stderr).toMatch(/no such file or directory/);
  });

  it('an unknown command is a usage error on stderr, exit 2', async () => {
    const run = await runBuiltCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(run.stdout).toBe('');
  });

  it('a bad config file is an error naming it, without a stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-cfg-'));
    try {
      const file = join(dir, 'config.json');
      await writeFile(file, '{ "interval": "fast" }');
      const run = await runBuiltCli(['snapshot', '--config', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(file);
      expect(run.stderr).toMatch(/:1: interval: "fast" is not a duration/);
      expect(run.stderr).toMatch(/\[CONFIG_ERROR\]/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('NO_COLOR and a pipe both mean no escape codes, even in errors', async () => {
    const run = await runBuiltCli(['replay', '/nonexistent-arcbox-recording'], {
      env: { NO_COLOR: '1' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\x1b\[/);
  });
});
