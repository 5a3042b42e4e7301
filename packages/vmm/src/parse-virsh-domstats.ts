import type {
  ReadingStamp,
  SourceProblem,
  VcpuReading,
  VirtioBlkReading,
  VirtioNetReading,
  VmReading,
} from '@arcbox/perf-core';
import { countText, scaledCount } from './count-field.js';

const KIB = 1024;
const SOURCE = 'virsh domstats';

/**
 * Parses `virsh domstats --raw`: a `Domain: 'name'` line, then indented `key=value` lines per
 * domain. vcpu.N.time and cpu.time are nanoseconds; block.N.* bytes and requests; net.N.* already in
 * the guest's direction (libvirt turns the tap round); balloon.* in KiB, balloon.available being
 * the guest's total and balloon.usable its available memory. Lines it cannot read are skipped.
 * Every value read is a non-negative integer: anything else is null and a problem of that domain,
 * and a count (vcpu.current, block.count, net.count) above the number of the domain's lines is
 * not believed, so a bad reply cannot make it loop for long.
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
  return domains.map(({ name, stats }) => readDomain(name, stats, stamp, hostCpuCount));
}

function readDomain(
  name: string,
  stats: Map<string, string>,
  stamp: ReadingStamp,
  hostCpuCount: number,
): VmReading {
  const problems: SourceProblem[] = [];
  const num = (key: string): number | null =>
    countText(stats.get(key), { source: SOURCE, field: key }, problems);
  const kib = (key: string): number | null =>
    scaledCount(num(key), KIB, { source: SOURCE, field: key }, problems);
  const seconds = (key: string): number | null => {
    const ns = num(key);
    return ns === null ? null : ns / 1e9;
  };
  const count = (key: string): number => {
    const n = num(key);
    if (n === null || n <= stats.size) return n ?? 0;
    problems.push({
      source: SOURCE,
      code: 'PARSE_ERROR',
      message: `${key} is ${n}, more than the domain's ${stats.size} values`,
    });
    return 0;
  };

  const vcpus: VcpuReading[] = [];
  const vcpuCount = stats.has('vcpu.current') ? count('vcpu.current') : count('vcpu.maximum');
  for (let i = 0; i < vcpuCount; i++)
    vcpus.push({ index: i, threadId: null, cpuSeconds: seconds(`vcpu.${i}.time`) });

  const blockDevices: VirtioBlkReading[] = [];
  for (let i = 0, n = count('block.count'); i < n; i++) {
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

  const netDevices: VirtioNetReading[] = [];
  for (let i = 0, n = count('net.count'); i < n; i++) {
    const p = `net.${i}`;
    const backend = stats.get(`${p}.name`) ?? null;
    netDevices.push({
      device: backend ?? String(i),
      backend,
      rxBytes: num(`${p}.rx.bytes`),
      txBytes: num(`${p}.tx.bytes`),
      rxPackets: num(`${p}.rx.pkts`),
      txPackets: num(`${p}.tx.pkts`),
    });
  }

  const total = kib('balloon.available');
  const available = kib('balloon.usable');
  const configured = kib('balloon.current');
  const diskCaches = kib('balloon.disk_caches');
  const fromBalloon = total !== null;
  return {
    ...stamp,
    id: name,
    name,
    vmm: 'libvirt',
    pid: null,
    vcpus,
    processCpuSeconds: seconds('cpu.time'),
    hostCpuCount,
    memoryTotal: fromBalloon ? total : configured,
    memoryAvailable: fromBalloon ? available : null,
    memoryUsed: fromBalloon && available !== null ? Math.max(0, total - available) : null,
    memoryDiskCaches: fromBalloon ? diskCaches : null,
    memorySource: fromBalloon ? 'balloon' : configured === null ? null : 'configured',
    blockDevices,
    netDevices,
    problems,
  };
}
