// Cloud Hypervisor and Firecracker cannot run here (no /dev/kvm): their API sockets are served by
// constructed HTTP servers in the documented shape (counters moving between readings), and
// Firecracker's metrics file grows by a flush per reading. libvirt is the real virsh with
// libvirt's built-in test driver (test:///default: one running domain, no daemon).
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSources } from '../config/resolve-sources.js';
import type { PerfSample } from '../perf-monitor.js';
import { recordSamples } from './record-samples.js';
import { type ReplayedSample, replaySamples } from './replay-samples.js';
import { serveJson } from './testing/serve-json.js';

const hasVirsh = (() => {
  try {
    execFileSync('virsh', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const base = mkdtempSync(join(tmpdir(), 'arcbox-record-vmms-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const flush = (n: number) =>
  `${JSON.stringify({
    block_rootfs: { read_bytes: 4096 * n, write_bytes: 512, read_count: n, write_count: 1 },
    net_eth0: { rx_bytes_count: 100, tx_bytes_count: 50, rx_packets_count: 2, tx_packets_count: 1 },
  })}\n`;

describe.runIf(process.platform === 'linux')(
  'recordSamples -> replaySamples of Cloud Hypervisor, Firecracker and libvirt VMs',
  () => {
    const chDir = join(base, 'cloud-hypervisor');
    const fcDir = join(base, 'firecracker');
    const rec = join(base, 'rec');
    const servers: Array<{ close(): Promise<void> }> = [];
    const live: PerfSample[] = [];
    const replayed: ReplayedSample[] = [];
    beforeAll(async () => {
      mkdirSync(chDir);
      mkdirSync(fcDir);
      let counted = 0;
      servers.push(
        await serveJson(join(chDir, 'ch1.sock'), (path) => {
          if (path === '/api/v1/vm.info')
            return { status: 200, body: { config: { memory: { size: 536870912 } } } };
          if (path !== '/api/v1/vm.counters') return undefined;
          counted += 1;
          return {
            status: 200,
            body: {
              _disk0: {
                read_bytes: 1_000_000 * counted,
                write_bytes: 0,
                read_ops: counted,
                write_ops: 0,
              },
              _net1: { rx_bytes: 10 * counted, tx_bytes: 5, rx_frames: counted, tx_frames: 1 },
            },
          };
        }),
      );
      // A socket nobody serves, as after a VMM crash: its failure is recorded and replayed.
      writeFileSync(join(chDir, 'gone.sock'), '');
      servers.push(
        await serveJson(join(fcDir, 'fc1.sock'), (path) =>
          path === '/balloon/statistics'
            ? { status: 200, body: { total_memory: 1000, available_memory: 400 } }
            : undefined,
        ),
      );
      writeFileSync(join(fcDir, 'fc1.metrics'), flush(1));
      const summary = await recordSamples({
        dir: rec,
        count: 3,
        intervalMs: 50,
        sources: resolveSources({
          sources: {
            containers: { enabled: false },
            filesystems: { enabled: false },
            processes: { enabled: false },
            vms: {
              // Not a test of timeouts: a loaded machine once took 1.95 s for `virsh`, and a call
              // cut off by its deadline is not a reply the replay can give back.
              timeout: '10s',
              qemu: { enabled: false },
              cloudHypervisor: { socketDir: chDir },
              firecracker: { socketDir: fcDir },
              ...(hasVirsh ? { libvirt: { uri: 'test:///default' } } : {}),
            },
          },
        }),
        onSample: (sample, reading) => {
          live.push(sample);
          appendFileSync(join(fcDir, 'fc1.metrics'), flush(reading + 1));
        },
      });
      expect(summary.kinds).toEqual(['system', 'vms']);
      for await (const s of replaySamples(rec, { alerts: false })) replayed.push(s);
    });
    afterAll(async () => {
      for (const s of servers) await s.close();
    });

    it('replays exactly what the recording computed live', () => {
      expect(replayed).toHaveLength(2);
      for (const [i, sample] of replayed.entries()) {
        const { pair: _, ...computed } = sample;
        expect(computed).toEqual(live[i + 1]);
      }
    });

    it('gives each VMM its VMs, rates over the recorded interval, and the dead socket its problem', () => {
      const last = replayed[1]!;
      const byId = new Map(last.vms.map((v) => [v.id, v]));
      expect([...byId.keys()].sort()).toEqual(
        ['ch1', 'fc1', 'gone', ...(hasVirsh ? ['test'] : [])].sort(),
      );
      const ch1 = byId.get('ch1')!;
      expect(ch1).toMatchObject({ vmm: 'cloud-hypervisor', memoryTotal: 536870912 });
      // One more vm.counters request per reading: +1 MB read per recorded interval.
      expect(ch1.virtioBlkReadBps).toBeCloseTo(1_000_000 / (ch1.intervalMs! / 1000), 3);
      expect(byId.get('gone')!.problems[0]).toMatchObject({ code: 'CONNECTION_ERROR' });
      const fc1 = byId.get('fc1')!;
      expect(fc1).toMatchObject({ vmm: 'firecracker', memoryTotal: 1000, memoryUsed: 600 });
      // Reading 3's file holds flushes 1..3: read bytes 4096 x (1 + 2 + 3).
      expect(fc1.blockDevices[0]).toMatchObject({ device: 'rootfs', readBytes: 4096 * 6 });
      expect(fc1.virtioBlkReadBps).toBeCloseTo((4096 * 3) / (fc1.intervalMs! / 1000), 3);
      if (hasVirsh) expect(byId.get('test')).toMatchObject({ vmm: 'libvirt', name: 'test' });
    });

    it("keeps every VMM's inputs in the reading folder, with each VM's sockets", () => {
      const folder = join(rec, 'readings', '0002');
      expect(
        JSON.parse(readFileSync(join(folder, 'vmm/cloud-hypervisor/ch1/target.json'), 'utf8')),
      ).toEqual({
        id: 'ch1',
        apiSocket: join(chDir, 'ch1.sock'),
      });
      expect(
        JSON.parse(
          readFileSync(join(folder, 'vmm/cloud-hypervisor/ch1/api_v1_vm.counters.json'), 'utf8'),
        ),
      ).toMatchObject({ return: { _disk0: { read_bytes: 2_000_000 } } });
      // A reading folder replays on its own: what a source learns once is asked in each.
      expect(existsSync(join(folder, 'vmm/cloud-hypervisor/ch1/api_v1_vm.info.json'))).toBe(true);
      expect(
        JSON.parse(
          readFileSync(join(folder, 'vmm/cloud-hypervisor/gone/api_v1_vm.counters.json'), 'utf8'),
        ),
      ).toMatchObject({ error: { code: 'CONNECTION_ERROR' } });
      expect(readFileSync(join(folder, 'vmm/firecracker/fc1/metrics'), 'utf8')).toBe(
        flush(1) + flush(2),
      );
      expect(
        JSON.parse(readFileSync(join(folder, 'vmm/firecracker/fc1/target.json'), 'utf8')),
      ).toEqual({
        id: 'fc1',
        apiSocket: join(fcDir, 'fc1.sock'),
        metricsPath: join(fcDir, 'fc1.metrics'),
      });
      if (hasVirsh)
        expect(readFileSync(join(folder, 'vmm/libvirt/virsh.txt'), 'utf8')).toMatch(
          /^Domain: 'test'/,
        );
      expect(JSON.parse(readFileSync(join(rec, 'sources.json'), 'utf8')).vms.vmms).toEqual([
        'cloud-hypervisor',
        'firecracker',
        ...(hasVirsh ? ['libvirt'] : []),
      ]);
    });
  },
);
