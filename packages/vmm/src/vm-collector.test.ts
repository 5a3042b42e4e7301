// The merged collector over constructed providers: fast ones, one that hangs ignoring its signal,
// ones that fail; the VMM-specific providers are tested against their own servers elsewhere.
import {
  type CollectOptions,
  type Collector,
  PerfError,
  type VmReading,
  type Vmm,
} from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { failedReading } from './failed-reading.js';
import { createVmCollector } from './vm-collector.js';
import type { VmProvider } from './vm-provider.js';

const signal = () => new AbortController().signal;
let now = 0;
const clock = () => ({ monotonicMs: now, time: 1_000_000 + now });

/** A VM reading with one number that tells it apart, and no problems. */
const vm = (id: string, vmm: Vmm, processCpuSeconds = 1): VmReading => ({
  ...failedReading({ id }, clock(), 2, { source: 'x', message: 'x' }, vmm),
  processCpuSeconds,
  problems: [],
});

interface FakeProvider extends VmProvider {
  calls: string[];
  closed: number;
}

/** A provider answering from `vms()`, or failing / hanging as `mode()` says at each call. */
function fake(
  vmm: Vmm,
  vms: () => VmReading[],
  mode: () => 'ok' | 'fail' | 'hang' = () => 'ok',
  delayMs = 0,
): FakeProvider {
  const answer = async <T>(value: () => T): Promise<T> => {
    const m = mode();
    if (m === 'hang') return new Promise<T>(() => {}); // ignores its signal on purpose
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (m === 'fail') throw new PerfError('COMMAND_FAILED', `${vmm} is broken`);
    return value();
  };
  const p: FakeProvider = {
    vmm,
    calls: [],
    closed: 0,
    list() {
      p.calls.push('list');
      return answer(vms);
    },
    read(id) {
      p.calls.push(`read ${id}`);
      return answer(() => vms().find((r) => r.id === id) ?? null);
    },
    close() {
      p.closed += 1;
    },
  };
  return p;
}

describe('createVmCollector', () => {
  it('is the vms collector perf expects: one-VM helper answering null for no such VM', async () => {
    const collector = createVmCollector({ providers: [fake('qemu', () => [vm('a', 'qemu')])] });
    // The shape of @arcbox/perf's VmCollector (perf depends on this package, not the reverse).
    const asMonitorExpects: Collector<VmReading[]> & {
      collectVm?(id: string, options?: Partial<CollectOptions>): Promise<VmReading | null>;
    } = collector;
    expect(asMonitorExpects.name).toBe('vms');
    expect(await collector.collectVm('nope')).toBeNull();
    expect((await collector.collectVm('a'))?.id).toBe('a');
  });

  it('runs the providers concurrently and merges their lists in provider order', async () => {
    const collector = createVmCollector({
      providers: [
        fake('qemu', () => [vm('q1', 'qemu'), vm('q2', 'qemu')], undefined, 200),
        fake('libvirt', () => [vm('l1', 'libvirt')], undefined, 200),
        fake('firecracker', () => [], undefined, 200),
      ],
      clock,
    });
    const started = performance.now();
    const list = await collector.collect({ signal: signal() });
    expect(performance.now() - started).toBeLessThan(380);
    expect(list.map((r) => [r.id, r.vmm])).toEqual([
      ['q1', 'qemu'],
      ['q2', 'qemu'],
      ['l1', 'libvirt'],
    ]);
    expect(collector.problems).toEqual([]);
  });

  it('cuts a hung provider off at its timeout: its known VMs come back failed, the others whole', async () => {
    let libvirtMode: 'ok' | 'hang' = 'ok';
    const qemu = fake('qemu', () => [vm('q1', 'qemu', 7)]);
    const libvirt = fake(
      'libvirt',
      () => [vm('l1', 'libvirt'), vm('l2', 'libvirt')],
      () => libvirtMode,
    );
    const collector = createVmCollector({
      providers: [qemu, libvirt],
      providerTimeoutMs: 150,
      clock,
    });
    expect((await collector.collect({ signal: signal() })).map((r) => r.id)).toEqual([
      'q1',
      'l1',
      'l2',
    ]);

    libvirtMode = 'hang';
    const started = performance.now();
    const list = await collector.collect({ signal: signal() });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(list[0]).toMatchObject({ id: 'q1', vmm: 'qemu', processCpuSeconds: 7, problems: [] });
    expect(
      list.slice(1).map((r) => [r.id, r.vmm, r.processCpuSeconds, r.problems[0]?.code]),
    ).toEqual([
      ['l1', 'libvirt', null, 'TIMEOUT'],
      ['l2', 'libvirt', null, 'TIMEOUT'],
    ]);
    expect(collector.problems).toEqual([
      expect.objectContaining({ source: 'libvirt', code: 'TIMEOUT' }),
    ]);

    // Known VMs of a provider that keeps failing are dropped once forgetAfterMs has passed.
    now += 61_000;
    expect((await collector.collect({ signal: signal() })).map((r) => r.id)).toEqual(['q1']);
    expect(collector.problems.map((p) => p.source)).toEqual(['libvirt']);

    libvirtMode = 'ok';
    expect((await collector.collect({ signal: signal() })).map((r) => r.id)).toEqual([
      'q1',
      'l1',
      'l2',
    ]);
    expect(collector.problems).toEqual([]);
  });

  it('reports a failing provider that had no VMs as a problem, and rejects only when all fail', async () => {
    let qemuMode: 'ok' | 'fail' = 'ok';
    const collector = createVmCollector({
      providers: [
        fake(
          'qemu',
          () => [],
          () => qemuMode,
        ),
        fake(
          'libvirt',
          () => [],
          () => 'fail',
        ),
      ],
    });
    expect(await collector.collect({ signal: signal() })).toEqual([]);
    expect(collector.problems).toEqual([
      { source: 'libvirt', code: 'COMMAND_FAILED', message: 'libvirt is broken' },
    ]);
    qemuMode = 'fail';
    await expect(collector.collect({ signal: signal() })).rejects.toMatchObject({
      code: 'COLLECTOR_FAILED',
      message: expect.stringMatching(/qemu is broken.*libvirt is broken/),
    });
  });

  it('keeps both VMs when two providers report one id: the later provider’s gets <vmm>:<id>', async () => {
    const collector = createVmCollector({
      providers: [
        fake('qemu', () => [vm('web', 'qemu', 1), vm('libvirt:web', 'qemu', 2)]),
        fake('libvirt', () => [vm('web', 'libvirt', 3), vm('db', 'libvirt', 4)]),
      ],
    });
    const list = await collector.collect({ signal: signal() });
    expect(list.map((r) => [r.id, r.name, r.vmm, r.processCpuSeconds])).toEqual([
      ['web', 'web', 'qemu', 1],
      ['libvirt:web', 'libvirt:web', 'qemu', 2],
      ['libvirt:web#2', 'web', 'libvirt', 3],
      ['db', 'db', 'libvirt', 4],
    ]);
    expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
  });

  it('collectVm asks the providers in order and stops at the first that has the VM', async () => {
    const qemu = fake('qemu', () => [vm('web', 'qemu', 1)]);
    const libvirt = fake('libvirt', () => [vm('web', 'libvirt', 3), vm('db', 'libvirt', 4)]);
    const collector = createVmCollector({ providers: [qemu, libvirt] });
    expect((await collector.collectVm('web'))?.processCpuSeconds).toBe(1);
    expect(libvirt.calls).toEqual([]);
    expect(await collector.collectVm('db')).toMatchObject({ id: 'db', processCpuSeconds: 4 });
    // The prefixed id names that provider's VM, as collect() names it on a clash.
    expect(await collector.collectVm('libvirt:web')).toMatchObject({
      id: 'libvirt:web',
      vmm: 'libvirt',
      processCpuSeconds: 3,
    });
    expect(await collector.collectVm('firecracker:web')).toBeNull();
    expect(qemu.calls).toEqual(['read web', 'read db', 'read libvirt:web', 'read firecracker:web']);
  });

  it('collectVm: a failing provider gives a failed reading of its known VM, else an error, not a made-up null', async () => {
    let libvirtMode: 'ok' | 'fail' = 'ok';
    const collector = createVmCollector({
      providers: [
        fake('qemu', () => []),
        fake(
          'libvirt',
          () => [vm('db', 'libvirt')],
          () => libvirtMode,
        ),
      ],
    });
    await collector.collect({ signal: signal() });
    libvirtMode = 'fail';
    const db = await collector.collectVm('db');
    expect(db).toMatchObject({ id: 'db', vmm: 'libvirt', processCpuSeconds: null });
    expect(db!.problems[0]).toMatchObject({ source: 'libvirt', code: 'COMMAND_FAILED' });
    await expect(collector.collectVm('other')).rejects.toMatchObject({
      code: 'COLLECTOR_FAILED',
    });
  });

  it('rejects with ABORTED when the caller aborts, even with a hung provider', async () => {
    const collector = createVmCollector({
      providers: [
        fake('qemu', () => []),
        fake(
          'libvirt',
          () => [],
          () => 'hang',
        ),
      ],
      providerTimeoutMs: 10_000,
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(collector.collect({ signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('takes one provider per VMM, and closes every provider', async () => {
    expect(() =>
      createVmCollector({ providers: [fake('qemu', () => []), fake('qemu', () => [])] }),
    ).toThrow(/two VM providers for qemu/);
    const providers = [fake('qemu', () => []), fake('cloud-hypervisor', () => [])];
    const collector = createVmCollector({ providers });
    await collector.collect({ signal: signal() });
    await collector[Symbol.asyncDispose]();
    expect(providers.map((p) => p.closed)).toEqual([1, 1]);
  });
});
