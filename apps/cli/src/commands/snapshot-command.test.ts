import {
  containerNumericFields,
  filesystemKind,
  storedFieldNames,
  systemNumericFields,
} from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { escapeCode, runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';

const onLinux = process.platform === 'linux';

describe('arcbox-perf snapshot (built binary; the live readings need Linux)', () => {
  it.skipIf(!onLinux)(
    '--json prints one document that validates against snapshot.schema.json',
    async () => {
      const run = await runBuiltCli(['snapshot', '--json', '--interval', '200']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const doc = JSON.parse(lines[0]!);
      const validate = schemaValidator('snapshot');
      expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      // Two readings 200 ms apart: rates exist and cover about that interval.
      expect(doc.system.intervalMs).toBeGreaterThanOrEqual(150);
      expect(doc.system.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(doc.system.cpuPerCore.length).toBe(doc.system.cpuCount);
      expect(doc.system.memoryTotal).toBeGreaterThan(0);
    },
  );

  it.skipIf(!onLinux)(
    'prints a readable report without escape codes when not on a terminal',
    async () => {
      const run = await runBuiltCli(['snapshot', '--interval', '100']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^CPU +\d+\.\d %/m);
      expect(run.stdout).toMatch(/^Memory +used /m);
      expect(run.stdout).not.toMatch(escapeCode);
    },
  );

  it.skipIf(!onLinux)(
    '--root reads another proc/sys tree, and a missing one is a clear error',
    async () => {
      const run = await runBuiltCli([
        'snapshot',
        '--root',
        '/nonexistent-arcbox-root',
        '--interval',
        '50',
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/arcbox-perf: error: .*proc\/stat/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const debug = await runBuiltCli([
        'snapshot',
        '--root',
        '/nonexistent-arcbox-root',
        '--interval',
        '50',
        '--debug',
      ]);
      expect(debug.code).toBe(1);
      expect(debug.stderr).toMatch(/\n\s+at /);
    },
  );

  it.skipIf(!onLinux)(
    '--json holds every kind: the mounted filesystems too, and what was not found',
    async () => {
      const run = await runBuiltCli([
        'snapshot',
        '--json',
        '--interval',
        '100',
        '--vm-dir',
        '/nonexistent-arcbox-vms',
      ]);
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      const validate = schemaValidator('snapshot');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(Object.keys(doc)).toEqual([
        'kind',
        'version',
        'system',
        'containers',
        'vms',
        'filesystems',
        'processes',
        'gpus',
        'collectors',
        'notes',
      ]);
      // The kept processes only: at most the top 10 by CPU, by memory and by I/O.
      expect(doc.processes.length).toBeGreaterThan(0);
      expect(doc.processes.length).toBeLessThanOrEqual(30);
      const root = doc.filesystems.find((f: { mountPoint: string }) => f.mountPoint === '/');
      expect(root.sizeBytes).toBeGreaterThan(0);
      expect(root.usedBytes + root.freeBytes).toBe(root.sizeBytes);
      expect(doc.collectors.map((c: { name: string }) => c.name)).toContain('filesystems');
      expect(doc.notes).toEqual([
        '--vm-dir /nonexistent-arcbox-vms does not exist (yet): no VMs there',
      ]);
    },
  );

  it.skipIf(!onLinux)(
    'says for every kind whether it was looked for, where, and what was found',
    async () => {
      const run = await runBuiltCli([
        'snapshot',
        '--interval',
        '100',
        '--no-containers',
        '--vm-dir',
        '/nonexistent-arcbox-vms',
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Containers: not looked for$/m);
      expect(run.stdout).toMatch(
        /^VMs: none found \(looked for QEMU sockets in \/nonexistent-arcbox-vms\)\n {2}note: --vm-dir \/nonexistent-arcbox-vms does not exist \(yet\): no VMs there$/m,
      );
      expect(run.stdout).toMatch(
        /^Filesystems \(\d+\)\n {2}MOUNT +TYPE +SIZE +USED +AVAIL +USE % +RO$/m,
      );
      expect(run.stdout).toMatch(/^ {2}\/ +\S+ +\d+\.\d \w?i?B /m);
      const off = await runBuiltCli(['snapshot', '--interval', '50', '--no-filesystems']);
      expect(off.stdout).toMatch(/^Filesystems: not looked for$/m);
    },
  );

  it('rejects a bad interval as a usage error (exit 2)', async () => {
    const run = await runBuiltCli(['snapshot', '--interval', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--interval/);
    expect(run.stdout).toBe('');
  });

  it('the schema requires every numeric system field core defines', () => {
    const validate = schemaValidator('snapshot');
    const defs = (validate.schema as { $defs: Record<string, { required: string[] }> }).$defs;
    expect(defs.systemMetrics!.required).toEqual(expect.arrayContaining([...systemNumericFields]));
    expect(defs.containerMetrics!.required).toEqual(
      expect.arrayContaining([...containerNumericFields]),
    );
    expect(defs.filesystemMetrics!.required).toEqual(
      expect.arrayContaining(storedFieldNames(filesystemKind)),
    );
  });
});
