import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { escapeCode, runBuiltCli } from '../test-support/run-built-cli.js';
import { canCreateCgroups, createTestCgroup } from '../test-support/test-cgroups.js';

const onLinux = process.platform === 'linux';

describe('arcbox-perf processes (built binary; the live readings need Linux)', () => {
  it.skipIf(!onLinux)(
    '--json lists a busy process among the top 5 by CPU, with its rate over the interval',
    async () => {
      const busy = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
      try {
        const run = await runBuiltCli(['processes', '--json', '--interval', '500', '--limit', '5']);
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const doc = JSON.parse(run.stdout.trim());
        expect(doc.kind).toBe('arcbox-perf.processes');
        expect(doc.sort).toBe('cpu');
        expect(doc.processes.length).toBeLessThanOrEqual(5);
        const spinner = doc.processes.find((p: { pid: number }) => p.pid === busy.pid);
        expect(spinner).toBeDefined();
        expect(spinner.comm).toBe('sh');
        expect(spinner.cpuPercent).toBeGreaterThan(40);
        expect(spinner.intervalMs).toBeGreaterThanOrEqual(400);
        expect(spinner.container).toBeNull();
      } finally {
        busy.kill('SIGKILL');
      }
    },
  );

  it.skipIf(!onLinux)(
    'prints a table by memory without escape codes, and --container host',
    async () => {
      const run = await runBuiltCli([
        'processes',
        '--sort',
        'mem',
        '--limit',
        '3',
        '--interval',
        '100',
      ]);
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^ *PID +USER +CPU% +RSS/);
      expect(lines).toHaveLength(4);
      expect(run.stdout).not.toMatch(escapeCode);
      const host = await runBuiltCli([
        'processes',
        '--container',
        'host',
        '--json',
        '--interval',
        '100',
      ]);
      const doc = JSON.parse(host.stdout);
      expect(doc.processes.length).toBeGreaterThan(0);
      expect(doc.processes.every((p: { container: string | null }) => p.container === null)).toBe(
        true,
      );
    },
  );

  it('refuses a limit out of bounds and an unknown sort as usage errors', async () => {
    for (const args of [
      ['--limit', '0'],
      ['--limit', '100000'],
      ['--sort', 'disk'],
    ]) {
      const run = await runBuiltCli(['processes', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/expected/);
    }
  });

  it.skipIf(!canCreateCgroups)(
    '--container takes a container by name (a cgroup made here; needs root)',
    async () => {
      const cgroup = createTestCgroup(`arcbox-procs-name-${process.pid}`);
      try {
        const child = cgroup.run('setInterval(() => {}, 1000);');
        const run = await runBuiltCli([
          'processes',
          '--container',
          cgroup.name,
          '--json',
          '--interval',
          '100',
          '--cgroup',
          cgroup.path,
        ]);
        expect(run.stderr).toBe('');
        const doc = JSON.parse(run.stdout);
        expect(doc.processes.map((p: { pid: number }) => p.pid)).toEqual([child.pid]);
        expect(doc.processes[0].container).toBe(cgroup.path);
      } finally {
        await cgroup.remove();
      }
    },
  );
});
