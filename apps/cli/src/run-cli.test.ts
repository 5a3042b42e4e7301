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

  it.each([
    'snapshot',
    'top',
    'containers',
    'vms',
    'export',
    'history',
    'alerts check',
    'record',
    'replay',
  ])('%s --help has examples', async (cmd) => {
    const run = await runBuiltCli([...cmd.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Examples:\\n(.*\\n)*\\s+\\$ arcbox-perf ${cmd}`));
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
      expect(run.stderr).toMatch(/interval must be a duration/);
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
