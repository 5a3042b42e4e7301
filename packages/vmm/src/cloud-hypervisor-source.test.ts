// Cloud Hypervisor cannot run here (no /dev/kvm): these payloads are CONSTRUCTED in the shape its
// API documents (vm.counters: device id -> counter map; vm.info: config.memory.size), served by a
// real HTTP server on a unix socket. Not yet proven against a live VMM.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileReader, createProcThreadReader } from '@arcbox/perf-linux';
import type { SourceProblem } from '@arcbox/perf-core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { badCountValue } from '../test-support/bad-counts.js';
import {
  createCloudHypervisorVmSource,
  parseCloudHypervisorCounters,
  parseCloudHypervisorMemorySize,
} from './cloud-hypervisor-source.js';
import { createVmSourcesCollector } from './vm-sources-collector.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-ch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// u64::MAX latency markers written as the literal digits, the way Cloud Hypervisor's JSON has them.
const countersText = `{"_disk0":{"read_bytes":1048576,"write_bytes":524288,"read_ops":256,"write_ops":128,"read_latency_min":18446744073709551615,"read_latency_max":0},"_net1":{"rx_bytes":9000,"rx_frames":60,"tx_bytes":3000,"tx_frames":30},"_rng2":{"entropy_bytes":64}}`;
const infoText =
  '{"config":{"cpus":{"boot_vcpus":2,"max_vcpus":2},"memory":{"size":536870912}},"state":"Running"}';

function serve(
  path: string,
  routes: Record<string, { status: number; body: string } | 'hang'>,
): Promise<Server> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route === 'hang') return;
    res.writeHead(route?.status ?? 404, { 'Content-Type': 'application/json' });
    res.end(route?.body ?? '');
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

describe('Cloud Hypervisor source (constructed payloads, not yet proven against a live VMM)', () => {
  it('parses vm.counters: disks and NICs by device id, u64::MAX latencies ignored, other devices skipped', () => {
    expect(parseCloudHypervisorCounters(JSON.parse(countersText))).toEqual({
      blockDevices: [
        {
          device: '_disk0',
          readBytes: 1048576,
          writeBytes: 524288,
          readOps: 256,
          writeOps: 128,
          flushOps: null,
          readTimeNs: null,
          writeTimeNs: null,
          flushTimeNs: null,
        },
      ],
      netDevices: [
        {
          device: '_net1',
          backend: null,
          rxBytes: 9000,
          txBytes: 3000,
          rxPackets: 60,
          txPackets: 30,
        },
      ],
    });
    expect(() => parseCloudHypervisorCounters([])).toThrow(/vm.counters/);
  });

  it('makes a counter that is not a non-negative integer null and a problem, never a number', () => {
    const good = parseCloudHypervisorCounters(JSON.parse(countersText));
    const fields = {
      '_disk0 read_bytes': ['blockDevices', 'readBytes'],
      '_disk0 write_bytes': ['blockDevices', 'writeBytes'],
      '_disk0 read_ops': ['blockDevices', 'readOps'],
      '_disk0 write_ops': ['blockDevices', 'writeOps'],
      '_net1 rx_bytes': ['netDevices', 'rxBytes'],
      '_net1 tx_bytes': ['netDevices', 'txBytes'],
      '_net1 rx_frames': ['netDevices', 'rxPackets'],
      '_net1 tx_frames': ['netDevices', 'txPackets'],
    } as const;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(fields)), badCountValue, (name, bad) => {
        const [device, key] = name.split(' ') as [string, string];
        const reply = JSON.parse(countersText);
        reply[device][key] = bad;
        const problems: SourceProblem[] = [];
        const parsed = parseCloudHypervisorCounters(reply, problems);
        const [list, field] = fields[name as keyof typeof fields];
        expect(parsed[list][0]).toEqual({ ...good[list][0], [field]: null });
        expect(problems).toEqual([
          expect.objectContaining({
            source: 'cloud-hypervisor vm.counters',
            code: 'PARSE_ERROR',
            message: expect.stringContaining(`${name} is`),
          }),
        ]);
      }),
    );
    fc.assert(
      fc.property(badCountValue, (bad) => {
        const problems: SourceProblem[] = [];
        expect(
          parseCloudHypervisorMemorySize({ config: { memory: { size: bad } } }, problems),
        ).toBeNull();
        expect(problems).toHaveLength(1);
      }),
    );
  });

  it('reads a VM over the API socket, vCPUs from threads named vcpuN', async () => {
    const apiSocket = join(dir, 'ch.sock');
    const server = await serve(apiSocket, {
      '/api/v1/vm.counters': { status: 200, body: countersText },
      '/api/v1/vm.info': { status: 200, body: infoText },
    });
    const root = join(dir, 'proc-root');
    for (const [tid, comm, stat] of [
      ['100', 'cloud-hypervisor', '100 (cloud-hypervisor) S 1 100 100 0 -1 0 0 0 0 0 300 100 0 0'],
      ['101', 'vcpu0', '101 (vcpu0) S 1 100 100 0 -1 0 0 0 0 0 150 50 0 0'],
      ['102', 'vcpu1', '102 (vcpu1) S 1 100 100 0 -1 0 0 0 0 0 40 10 0 0'],
    ] as const) {
      mkdirSync(join(root, 'proc/100/task', tid), { recursive: true });
      writeFileSync(join(root, 'proc/100/task', tid, 'comm'), `${comm}\n`);
      writeFileSync(join(root, 'proc/100/task', tid, 'stat'), `${stat}\n`);
    }
    writeFileSync(
      join(root, 'proc/100/stat'),
      '100 (cloud-hypervisor) S 1 100 100 0 -1 0 0 0 0 0 600 200 0 0\n',
    );
    const threads = createProcThreadReader({ reader: createFileReader({ root, keepOpen: false }) });
    const collector = createVmSourcesCollector([
      createCloudHypervisorVmSource({ id: 'ch1', apiSocket, pid: 100 }, { threads }),
    ]);
    try {
      const [r] = await collector.collect({ signal: new AbortController().signal });
      expect(r).toMatchObject({
        id: 'ch1',
        vmm: 'cloud-hypervisor',
        pid: 100,
        processCpuSeconds: 8,
        memoryTotal: 536870912,
        memoryUsed: null,
        memorySource: 'configured',
        problems: [],
      });
      expect(r!.vcpus).toEqual([
        { index: 0, threadId: 101, cpuSeconds: 2 },
        { index: 1, threadId: 102, cpuSeconds: 0.5 },
      ]);
      expect(r!.netDevices[0]!.rxBytes).toBe(9000);
    } finally {
      collector.close();
      server.close();
    }
  });

  it('turns an HTTP error, a hang or no socket into a per-VM problem', async () => {
    const failing = join(dir, 'fail.sock');
    const hanging = join(dir, 'hang.sock');
    const s1 = await serve(failing, {
      '/api/v1/vm.counters': { status: 500, body: '{"error":"VM not booted"}' },
    });
    const s2 = await serve(hanging, { '/api/v1/vm.counters': 'hang' });
    const collector = createVmSourcesCollector([
      createCloudHypervisorVmSource({ id: 'fail', apiSocket: failing }, { timeoutMs: 300 }),
      createCloudHypervisorVmSource({ id: 'hang', apiSocket: hanging }, { timeoutMs: 300 }),
      createCloudHypervisorVmSource(
        { id: 'none', apiSocket: join(dir, 'none.sock') },
        { timeoutMs: 300 },
      ),
    ]);
    try {
      const readings = await collector.collect({ signal: new AbortController().signal });
      expect(readings.map((r) => r.problems[0]?.code)).toEqual([
        'COMMAND_FAILED',
        'TIMEOUT',
        'CONNECTION_ERROR',
      ]);
      expect(readings[0]!.problems[0]!.message).toContain('VM not booted');
      expect(readings.every((r) => r.vcpus.length === 0 && r.memoryTotal === null)).toBe(true);
    } finally {
      collector.close();
      s1.close();
      s2.closeAllConnections();
      s2.close();
    }
  });
});
