import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasQemu, type PausedQemu, startPausedQemu } from '../test-support/paused-qemu.js';
import { escapeCode, runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';
import {
  canCreateCgroups,
  createTestCgroup,
  type TestCgroup,
} from '../test-support/test-cgroups.js';

describe.skipIf(!canCreateCgroups)(
  'arcbox-perf containers on cgroups the test creates (needs root)',
  () => {
    const tag = `arcbox-list-${process.pid}`;
    let group: TestCgroup;
    beforeAll(() => {
      group = createTestCgroup(`${tag}-busy`);
      group.run('for (;;) {}');
    });
    afterAll(async () => {
      await group?.remove();
    });

    it('--json validates against containers.schema.json and measures the busy cgroup', async () => {
      const run = await runBuiltCli([
        'containers',
        '--json',
        '--interval',
        '500',
        '--cgroup',
        group.path,
      ]);
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      const validate = schemaValidator('containers');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      const row = doc.containers.find((c: { name: string }) => c.name === group.name);
      expect(row).toBeDefined();
      // A spinning process on a loaded 2-core machine still gets a good share of a core.
      expect(row.cpuPercent).toBeGreaterThan(20);
      expect(row.intervalMs).toBeGreaterThan(400);
    });

    it("takes the cgroups and the interval from the agent's YAML config file", async () => {
      const dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-agentcfg-'));
      try {
        const file = join(dir, 'agent.yaml');
        await writeFile(
          file,
          `# shared with arcbox-perf-agent\ninterval: 300ms\nsources:\n  containers:\n    paths: ["${group.path}"]\n`,
        );
        const run = await runBuiltCli(['containers', '--json', '--config', file]);
        expect(run.stderr).toBe('');
        const doc = JSON.parse(run.stdout);
        expect(doc.containers.map((c: { name: string }) => c.name)).toContain(group.name);
        expect(doc.intervalMs).toBeGreaterThanOrEqual(290);
        // The same file through ARCBOX_PERF_CONFIG.
        const viaEnv = await runBuiltCli(['containers', '--json'], {
          env: { ARCBOX_PERF_CONFIG: file },
        });
        expect(JSON.parse(viaEnv.stdout).containers.map((c: { name: string }) => c.name)).toContain(
          group.name,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('prints a docker-stats-like table without escape codes', async () => {
      const run = await runBuiltCli(['containers', '--interval', '200', '--cgroup', group.path]);
      expect(run.code).toBe(0);
      const [header, ...rows] = run.stdout.trimEnd().split('\n');
      expect(header).toMatch(
        /^NAME +ID +RUNTIME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET RX \/ TX +BLOCK R \/ W +PIDS$/,
      );
      expect(rows.some((r) => r.startsWith(group.name))).toBe(true);
      // A plain cgroup's ID is its own path, not the first 12 characters of it.
      expect(rows.find((r) => r.startsWith(`${group.name} `))).toMatch(
        new RegExp(`^${group.name} +${group.path} +cgroup +`),
      );
      expect(run.stdout).not.toMatch(escapeCode);
    });

    it('a cgroup pattern that matches nothing is an error naming it, after what was found', async () => {
      const run = await runBuiltCli([
        'containers',
        '--interval',
        '100',
        '--cgroup',
        group.path,
        '/nonexistent-arcbox-cgroup',
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`^${group.name} `, 'm'));
      expect(run.stderr).toMatch(/--cgroup \/nonexistent-arcbox-cgroup matches no cgroup/);
      expect(run.stderr.split('/nonexistent-arcbox-cgroup')).toHaveLength(2);
      expect(run.stderr).not.toMatch(new RegExp(group.path));
    });

    it('shows the share of a CPU quota where one is set; cpuPercentOfHost stays of the host', async () => {
      const limited = createTestCgroup(`${tag}-quota`, { cpuQuotaCores: 0.5 });
      try {
        limited.run('for (;;) {}');
        const run = await runBuiltCli([
          'containers',
          '--json',
          '--interval',
          '1000',
          '--cgroup',
          limited.path,
        ]);
        expect(run.code).toBe(0);
        const doc = JSON.parse(run.stdout);
        const validate = schemaValidator('containers');
        expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
        const row = doc.containers.find((c: { name: string }) => c.name === limited.name);
        expect(row.cpuLimitCores).toBe(0.5);
        // Half a core under a half-core quota: near all of the quota, a share of the host.
        expect(row.cpuPercentOfLimit).toBeGreaterThan(50);
        expect(row.cpuPercentOfLimit).toBeCloseTo(row.cpuPercent / 0.5, 0);
        expect(row.cpuPercentOfHost).toBeCloseTo(row.cpuPercent / availableParallelism(), 0);
        const table = await runBuiltCli([
          'containers',
          '--interval',
          '500',
          '--cgroup',
          limited.path,
        ]);
        expect(table.stdout).toMatch(
          new RegExp(`^${limited.name} .* \\d+\\.\\d % \\(\\d+\\.\\d % of limit\\) `, 'm'),
        );
      } finally {
        await limited.remove();
      }
    });
  },
);

describe.skipIf(process.platform !== 'linux')('arcbox-perf vms (built binary; Linux)', () => {
  it('--json with no VMs is a valid, empty document', async () => {
    const run = await runBuiltCli(['vms', '--json', '--interval', '50'], {
      env: { XDG_RUNTIME_DIR: '/nonexistent-arcbox-runtime' },
    });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    const validate = schemaValidator('vms');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.vms).toEqual([]);
    // Nothing found says where it looked.
    expect(run.stderr).toMatch(
      /^VMs: none found \(looked for QEMU sockets in \/nonexistent-arcbox-runtime\/arcbox\/vms\)$/m,
    );
  });

  it('a VM folder named that is not there is an error naming it once (exit 1)', async () => {
    const run = await runBuiltCli([
      'vms',
      '--interval',
      '50',
      '--vm-dir',
      '/nonexistent-arcbox-vms',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /error: --vm-dir \/nonexistent-arcbox-vms does not exist \(yet\): no VMs there/,
    );
    expect(run.stderr.match(/error: /g)).toHaveLength(1);
    // So is a socket named one by one.
    const socket = await runBuiltCli([
      'vms',
      '--interval',
      '50',
      '--qmp-socket',
      '/nonexistent-arcbox.qmp',
    ]);
    expect(socket.code).toBe(1);
    expect(socket.stderr).toMatch(/error: --qmp-socket \/nonexistent-arcbox\.qmp does not exist/);
    // The same folder from the config file is named by its key.
    const dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-vmcfg-'));
    try {
      const config = join(dir, 'agent.yaml');
      await writeFile(config, 'sources:\n  vms:\n    socketDir: /nonexistent-arcbox-vms\n');
      const viaFile = await runBuiltCli(['vms', '--interval', '50', '--config', config]);
      expect(viaFile.code).toBe(1);
      expect(viaFile.stderr).toMatch(/vms\.qemu: \/nonexistent-arcbox-vms does not exist/);
      // A folder that is there but empty is no error: nothing runs.
      const empty = await runBuiltCli(['vms', '--interval', '50', '--vm-dir', dir]);
      expect(empty.code).toBe(0);
      expect(empty.stderr).toBe(`VMs: none found (looked for QEMU sockets in ${dir})\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasQemu)(
  'arcbox-perf vms on a real QEMU (paused, 2 vCPUs; needs Debian qemu-system-x86)',
  () => {
    let dir = '';
    let qemu: PausedQemu | undefined;
    let config = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-qemu-'));
      const socket = join(dir, 'web-vm.qmp');
      qemu = await startPausedQemu(socket, 'arcbox-cli-vm');
      config = join(dir, 'agent.yaml');
      await writeFile(config, `sources:\n  vms:\n    sockets: ["${socket}"]\n`);
    });
    afterAll(async () => {
      await qemu?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('--json lists the VM with its vCPU threads and configured memory, schema-valid', async () => {
      const run = await runBuiltCli(['vms', '--json', '--interval', '300', '--config', config]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      const validate = schemaValidator('vms');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.vms).toHaveLength(1);
      const vm = doc.vms[0];
      expect(vm).toMatchObject({
        id: 'web-vm',
        name: 'arcbox-cli-vm',
        vmm: 'qemu',
        pid: qemu?.pid,
        memoryTotal: 128 * 1024 * 1024,
      });
      expect(vm.vcpus).toHaveLength(2);
      for (const v of vm.vcpus) expect(v.threadId).toBeGreaterThan(0);
      expect(vm.vcpuPercent).toHaveLength(2);
      expect(vm.blockDevices.length).toBeGreaterThanOrEqual(1);
    });

    it('--qmp-socket names the VM by its socket, on every command that samples', async () => {
      const socket = join(dir, 'web-vm.qmp');
      const run = await runBuiltCli(['vms', '--json', '--interval', '200', '--qmp-socket', socket]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).vms.map((v: { id: string }) => v.id)).toEqual(['web-vm']);
      const exported = await runBuiltCli([
        'export',
        '--format',
        'json',
        '--interval',
        '200',
        '--qmp-socket',
        socket,
      ]);
      expect(JSON.parse(exported.stdout).vms.map((v: { name: string }) => v.name)).toEqual([
        'arcbox-cli-vm',
      ]);
      const top = await runBuiltCli(['top', '--count', '1', '--interval', '200', '--vm-dir', dir]);
      expect(top.stdout).toMatch(new RegExp(`^arcbox-cli-vm +qemu +${qemu?.pid} `, 'm'));
    });

    it('--vm-dir finds the VM from its <vm-id>.qmp socket in that folder', async () => {
      const run = await runBuiltCli(['vms', '--json', '--interval', '200', '--vm-dir', dir]);
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(doc.vms.map((v: { id: string; pid: number }) => [v.id, v.pid])).toEqual([
        ['web-vm', qemu?.pid],
      ]);
    });

    it('shows in the VM table of `vms` and of snapshot', async () => {
      const table = await runBuiltCli(['vms', '--interval', '200', '--config', config]);
      expect(table.stdout).toMatch(/^NAME +VMM +PID +CPU % +VCPU %/);
      expect(table.stdout).toMatch(new RegExp(`^arcbox-cli-vm +qemu +${qemu?.pid} `, 'm'));
      const snapshot = await runBuiltCli([
        'snapshot',
        '--json',
        '--interval',
        '200',
        '--config',
        config,
      ]);
      expect(JSON.parse(snapshot.stdout).vms.map((v: { name: string }) => v.name)).toEqual([
        'arcbox-cli-vm',
      ]);
    });
  },
);
