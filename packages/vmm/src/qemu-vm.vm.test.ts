// Ground truth on a real QEMU VM (TCG, 2 vCPUs, 256 MiB, virtio-blk/net/balloon) booted for the
// test; see test-support/test-vm.mjs for what the guest does. Needs root, Debian's qemu-system-x86,
// qemu-utils, busybox-static and iproute2 (listed in .ci/apt-packages.txt), else it skips saying why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeVmMetrics, type VmReading } from '@arcbox/perf-core';
import {
  createFileReader,
  createProcThreadReader,
  createRecordingReader,
  createTapCounterReader,
} from '@arcbox/perf-linux';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUEST_MEMORY_BYTES,
  GUEST_READ_BYTES_PER_ROUND,
  GUEST_WRITE_BYTES_PER_ROUND,
  startTestVm,
  type TestVm,
  testVmUnavailableReason,
} from '../test-support/test-vm.mjs';
import { createQemuVmCollector, type QemuVmCollector } from './qemu-vm-collector.js';

const why = testVmUnavailableReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rounds = (vm: TestVm) =>
  Math.max(0, ...[...vm.consoleText().matchAll(/ARCBOX: round=(\d+)/g)].map((m) => Number(m[1])));

describe.skipIf(why !== null)(`a real QEMU VM${why ? ` (skipped: ${why})` : ''}`, () => {
  let vm: TestVm | undefined;
  let collector: QemuVmCollector | undefined;
  const reader = createFileReader({ root: '/' });
  const recordDir = mkdtempSync(join(tmpdir(), 'arcbox-vm-rec-'));

  beforeAll(async () => {
    vm = await startTestVm({ id: 'vm1' });
    // Two rounds of guest I/O and pings done: everything is up (TCG boot takes 10-40 s here).
    await vm.waitForConsole(/ARCBOX: round=2 /, 240_000);
  }, 300_000);

  afterAll(async () => {
    collector?.close();
    reader.close();
    await vm?.stop();
    rmSync(recordDir, { recursive: true, force: true });
  }, 60_000);

  it('reads vCPUs, virtio-blk, virtio-net (guest view) and balloon memory as the guest and host see them', async () => {
    const live = vm!;
    const threads = createProcThreadReader({ reader });
    const interfaces = createTapCounterReader({ reader });
    collector = createQemuVmCollector({ vmDir: live.dir, threads, interfaces, timeoutMs: 10_000 });
    const collect = async () => {
      const list = await collector!.collect({ signal: new AbortController().signal });
      expect(list.map((r) => r.id)).toEqual(['vm1']);
      return list[0]!;
    };

    // The balloon reports every 2 s once polling is on (the first collection turns it on).
    let first: VmReading = await collect();
    if (first.memorySource === 'configured') {
      // Before the guest's first balloon report: the configured size from QMP, used unknown.
      expect(first.memoryTotal).toBe(GUEST_MEMORY_BYTES);
      expect(first.memoryUsed).toBeNull();
    }
    for (let i = 0; i < 60 && first.memorySource !== 'balloon'; i++) {
      await sleep(1000);
      first = await collect();
    }
    const roundsBefore = rounds(live);
    // At least two whole guest rounds between the readings, so every counter had to move.
    await live.waitForConsole(new RegExp(`ARCBOX: round=${roundsBefore + 2} `), 90_000);
    await sleep(1000);
    const tapBefore = await live.tapCounters();
    const second = await collect();
    const tapAfter = await live.tapCounters();
    const m = computeVmMetrics(first, second);

    expect(second.problems).toEqual([]);
    expect(second.name).toBe('vm1');
    expect(second.pid).toBe(live.pid);
    // The other way to the VMM pid: the process holding the QMP socket, found through /proc.
    expect(threads.socketHolder(live.qmpSocket)).toBe(live.pid);

    // vCPUs: two host threads; the guest spins on vCPU 1 (taskset 2), vCPU 0 mostly idles.
    expect(second.vcpus.map((v) => v.index)).toEqual([0, 1]);
    expect(second.vcpus.every((v) => v.threadId !== null && v.cpuSeconds !== null)).toBe(true);
    const [idle, busy] = m.vcpuPercent as [number, number];
    // Relative, not absolute: on a loaded 2-core host the busy vCPU thread may get little CPU,
    // but it still gets far more than the one that only runs the guest's I/O loop.
    expect(busy).toBeGreaterThan(idle * 2);
    expect(busy - idle).toBeGreaterThan(5);
    // The whole QEMU process costs at least its vCPU threads.
    const vcpuSeconds = second.vcpus.reduce((s, v) => s + (v.cpuSeconds ?? 0), 0);
    expect(second.processCpuSeconds!).toBeGreaterThanOrEqual(vcpuSeconds - 0.02);

    // Disk: every finished round read 4 MiB and wrote 2 MiB with O_DIRECT.
    const disk = second.blockDevices.find((d) => d.device === 'vblk0');
    expect(second.blockDevices.map((d) => d.device)).toEqual(['vblk0']);
    expect(disk!.readBytes!).toBeGreaterThanOrEqual(roundsBefore * GUEST_READ_BYTES_PER_ROUND);
    expect(disk!.writeBytes!).toBeGreaterThanOrEqual(roundsBefore * GUEST_WRITE_BYTES_PER_ROUND);
    expect(m.virtioBlkReadBps!).toBeGreaterThan(0);
    expect(m.virtioBlkWriteBps!).toBeGreaterThan(0);

    // Network: the guest's tx is the tap's rx, bracketed by the tap's own counters read in the netns.
    const net = second.netDevices.find((d) => d.device === 'vnet0')!;
    expect(net.backend).toBe(live.tap);
    expect(net.txBytes!).toBeGreaterThanOrEqual(tapBefore.rxBytes);
    expect(net.txBytes!).toBeLessThanOrEqual(tapAfter.rxBytes);
    expect(net.rxBytes!).toBeGreaterThanOrEqual(tapBefore.txBytes);
    expect(net.rxBytes!).toBeLessThanOrEqual(tapAfter.txBytes);
    expect(net.txPackets!).toBeGreaterThanOrEqual(tapBefore.rxPackets);
    expect(net.rxPackets!).toBeLessThanOrEqual(tapAfter.txPackets);
    // The user-mode NIC has no host interface: null counters, not 0.
    expect(second.netDevices.map((d) => d.device)).toEqual(['vnet0', 'vnet1']);
    expect(second.netDevices[1]).toEqual({
      device: 'vnet1',
      backend: null,
      rxBytes: null,
      txBytes: null,
      rxPackets: null,
      txPackets: null,
    });
    // The guest pings an address nobody answers: it sends much more than it receives.
    expect(net.txBytes!).toBeGreaterThan(net.rxBytes! * 2);
    const netRates = m.netDevices.find((d) => d.device === 'vnet0')!;
    expect(netRates.rxBps!).toBeGreaterThan(0);
    expect(netRates.txBps!).toBeGreaterThan(0);
    // With one NIC unmeasurable (user-mode), the VM's network total is unknown, not a partial sum.
    expect(m.virtioNetRxBytes).toBeNull();
    expect(m.virtioNetTxBps).toBeNull();

    // Memory: the guest's own total (RAM minus the kernel's reservations) and used within it.
    expect(second.memorySource).toBe('balloon');
    expect(second.memoryTotal!).toBeGreaterThan(GUEST_MEMORY_BYTES * 0.7);
    expect(second.memoryTotal!).toBeLessThanOrEqual(GUEST_MEMORY_BYTES);
    expect(second.memoryUsed!).toBeGreaterThan(0);
    expect(second.memoryUsed!).toBeLessThan(second.memoryTotal!);
    expect(m.memoryPercent!).toBeGreaterThan(0);
    // QEMU's QMP socket serves one client at a time: let the next tests connect.
    collector.close();
  }, 240_000);

  it('records QMP replies and /proc files, and the replay gives the same reading', async () => {
    const live = vm!;
    collector?.close(); // QMP serves one client: free it even if an earlier test failed
    const recording = createRecordingReader(createFileReader({ root: '/' }), recordDir);
    const recorder = createQemuVmCollector({
      vms: [{ id: 'vm1', qmpSocket: live.qmpSocket }],
      threads: createProcThreadReader({ reader: recording }),
      interfaces: createTapCounterReader({ reader: recording }),
      recordDir,
      timeoutMs: 10_000,
    });
    const replayReader = createFileReader({ root: recordDir, keepOpen: false });
    const replayer = createQemuVmCollector({
      replayDir: recordDir,
      threads: createProcThreadReader({ reader: replayReader }),
      interfaces: createTapCounterReader({ reader: replayReader }),
    });
    try {
      const [recorded] = await recorder.collect({ signal: new AbortController().signal });
      const [replayed] = await replayer.collect({ signal: new AbortController().signal });
      const strip = (r: VmReading) => ({ ...r, monotonicMs: 0, time: 0 });
      expect(recorded!.vcpus.length).toBe(2);
      expect(recorded!.netDevices[0]!.txBytes).not.toBeNull();
      expect(strip(replayed!)).toEqual(strip(recorded!));
    } finally {
      recorder.close();
      replayer.close();
    }
  }, 60_000);

  it('gives a per-VM problem, not a throw or a stall, once QEMU is gone', async () => {
    const live = vm!;
    collector?.close(); // QMP serves one client: free it even if an earlier test failed
    const gone = createQemuVmCollector({
      vms: [{ id: 'vm1', qmpSocket: live.qmpSocket }],
      timeoutMs: 3000,
    });
    try {
      const [before] = await gone.collect({ signal: new AbortController().signal });
      expect(before!.problems).toEqual([]);
      await live.stop();
      const [after] = await gone.collect({ signal: new AbortController().signal });
      expect(after!.vcpus).toEqual([]);
      expect(after!.memoryTotal).toBeNull();
      expect(after!.problems[0]!.source).toBe('qmp');
      expect(after!.problems[0]!.code).toBe('CONNECTION_ERROR');
    } finally {
      gone.close();
    }
  }, 60_000);
});
