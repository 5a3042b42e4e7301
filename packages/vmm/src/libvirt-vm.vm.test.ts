// Ground truth on a real libvirt 9.0 domain (`<domain type='qemu'>`, TCG, 2 vCPUs, 256 MiB,
// virtio disk, a virtio NIC on a tap, virtio balloon with stats every 2 s), booting the guest of
// test-support/test-vm.mjs; see test-support/test-libvirt.mjs. Needs root and Debian's
// libvirt-daemon-system, libvirt-clients, qemu-system-x86, qemu-utils, busybox-static and
// iproute2 (listed in .ci/apt-packages.txt), else it skips saying why. The libvirt daemons are
// started here when they are not running, and stopped again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeVmMetrics, type VmReading } from '@arcbox/perf-core';
import { createFileReader, createProcThreadReader } from '@arcbox/perf-linux';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureLibvirtDaemons,
  LIBVIRT_URI,
  type LibvirtDaemons,
  type LibvirtTestVm,
  libvirtUnavailableReason,
  startLibvirtTestVm,
} from '../test-support/test-libvirt.mjs';
import {
  GUEST_MEMORY_BYTES,
  GUEST_READ_BYTES_PER_ROUND,
  GUEST_WRITE_BYTES_PER_ROUND,
  startTestVm,
  type TestVm,
  testVmUnavailableReason,
} from '../test-support/test-vm.mjs';
import { createCloudHypervisorVmProvider } from './cloud-hypervisor-vm-provider.js';
import { createFirecrackerVmProvider } from './firecracker-vm-provider.js';
import { createLibvirtVmProvider } from './libvirt-vm-provider.js';
import { createQemuVmProvider } from './qemu-vm-provider.js';
import { createVmCollector } from './vm-collector.js';

const why = libvirtUnavailableReason() ?? testVmUnavailableReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rounds = (vm: LibvirtTestVm) =>
  Math.max(0, ...[...vm.consoleText().matchAll(/ARCBOX: round=(\d+)/g)].map((m) => Number(m[1])));
const signal = () => new AbortController().signal;

describe.skipIf(why !== null)(`a real libvirt domain${why ? ` (skipped: ${why})` : ''}`, () => {
  let daemons: LibvirtDaemons | undefined;
  let vm: LibvirtTestVm | undefined;
  let qemuVm: TestVm | undefined;
  const empty = mkdtempSync(join(tmpdir(), 'arcbox-lv-empty-'));
  const provider = createLibvirtVmProvider({ uri: LIBVIRT_URI, timeoutMs: 10_000 });

  beforeAll(async () => {
    daemons = await ensureLibvirtDaemons();
    vm = await startLibvirtTestVm();
    // Two rounds of guest I/O and pings done: everything is up (TCG boot takes 10-40 s here).
    await vm.waitForConsole(/ARCBOX: round=2 /, 240_000);
  }, 300_000);

  afterAll(async () => {
    await qemuVm?.stop();
    await vm?.destroy();
    await daemons?.stop();
    rmSync(empty, { recursive: true, force: true });
  }, 60_000);

  it('reads vCPUs, the virtio disk, the NIC (guest view) and balloon memory through the libvirt provider', async () => {
    const live = vm!;
    const read = async () => {
      const r = await provider.read(live.name, { signal: signal() });
      expect(r).not.toBeNull();
      return r!;
    };
    expect((await provider.list({ signal: signal() })).map((r) => r.id)).toContain(live.name);

    // The balloon driver reports every 2 s (`<stats period='2'/>`); before that, the configured size.
    let first: VmReading = await read();
    for (let i = 0; i < 60 && first.memorySource !== 'balloon'; i++) {
      await sleep(1000);
      first = await read();
    }
    const roundsBefore = rounds(live);
    // At least two whole guest rounds after the first reading, so every counter had to move.
    await live.waitForConsole(new RegExp(`ARCBOX: round=${roundsBefore + 2} `), 90_000);
    await sleep(1000);
    const tapBefore = live.tapCounters();
    const second = await read();
    const tapAfter = live.tapCounters();
    const m = computeVmMetrics(first, second);

    expect(second.problems).toEqual([]);
    expect(second).toMatchObject({ id: live.name, name: live.name, vmm: 'libvirt', pid: null });

    // vCPUs: the guest spins on vCPU 1 (taskset 2); vCPU 0 only runs its I/O loop.
    expect(second.vcpus.map((v) => v.index)).toEqual([0, 1]);
    expect(second.vcpus.every((v) => v.threadId === null && v.cpuSeconds !== null)).toBe(true);
    const [idle, busy] = m.vcpuPercent as [number, number];
    expect(busy).toBeGreaterThan(idle * 2);
    expect(busy - idle).toBeGreaterThan(5);
    // cpu.time is the whole domain's CPU: at least its vCPU threads'.
    const vcpuSeconds = second.vcpus.reduce((s, v) => s + (v.cpuSeconds ?? 0), 0);
    expect(second.processCpuSeconds!).toBeGreaterThanOrEqual(vcpuSeconds - 0.05);

    // Disk: every finished round read 4 MiB and wrote 2 MiB with O_DIRECT; at least one whole
    // round ran between the two readings.
    expect(second.blockDevices.map((d) => d.device)).toEqual(['vda']);
    const [d1, d2] = [first.blockDevices[0]!, second.blockDevices[0]!];
    expect(d2.readBytes!).toBeGreaterThanOrEqual(roundsBefore * GUEST_READ_BYTES_PER_ROUND);
    expect(d2.writeBytes!).toBeGreaterThanOrEqual(roundsBefore * GUEST_WRITE_BYTES_PER_ROUND);
    expect(d2.readBytes! - d1.readBytes!).toBeGreaterThanOrEqual(GUEST_READ_BYTES_PER_ROUND);
    expect(d2.writeBytes! - d1.writeBytes!).toBeGreaterThanOrEqual(GUEST_WRITE_BYTES_PER_ROUND);
    expect(d2.readOps!).toBeGreaterThan(d1.readOps!);
    expect(m.virtioBlkReadBps!).toBeGreaterThan(0);
    expect(m.virtioBlkWriteBps!).toBeGreaterThan(0);

    // Network: libvirt's figures are the guest's view, so the guest's tx is the tap's rx,
    // bracketed by the tap's own counters read just before and after.
    expect(second.netDevices.map((d) => d.device)).toEqual([live.tap]);
    const net = second.netDevices[0]!;
    expect(net.backend).toBe(live.tap);
    expect(net.txBytes!).toBeGreaterThanOrEqual(tapBefore.rxBytes);
    expect(net.txBytes!).toBeLessThanOrEqual(tapAfter.rxBytes);
    expect(net.rxBytes!).toBeGreaterThanOrEqual(tapBefore.txBytes);
    expect(net.rxBytes!).toBeLessThanOrEqual(tapAfter.txBytes);
    expect(net.txPackets!).toBeGreaterThanOrEqual(tapBefore.rxPackets);
    expect(net.txPackets!).toBeLessThanOrEqual(tapAfter.rxPackets);
    // The guest pings addresses nobody answers, and the host end says nothing: it mostly sends.
    expect(net.txBytes!).toBeGreaterThan(net.rxBytes! * 2);
    expect(m.virtioNetTxBps!).toBeGreaterThan(0);

    // Memory: the guest's own total (RAM minus the kernel's reservations) and used within it.
    expect(second.memorySource).toBe('balloon');
    expect(second.memoryTotal!).toBeGreaterThan(GUEST_MEMORY_BYTES * 0.7);
    expect(second.memoryTotal!).toBeLessThanOrEqual(GUEST_MEMORY_BYTES);
    expect(second.memoryUsed!).toBeGreaterThan(0);
    expect(second.memoryUsed!).toBeLessThan(second.memoryTotal!);
    expect(m.memoryPercent!).toBeGreaterThan(0);
  }, 240_000);

  it('merges it with a QEMU VM of the same id: QEMU keeps the bare id, libvirt gets libvirt:<id>', async () => {
    const live = vm!;
    // A QEMU VM reached over its own QMP socket, named like the libvirt domain.
    qemuVm = await startTestVm({ id: live.name, dir: join(empty, 'qemu') });
    const reader = createFileReader({ root: '/' });
    const collector = createVmCollector({
      providers: [
        createQemuVmProvider({
          vmDir: qemuVm.dir,
          threads: createProcThreadReader({ reader }),
          timeoutMs: 10_000,
        }),
        createCloudHypervisorVmProvider({ dir: join(empty, 'cloud-hypervisor') }),
        createFirecrackerVmProvider({ dir: join(empty, 'firecracker') }),
        createLibvirtVmProvider({ uri: LIBVIRT_URI, timeoutMs: 10_000 }),
      ],
      providerTimeoutMs: 20_000,
    });
    try {
      const list = await collector.collect({ signal: signal() });
      expect(collector.problems).toEqual([]);
      const qemu = list.find((r) => r.id === live.name)!;
      const libvirt = list.find((r) => r.id === `libvirt:${live.name}`)!;
      expect(qemu).toMatchObject({ vmm: 'qemu', name: live.name, pid: qemuVm.pid });
      expect(qemu.blockDevices.map((d) => d.device)).toEqual(['vblk0']);
      expect(libvirt).toMatchObject({ vmm: 'libvirt', name: live.name, problems: [] });
      expect(libvirt.blockDevices.map((d) => d.device)).toEqual(['vda']);
      expect(libvirt.vcpus.length).toBe(2);

      // One VM by id, asking the providers in order.
      expect((await collector.collectVm(live.name, { signal: signal() }))?.vmm).toBe('qemu');
      const one = await collector.collectVm(`libvirt:${live.name}`, { signal: signal() });
      expect(one).toMatchObject({ id: `libvirt:${live.name}`, vmm: 'libvirt' });
      expect(one!.blockDevices[0]!.readBytes!).toBeGreaterThanOrEqual(
        libvirt.blockDevices[0]!.readBytes!,
      );
      expect(await collector.collectVm('arcbox-no-such-vm', { signal: signal() })).toBeNull();
    } finally {
      await collector.close();
      reader.close();
      await qemuVm.stop();
    }
  }, 120_000);

  it('forgets a destroyed domain: null, not an error', async () => {
    const live = vm!;
    await live.destroy();
    expect(await live.state()).toBeNull();
    expect((await provider.list({ signal: signal() })).map((r) => r.id)).not.toContain(live.name);
    expect(await provider.read(live.name, { signal: signal() })).toBeNull();
    const collector = createVmCollector({ providers: [provider] });
    expect((await collector.collect({ signal: signal() })).map((r) => r.id)).not.toContain(
      live.name,
    );
    expect(await collector.collectVm(live.name)).toBeNull();
  }, 60_000);
});
