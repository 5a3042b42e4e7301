import type { VcpuReading } from '@arcbox/perf-core';
import type { HostThreadReader } from './host-readers.js';

/**
 * vCPUs of a VMM that names its vCPU threads (`vcpu0` in Cloud Hypervisor, `fc_vcpu 0` in
 * Firecracker) rather than listing their ids: the thread names give index and thread id.
 */
export function namedVcpus(
  threads: HostThreadReader | null,
  pid: number | null,
  pattern: RegExp,
): VcpuReading[] {
  if (!threads?.listThreads || pid === null) return [];
  const vcpus: VcpuReading[] = [];
  for (const t of threads.listThreads(pid) ?? []) {
    const index = pattern.exec(t.name)?.[1];
    if (index === undefined) continue;
    vcpus.push({
      index: Number(index),
      threadId: t.tid,
      cpuSeconds: vcpuSeconds(threads, pid, t.tid),
    });
  }
  return vcpus.sort((a, b) => a.index - b.index);
}

/**
 * One vCPU's CPU seconds; null when its stat cannot be read as counters (a negative utime is a
 * PARSE_ERROR): that vCPU has no figure, the VM's other vCPUs and devices still do.
 */
function vcpuSeconds(threads: HostThreadReader, pid: number, tid: number): number | null {
  try {
    return threads.threadCpuSeconds(pid, tid);
  } catch {
    return null;
  }
}

/** The host side of a VMM that names its vCPU threads: vCPUs and the whole process's CPU. */
export function namedVmmHostSide(
  threads: HostThreadReader | null,
  pid: number | null,
  pattern: RegExp,
): { pid: number | null; vcpus: VcpuReading[]; processCpuSeconds: number | null } {
  return {
    pid,
    vcpus: namedVcpus(threads, pid, pattern),
    processCpuSeconds: pid !== null && threads ? threads.processCpuSeconds(pid) : null,
  };
}
