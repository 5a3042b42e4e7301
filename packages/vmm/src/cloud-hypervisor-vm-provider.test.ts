// Cloud Hypervisor cannot run here (no /dev/kvm): API sockets in a directory served by constructed
// HTTP servers answering in the documented shape. Not yet proven against a live VMM.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeServer, serveJson } from '../test-support/json-socket-server.js';
import { defaultApiSocketDir } from './api-socket-dir.js';
import { createCloudHypervisorVmProvider } from './cloud-hypervisor-vm-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-chp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const counters = (readBytes: number) =>
  JSON.stringify({ _disk0: { read_bytes: readBytes, write_bytes: 0, read_ops: 1, write_ops: 0 } });
const info = '{"config":{"memory":{"size":536870912}}}';

describe('createCloudHypervisorVmProvider (constructed API servers)', () => {
  it('finds one VM per <id>.sock in its directory, and drops one whose socket went away', async () => {
    const vmDir = join(dir, 'cloud-hypervisor');
    mkdirSync(vmDir);
    writeFileSync(join(vmDir, 'notes.txt'), 'not a VM\n');
    const servers = await Promise.all(
      (['a', 'b'] as const).map((id, i) =>
        serveJson(join(vmDir, `${id}.sock`), {
          '/api/v1/vm.counters': { status: 200, body: counters(1000 * (i + 1)) },
          '/api/v1/vm.info': { status: 200, body: info },
        }),
      ),
    );
    const provider = createCloudHypervisorVmProvider({ dir: vmDir, timeoutMs: 1000 });
    try {
      const list = await provider.list();
      expect(list.map((r) => [r.id, r.vmm, r.blockDevices[0]?.readBytes, r.memoryTotal])).toEqual([
        ['a', 'cloud-hypervisor', 1000, 536870912],
        ['b', 'cloud-hypervisor', 2000, 536870912],
      ]);
      expect(list.every((r) => r.problems.length === 0)).toBe(true);
      expect((await provider.read('b'))?.blockDevices[0]?.readBytes).toBe(2000);

      await closeServer(servers[0]!);
      rmSync(join(vmDir, 'a.sock'), { force: true }); // closing the server may have removed it
      expect((await provider.list()).map((r) => r.id)).toEqual(['b']);
      expect(await provider.read('a')).toBeNull();
    } finally {
      provider.close();
      await closeServer(servers[1]!);
    }
  });

  it('gives a stale socket a reading with a problem, and a missing directory no VMs', async () => {
    const vmDir = join(dir, 'stale');
    mkdirSync(vmDir);
    // The file stays with nobody listening, as after a VMM crash.
    writeFileSync(join(vmDir, 'gone.sock'), '');
    const provider = createCloudHypervisorVmProvider({ dir: vmDir, timeoutMs: 500 });
    const [gone] = await provider.list();
    expect(gone).toMatchObject({ id: 'gone', vmm: 'cloud-hypervisor', memoryTotal: null });
    expect(gone!.problems[0]!.code).toBe('CONNECTION_ERROR');
    expect(await createCloudHypervisorVmProvider({ dir: join(dir, 'none') }).list()).toEqual([]);
  });

  it('defaults to $XDG_RUNTIME_DIR/arcbox/cloud-hypervisor, else /run/arcbox/cloud-hypervisor', () => {
    expect(defaultApiSocketDir('cloud-hypervisor', { XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(
      '/run/user/1000/arcbox/cloud-hypervisor',
    );
    expect(defaultApiSocketDir('firecracker', {})).toBe('/run/arcbox/firecracker');
  });
});
