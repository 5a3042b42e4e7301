import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { type Collector, PerfError, type ReadingStamp, type VmReading } from '@arcbox/perf-core';
import { type Clock, defaultClock } from './qemu-vm-source.js';

const KIB = 1024;

/**
 * Parses `virsh domstats --raw`: a `Domain: 'name'` line, then indented `key=value` lines per
 * domain. vcpu.N.time and cpu.time are nanoseconds; block.N.* bytes and requests; net.N.* already in
 * the guest's direction (libvirt turns the tap round); balloon.* in KiB, balloon.available being
 * the guest's total and balloon.usable its available memory. Lines it cannot read are skipped.
 */
export function parseVirshDomstats(
  text: string,
  stamp: ReadingStamp,
  hostCpuCount: number,
): VmReading[] {
  const domains: Array<{ name: string; stats: Map<string, string> }> = [];
  for (const line of text.split('\n')) {
    const head = /^Domain:\s*'(.*)'\s*$/.exec(line);
    if (head) {
      domains.push({ name: head[1] ?? '', stats: new Map() });
      continue;
    }
    const kv = /^\s+([^=\s]+)=(.*)$/.exec(line);
    if (kv && domains.length > 0) domains[domains.length - 1]!.stats.set(kv[1]!, kv[2]!.trim());
  }
  return domains.map(({ name, stats }) => {
    const num = (key: string): number | null => {
      const v = stats.get(key);
      if (v === undefined || v === '') return null;
      const n = Number(v);
      return Number.isFinite(n) ? n : null;
    };
    const count = (prefix: string) => num(`${prefix}.count`) ?? 0;
    const vcpus = [];
    const vcpuCount = num('vcpu.current') ?? num('vcpu.maximum') ?? 0;
    for (let i = 0; i < vcpuCount; i++) {
      const ns = num(`vcpu.${i}.time`);
      vcpus.push({ index: i, threadId: null, cpuSeconds: ns === null ? null : ns / 1e9 });
    }
    const blockDevices = [];
    for (let i = 0; i < count('block'); i++) {
      const b = `block.${i}`;
      blockDevices.push({
        device: stats.get(`${b}.name`) ?? String(i),
        readBytes: num(`${b}.rd.bytes`),
        writeBytes: num(`${b}.wr.bytes`),
        readOps: num(`${b}.rd.reqs`),
        writeOps: num(`${b}.wr.reqs`),
        flushOps: num(`${b}.fl.reqs`),
        readTimeNs: num(`${b}.rd.times`),
        writeTimeNs: num(`${b}.wr.times`),
        flushTimeNs: num(`${b}.fl.times`),
      });
    }
    const netDevices = [];
    for (let i = 0; i < count('net'); i++) {
      const n = `net.${i}`;
      const backend = stats.get(`${n}.name`) ?? null;
      netDevices.push({
        device: backend ?? String(i),
        backend,
        rxBytes: num(`${n}.rx.bytes`),
        txBytes: num(`${n}.tx.bytes`),
        rxPackets: num(`${n}.rx.pkts`),
        txPackets: num(`${n}.tx.pkts`),
      });
    }
    const total = num('balloon.available');
    const available = num('balloon.usable');
    const cpuNs = num('cpu.time');
    const configured = num('balloon.current');
    const fromBalloon = total !== null;
    return {
      ...stamp,
      id: name,
      name,
      vmm: 'libvirt' as const,
      pid: null,
      vcpus,
      processCpuSeconds: cpuNs === null ? null : cpuNs / 1e9,
      hostCpuCount,
      memoryTotal: fromBalloon ? total * KIB : configured === null ? null : configured * KIB,
      memoryAvailable: fromBalloon && available !== null ? available * KIB : null,
      memoryUsed: fromBalloon && available !== null ? Math.max(0, total - available) * KIB : null,
      memoryDiskCaches:
        fromBalloon && num('balloon.disk_caches') !== null
          ? num('balloon.disk_caches')! * KIB
          : null,
      memorySource: fromBalloon
        ? ('balloon' as const)
        : configured === null
          ? null
          : ('configured' as const),
      blockDevices,
      netDevices,
      problems: [],
    };
  });
}

export interface LibvirtCollectorOptions {
  /** libvirt URI (`qemu:///system`); virsh's default otherwise. */
  uri?: string;
  /** The virsh binary. */
  virsh?: string;
  clock?: Clock;
  timeoutMs?: number;
  hostCpuCount?: number;
}

/** Every running libvirt domain, from one `virsh domstats --raw` run (execFile, no shell). */
export function createLibvirtVmCollector(
  options: LibvirtCollectorOptions = {},
): Collector<VmReading[]> {
  const clock = options.clock ?? defaultClock;
  const args = [...(options.uri ? ['-c', options.uri] : []), 'domstats', '--raw'];
  return {
    name: 'vms',
    collect: ({ signal }) =>
      new Promise((resolve, reject) => {
        execFile(
          options.virsh ?? 'virsh',
          args,
          {
            signal,
            timeout: options.timeoutMs ?? 5000,
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
          },
          (error, stdout, stderr) => {
            if (error) {
              reject(
                new PerfError(
                  'COMMAND_FAILED',
                  `virsh domstats failed: ${stderr.trim() || error.message}`,
                  { cause: error },
                ),
              );
              return;
            }
            resolve(
              parseVirshDomstats(stdout, clock(), options.hostCpuCount ?? availableParallelism()),
            );
          },
        );
      }),
  };
}
