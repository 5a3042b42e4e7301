// Firecracker cannot run here (no /dev/kvm): a directory of API sockets served by constructed HTTP
// servers and metrics files in the documented shape. Not yet proven against a live VMM.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeServer, serveJson } from '../test-support/json-socket-server.js';
import { createCloudHypervisorVmProvider } from './cloud-hypervisor-vm-provider.js';
import { createFirecrackerVmProvider } from './firecracker-vm-provider.js';
import { createVmCollector } from './vm-collector.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-fcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flush = `${JSON.stringify({
  block_rootfs: { read_bytes: 4096, write_bytes: 512, read_count: 1, write_count: 1 },
  net_eth0: { rx_bytes_count: 100, tx_bytes_count: 50, rx_packets_count: 2, tx_packets_count: 1 },
})}\n`;
const balloon = '{"total_memory":1000,"available_memory":400}';

describe('createFirecrackerVmProvider (constructed API servers and metrics files)', () => {
  it('finds <id>.sock with its <id>.metrics beside it; a VM without the file says which it wanted', async () => {
    const vmDir = join(dir, 'firecracker');
    mkdirSync(vmDir);
    writeFileSync(join(vmDir, 'fc1.metrics'), flush);
    const servers = await Promise.all(
      ['fc1', 'fc2'].map((id) =>
        serveJson(join(vmDir, `${id}.sock`), {
          '/balloon/statistics': { status: 200, body: balloon },
        }),
      ),
    );
    const provider = createFirecrackerVmProvider({ dir: vmDir, timeoutMs: 1000 });
    try {
      const [fc1, fc2] = await provider.list();
      expect(fc1).toMatchObject({
        id: 'fc1',
        vmm: 'firecracker',
        memoryTotal: 1000,
        memoryUsed: 600,
        memorySource: 'balloon',
        problems: [],
      });
      expect(fc1!.blockDevices.map((d) => [d.device, d.readBytes])).toEqual([['rootfs', 4096]]);
      expect(fc1!.netDevices.map((d) => [d.device, d.rxBytes])).toEqual([['eth0', 100]]);
      expect(fc2).toMatchObject({ id: 'fc2', vmm: 'firecracker', memoryTotal: null });
      expect(fc2!.problems[0]).toMatchObject({ code: 'READ_ERROR' });
      expect(fc2!.problems[0]!.message).toContain(join(vmDir, 'fc2.metrics'));
    } finally {
      provider.close();
      await Promise.all(servers.map(closeServer));
    }
  });

  it('tells Cloud Hypervisor and Firecracker sockets apart by their directory in the merged collector', async () => {
    const fcDir = join(dir, 'merged-fc');
    const chDir = join(dir, 'merged-ch');
    mkdirSync(fcDir);
    mkdirSync(chDir);
    writeFileSync(join(fcDir, 'vm.metrics'), flush);
    const servers = [
      await serveJson(join(fcDir, 'vm.sock'), {
        '/balloon/statistics': { status: 200, body: balloon },
      }),
      await serveJson(join(chDir, 'vm.sock'), {
        '/api/v1/vm.counters': { status: 200, body: '{}' },
        '/api/v1/vm.info': { status: 200, body: '{"config":{"memory":{"size":2048}}}' },
      }),
    ];
    const collector = createVmCollector({
      providers: [
        createCloudHypervisorVmProvider({ dir: chDir }),
        createFirecrackerVmProvider({ dir: fcDir }),
      ],
    });
    try {
      const list = await collector.collect({ signal: new AbortController().signal });
      expect(list.map((r) => [r.id, r.vmm, r.memoryTotal])).toEqual([
        ['vm', 'cloud-hypervisor', 2048],
        ['firecracker:vm', 'firecracker', 1000],
      ]);
    } finally {
      await collector.close();
      await Promise.all(servers.map(closeServer));
    }
  });
});
