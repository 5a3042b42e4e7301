import { counterDeltaValue, counterRate } from './counter-delta.js';
import { intervalSeconds } from './compute-system-metrics.js';
import { sumOrNull } from './net-metrics.js';
import { clamp } from './units.js';
import type { VirtioBlkReading, VirtioNetReading, VmReading } from './vm-reading.js';
import type { VirtioBlkMetrics, VirtioNetMetrics, VmMetrics } from './vm-metrics.js';

/** Turns two readings of one VM into metrics; rates are null on the first reading. */
export function computeVmMetrics(
  previous: VmReading | null | undefined,
  current: VmReading,
): VmMetrics {
  const seconds = intervalSeconds(previous, current);
  const prev = seconds === null ? null : (previous ?? null);
  const vcpus = current.vcpus.map((v) => {
    const was = prev?.vcpus.find((p) => p.index === v.index && p.threadId === v.threadId);
    const rate = counterRate(was?.cpuSeconds, v.cpuSeconds, seconds);
    return { ...v, percent: rate === null ? null : clamp(100 * rate, 0, 100) };
  });
  const processRate = counterRate(prev?.processCpuSeconds, current.processCpuSeconds, seconds);
  const blocks = current.blockDevices.map((d) => blkMetrics(prev?.blockDevices, d, seconds));
  const nets = current.netDevices.map((d) => netMetrics(prev?.netDevices, d, seconds));
  const total = current.memoryTotal;
  const used = current.memoryUsed;
  const anyRate = <T>(items: T[], pick: (i: T) => number | null) =>
    items.length === 0 || seconds === null ? null : sumOrNull(items, pick);

  return {
    id: current.id,
    name: current.name,
    vmm: current.vmm,
    pid: current.pid,
    timestamp: current.time,
    monotonicMs: current.monotonicMs,
    intervalMs: seconds === null ? null : seconds * 1000,
    vcpuPercent: vcpus.map((v) => v.percent),
    vcpus,
    cpuPercent: vcpus.length === 0 ? null : sumOrNull(vcpus, (v) => v.percent),
    processCpuPercent:
      processRate === null
        ? null
        : clamp(100 * processRate, 0, 100 * Math.max(1, current.hostCpuCount)),
    processCpuSeconds: current.processCpuSeconds,
    memoryTotal: total,
    memoryUsed: used,
    memoryAvailable: current.memoryAvailable,
    memoryDiskCaches: current.memoryDiskCaches,
    memoryPercent:
      used !== null && total !== null && total > 0 ? clamp((100 * used) / total, 0, 100) : null,
    memorySource: current.memorySource,
    virtioBlkReadBytes: blocks.length === 0 ? null : sumOrNull(blocks, (d) => d.readBytes),
    virtioBlkWriteBytes: blocks.length === 0 ? null : sumOrNull(blocks, (d) => d.writeBytes),
    virtioBlkReadOps: blocks.length === 0 ? null : sumOrNull(blocks, (d) => d.readOps),
    virtioBlkWriteOps: blocks.length === 0 ? null : sumOrNull(blocks, (d) => d.writeOps),
    virtioBlkReadBps: anyRate(blocks, (d) => d.readBps),
    virtioBlkWriteBps: anyRate(blocks, (d) => d.writeBps),
    virtioBlkReadIops: anyRate(blocks, (d) => d.readIops),
    virtioBlkWriteIops: anyRate(blocks, (d) => d.writeIops),
    blockDevices: blocks,
    virtioNetRxBytes: nets.length === 0 ? null : sumOrNull(nets, (d) => d.rxBytes),
    virtioNetTxBytes: nets.length === 0 ? null : sumOrNull(nets, (d) => d.txBytes),
    virtioNetRxPackets: nets.length === 0 ? null : sumOrNull(nets, (d) => d.rxPackets),
    virtioNetTxPackets: nets.length === 0 ? null : sumOrNull(nets, (d) => d.txPackets),
    virtioNetRxBps: anyRate(nets, (d) => d.rxBps),
    virtioNetTxBps: anyRate(nets, (d) => d.txBps),
    virtioNetRxPps: anyRate(nets, (d) => d.rxPps),
    virtioNetTxPps: anyRate(nets, (d) => d.txPps),
    netDevices: nets,
    problems: current.problems,
  };
}

function blkMetrics(
  previous: readonly VirtioBlkReading[] | undefined,
  now: VirtioBlkReading,
  seconds: number | null,
): VirtioBlkMetrics {
  const was = previous?.find((d) => d.device === now.device);
  const latency = (
    ns0?: number | null,
    ns1?: number | null,
    ops0?: number | null,
    ops1?: number | null,
  ) => {
    if (seconds === null || ns1 == null || ops1 == null) return null;
    const ns = counterDeltaValue(ns0, ns1);
    const ops = counterDeltaValue(ops0, ops1);
    return ns === null || ops === null || ops === 0 ? null : ns / ops / 1e6;
  };
  return {
    device: now.device,
    readBytes: now.readBytes,
    writeBytes: now.writeBytes,
    readOps: now.readOps,
    writeOps: now.writeOps,
    flushOps: now.flushOps,
    readBps: counterRate(was?.readBytes, now.readBytes, seconds),
    writeBps: counterRate(was?.writeBytes, now.writeBytes, seconds),
    readIops: counterRate(was?.readOps, now.readOps, seconds),
    writeIops: counterRate(was?.writeOps, now.writeOps, seconds),
    flushIops: counterRate(was?.flushOps, now.flushOps, seconds),
    readLatencyMs: latency(was?.readTimeNs, now.readTimeNs, was?.readOps, now.readOps),
    writeLatencyMs: latency(was?.writeTimeNs, now.writeTimeNs, was?.writeOps, now.writeOps),
  };
}

function netMetrics(
  previous: readonly VirtioNetReading[] | undefined,
  now: VirtioNetReading,
  seconds: number | null,
): VirtioNetMetrics {
  const was = previous?.find((d) => d.device === now.device);
  return {
    device: now.device,
    backend: now.backend,
    rxBytes: now.rxBytes,
    txBytes: now.txBytes,
    rxPackets: now.rxPackets,
    txPackets: now.txPackets,
    rxBps: counterRate(was?.rxBytes, now.rxBytes, seconds),
    txBps: counterRate(was?.txBytes, now.txBytes, seconds),
    rxPps: counterRate(was?.rxPackets, now.rxPackets, seconds),
    txPps: counterRate(was?.txPackets, now.txPackets, seconds),
  };
}
