import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
      expect(run.stdout).not.toMatch(escapeCode);
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
