// The input is CONSTRUCTED in the documented `virsh domstats --raw` format (virsh(1), "domstats"):
// values raw, vcpu/cpu times in ns, balloon in KiB. libvirt-vm.vm.test.ts reads a live libvirt 9.0.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { badCountText } from '../test-support/bad-counts.js';
import { createLibvirtVmCollector, parseVirshDomstats } from './libvirt-domstats.js';

const text = `Domain: 'web1'
  state.state=1
  cpu.time=9500000000
  balloon.current=1048576
  balloon.maximum=1048576
  balloon.unused=700000
  balloon.available=1000000
  balloon.usable=800000
  balloon.disk_caches=50000
  vcpu.current=2
  vcpu.maximum=2
  vcpu.0.state=1
  vcpu.0.time=3000000000
  vcpu.1.state=1
  vcpu.1.time=5000000000
  net.count=1
  net.0.name=vnet3
  net.0.rx.bytes=1200
  net.0.rx.pkts=12
  net.0.tx.bytes=800
  net.0.tx.pkts=8
  block.count=1
  block.0.name=vda
  block.0.rd.reqs=10
  block.0.rd.bytes=40960
  block.0.rd.times=1000000
  block.0.wr.reqs=5
  block.0.wr.bytes=20480
  block.0.wr.times=2000000
  block.0.fl.reqs=1
  block.0.fl.times=300
this line is odd

Domain: 'idle'
  state.state=5
  balloon.current=524288
`;

describe('parseVirshDomstats (constructed input in the documented format)', () => {
  const stamp = { monotonicMs: 1, time: 2 };
  it('reads vCPU times, blocks, NICs (guest view) and balloon memory in bytes', () => {
    const [web, idle] = parseVirshDomstats(text, stamp, 4);
    expect(web).toMatchObject({
      id: 'web1',
      vmm: 'libvirt',
      processCpuSeconds: 9.5,
      memoryTotal: 1000000 * 1024,
      memoryAvailable: 800000 * 1024,
      memoryUsed: 200000 * 1024,
      memoryDiskCaches: 50000 * 1024,
      memorySource: 'balloon',
    });
    expect(web!.vcpus).toEqual([
      { index: 0, threadId: null, cpuSeconds: 3 },
      { index: 1, threadId: null, cpuSeconds: 5 },
    ]);
    expect(web!.blockDevices[0]).toMatchObject({
      device: 'vda',
      readBytes: 40960,
      writeOps: 5,
      flushOps: 1,
    });
    expect(web!.netDevices[0]).toEqual({
      device: 'vnet3',
      backend: 'vnet3',
      rxBytes: 1200,
      txBytes: 800,
      rxPackets: 12,
      txPackets: 8,
    });
    expect(idle).toMatchObject({
      id: 'idle',
      vcpus: [],
      memoryTotal: 524288 * 1024,
      memoryUsed: null,
      memorySource: 'configured',
    });
  });

  it('makes a value that is not a non-negative integer null and a problem of its domain', () => {
    const [good] = parseVirshDomstats(text, stamp, 4);
    const where: Record<string, (r: NonNullable<typeof good>) => unknown> = {
      'cpu.time': (r) => r.processCpuSeconds,
      'vcpu.1.time': (r) => r.vcpus[1]!.cpuSeconds,
      'block.0.rd.bytes': (r) => r.blockDevices[0]!.readBytes,
      'block.0.wr.reqs': (r) => r.blockDevices[0]!.writeOps,
      'block.0.fl.times': (r) => r.blockDevices[0]!.flushTimeNs,
      'net.0.rx.bytes': (r) => r.netDevices[0]!.rxBytes,
      'net.0.tx.pkts': (r) => r.netDevices[0]!.txPackets,
      'balloon.disk_caches': (r) => r.memoryDiskCaches,
      'balloon.usable': (r) => r.memoryAvailable,
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(where)), badCountText, (key, bad) => {
        const line = new RegExp(`^(  ${key.replace(/\./g, '\\.')})=.*$`, 'm');
        const spoiled = text.replace(line, (_, name: string) => `${name}=${bad}`);
        const [web, idle] = parseVirshDomstats(spoiled, stamp, 4);
        expect(where[key]!(web!)).toBeNull();
        expect(web!.problems).toEqual([
          expect.objectContaining({
            source: 'virsh domstats',
            code: 'PARSE_ERROR',
            message: expect.stringContaining(`${key} is`),
          }),
        ]);
        // Only that field: the rest of the domain, and the other domain, as before.
        expect(Object.keys(where).filter((k) => where[k]!(web!) === null)).toEqual([key]);
        expect(idle!.problems).toEqual([]);
        if (key === 'balloon.usable') expect(web!.memoryUsed).toBeNull();
        else expect(web!.memoryUsed).toBe(good!.memoryUsed);
      }),
    );
  });

  it('does not believe a count larger than the domain’s output (no long loop on a bad reply)', () => {
    // A loop to 4e9 would outlast the test's timeout.
    const [web] = parseVirshDomstats(
      text
        .replace('vcpu.current=2', 'vcpu.current=4000000000')
        .replace('block.count=1', 'block.count=-1'),
      stamp,
      4,
    );
    expect(web!.vcpus).toEqual([]);
    expect(web!.blockDevices).toEqual([]);
    expect(web!.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('vcpu.current is 4000000000, more than'),
      'block.count is "-1", not a non-negative integer',
    ]);
  });

  it('gives nothing for empty output', () => {
    expect(parseVirshDomstats('', stamp, 1)).toEqual([]);
  });

  it('fails with COMMAND_FAILED when virsh cannot run', async () => {
    const collector = createLibvirtVmCollector({ virsh: '/nonexistent/virsh' });
    await expect(collector.collect({ signal: new AbortController().signal })).rejects.toMatchObject(
      {
        code: 'COMMAND_FAILED',
      },
    );
  });
});
