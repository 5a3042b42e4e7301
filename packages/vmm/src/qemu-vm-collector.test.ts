// The collector against constructed QMP servers (test-support/fake-qmp-server.ts) that answer
// with the real QEMU 7.2 replies of __fixtures__/qemu, and /proc task files assembled from the
// same capture; plus servers that refuse, hang, close mid-reply or answer with error objects.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeVmMetrics, PerfError } from '@arcbox/perf-core';
import { createFileReader, createProcThreadReader } from '@arcbox/perf-linux';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type FakeBehaviour,
  type FakeQmpServer,
  fixtureReturn,
  startFakeQmpServer,
} from '../test-support/fake-qmp-server.js';
import { createQemuVmCollector } from './qemu-vm-collector.js';
import { defaultVmDir } from './vm-dir.js';
import { createVmMetricsReader } from './vm-metrics-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-vmc-'));
let servers: FakeQmpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const signal = () => new AbortController().signal;

// Constructed in QEMU's format: the test VM's `qom-list /machine/peripheral` and a user netdev.
const peripherals = [
  { name: 'type', type: 'string' },
  { name: 'balloon0', type: 'child<virtio-balloon-pci>' },
  { name: 'vblk0', type: 'child<virtio-blk-pci>' },
  { name: 'vnet0', type: 'child<virtio-net-pci>' },
];
const infoNetworkUser =
  'vnet0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\r\n \\ net0: index=0,type=user,net=10.0.2.0,restrict=off\r\n';

/** A QEMU answering with the capture's replies of sample `phase` (t0 or t1). */
function capturedQemu(state: { phase: 't0' | 't1'; guestStats?: unknown; noBalloon?: boolean }) {
  return (command: string, args: Record<string, unknown> | undefined): FakeBehaviour => {
    const reply = (value: unknown): FakeBehaviour => ({ kind: 'reply', value });
    switch (command) {
      case 'query-name':
        return reply({ name: 'vm1' });
      case 'query-cpus-fast':
        return reply(fixtureReturn('user-netdev/query-cpus-fast.json'));
      case 'query-blockstats':
        return reply(fixtureReturn(`user-netdev/query-blockstats-${state.phase}.json`));
      case 'query-memory-size-summary':
        return reply(fixtureReturn('user-netdev/query-memory-size-summary.json'));
      case 'human-monitor-command':
        return reply(infoNetworkUser);
      case 'qom-list':
        return reply(
          args?.path === '/machine/peripheral'
            ? peripherals.filter((p) => !(state.noBalloon && p.name === 'balloon0'))
            : [],
        );
      case 'qom-set':
        return reply(fixtureReturn('user-netdev/qom-set-guest-stats-polling-interval.json'));
      case 'qom-get':
        if (args?.property === 'guest-stats-polling-interval') return reply(0);
        return reply(
          state.guestStats ?? fixtureReturn(`user-netdev/balloon-guest-stats-${state.phase}.json`),
        );
      default:
        return {
          kind: 'error',
          errorClass: 'CommandNotFound',
          desc: `The command ${command} has not been found`,
        };
    }
  };
}

let n = 0;
const serve = async (
  answer: Parameters<typeof startFakeQmpServer>[1],
  options?: Parameters<typeof startFakeQmpServer>[2],
  path = join(dir, `s${n++}.qmp`),
) => {
  const server = await startFakeQmpServer(path, answer, options);
  servers.push(server);
  return server;
};

/** A /proc tree holding the capture's QEMU process and vCPU task stat files of one sample. */
function procTree(root: string, phase: 't0' | 't1') {
  const fixture = (name: string) =>
    readFileSync(new URL(`../../linux/__fixtures__/vm/qemu/${name}`, import.meta.url), 'utf8');
  mkdirSync(join(root, 'proc/13864'), { recursive: true });
  writeFileSync(join(root, 'proc/13864/stat'), fixture(`proc-qemu-stat-${phase}.txt`));
  for (const line of fixture(`proc-vcpu-task-stat-${phase}.txt`).trim().split('\n')) {
    const tid = line.slice(0, line.indexOf(' '));
    mkdirSync(join(root, 'proc/13864/task', tid), { recursive: true });
    writeFileSync(join(root, 'proc/13864/task', tid, 'stat'), `${line.slice(tid.length + 1)}\n`);
  }
}
const sampleTime = (phase: string) =>
  Number(
    readFileSync(
      new URL(`../../linux/__fixtures__/vm/qemu/sample-${phase}.time`, import.meta.url),
      'utf8',
    ),
  ) * 1000;

describe('createQemuVmCollector on captured QEMU replies', () => {
  it('reads a VM: vCPU host CPU, virtio-blk, user-mode net as null, balloon memory; rates from two samples', async () => {
    const state: { phase: 't0' | 't1' } = { phase: 't0' };
    const server = await serve(capturedQemu(state));
    const root = join(dir, 'proc-root');
    procTree(root, 't0');
    let now = sampleTime('t0');
    const collector = createQemuVmCollector({
      vms: [{ id: 'vm1', qmpSocket: server.path, pid: 13864 }],
      threads: createProcThreadReader({ reader: createFileReader({ root, keepOpen: false }) }),
      clock: () => ({ monotonicMs: now, time: now }),
    });
    try {
      const [r0] = await collector.collect({ signal: signal() });
      expect(r0!.problems).toEqual([]);
      expect(r0).toMatchObject({
        id: 'vm1',
        name: 'vm1',
        vmm: 'qemu',
        pid: 13864,
        processCpuSeconds: 25.18,
        memoryTotal: 227696640,
        memoryAvailable: 201383936,
        memoryUsed: 227696640 - 201383936,
        memoryDiskCaches: 2547712,
        memorySource: 'balloon',
      });
      expect(r0!.vcpus).toEqual([
        { index: 0, threadId: 13886, cpuSeconds: 5.27 },
        { index: 1, threadId: 13887, cpuSeconds: 18.76 },
      ]);
      expect(r0!.blockDevices.map((d) => [d.device, d.readBytes])).toEqual([['vblk0', 25170432]]);
      // -netdev user: no host interface, so no counters; null, not 0.
      expect(r0!.netDevices).toEqual([
        {
          device: 'vnet0',
          backend: null,
          rxBytes: null,
          txBytes: null,
          rxPackets: null,
          txPackets: null,
        },
      ]);

      state.phase = 't1';
      procTree(root, 't1');
      now = sampleTime('t1');
      const [r1] = await collector.collect({ signal: signal() });
      const m = computeVmMetrics(r0, r1!);
      const [cpu0, cpu1] = m.vcpuPercent as [number, number];
      // The capture's guest keeps vCPU 1 about half busy.
      expect(cpu1).toBeGreaterThan(30);
      expect(cpu1).toBeGreaterThan(cpu0 * 2);
      expect(m.virtioBlkReadBps!).toBeGreaterThan(0);
      expect(m.virtioNetRxBps).toBeNull();
      expect(server.commands.filter((c) => c === 'qom-set')).toEqual(['qom-set']); // polling set once
      expect(server.connections).toBe(1); // the socket is kept open
    } finally {
      collector.close();
    }
  });

  it('falls back to the configured size, used null, when the balloon has no stats or there is none', async () => {
    const silent = await serve(
      capturedQemu({
        phase: 't0',
        guestStats: {
          stats: { 'stat-total-memory': -1, 'stat-available-memory': -1 },
          'last-update': 0,
        },
      }),
    );
    const none = await serve(capturedQemu({ phase: 't0', noBalloon: true }));
    const collector = createQemuVmCollector({
      vms: [
        { id: 'silent', qmpSocket: silent.path },
        { id: 'none', qmpSocket: none.path },
      ],
    });
    try {
      const [a, b] = await collector.collect({ signal: signal() });
      for (const r of [a!, b!]) {
        expect(r).toMatchObject({
          memoryTotal: 268435456,
          memoryUsed: null,
          memorySource: 'configured',
        });
        expect(r.vcpus.length).toBe(2);
      }
      expect(a!.problems.map((p) => p.source)).toEqual(['qmp balloon guest-stats']);
      expect(b!.problems).toEqual([]);
      expect(none.commands).not.toContain('qom-set');
    } finally {
      collector.close();
    }
  });

  it('keeps each failure to its VM: refusing, hanging, closing mid-reply, error objects', async () => {
    const good = await serve(capturedQemu({ phase: 't0' }));
    const hanging = await serve(() => ({ kind: 'hang' }), { greeting: false });
    const stuck = await serve((c) =>
      c === 'query-cpus-fast' ? { kind: 'hang' } : capturedQemu({ phase: 't0' })(c, undefined),
    );
    const cut = await serve((c) =>
      c === 'query-blockstats'
        ? { kind: 'close-mid-reply' }
        : capturedQemu({ phase: 't0' })(c, undefined),
    );
    const refusing = await serve(() => ({
      kind: 'error',
      errorClass: 'GenericError',
      desc: 'everything fails',
    }));
    const collector = createQemuVmCollector({
      vms: [
        { id: 'good', qmpSocket: good.path },
        { id: 'hanging', qmpSocket: hanging.path },
        { id: 'stuck', qmpSocket: stuck.path },
        { id: 'cut', qmpSocket: cut.path },
        { id: 'errors', qmpSocket: refusing.path },
        { id: 'missing', qmpSocket: join(dir, 'nobody.qmp') },
      ],
      timeoutMs: 400,
    });
    try {
      const readings = await collector.collect({ signal: signal() });
      const byId = new Map(readings.map((r) => [r.id, r]));
      expect(byId.get('good')!.problems).toEqual([]);
      expect(byId.get('good')!.vcpus.length).toBe(2);
      const codes = (id: string) => byId.get(id)!.problems.map((p) => p.code);
      expect(codes('hanging')).toEqual(['TIMEOUT']);
      expect(codes('stuck')).toEqual(['TIMEOUT']);
      expect(codes('cut')).toEqual(['CONNECTION_ERROR']);
      expect(codes('missing')).toEqual(['CONNECTION_ERROR']);
      // Every command refused: a reading of nulls with one problem per part, not a failure.
      const errors = byId.get('errors')!;
      expect(errors.vcpus).toEqual([]);
      expect(errors.memoryTotal).toBeNull();
      expect(errors.problems.every((p) => p.code === 'COMMAND_FAILED')).toBe(true);
      expect(errors.problems.map((p) => p.source)).toContain('qmp query-blockstats');
      for (const id of ['hanging', 'stuck', 'cut', 'missing']) {
        expect(byId.get(id)).toMatchObject({
          vcpus: [],
          blockDevices: [],
          netDevices: [],
          memoryTotal: null,
        });
      }
    } finally {
      collector.close();
    }
  });

  it('keeps a failing host-side read to its own field', async () => {
    const server = await serve(capturedQemu({ phase: 't0' }));
    const collector = createQemuVmCollector({
      vms: [{ id: 'vm1', qmpSocket: server.path, pid: 13864 }],
      // Constructed host reader whose task stat reads fail as a corrupt /proc line would.
      threads: {
        threadCpuSeconds: () => {
          throw new PerfError('PARSE_ERROR', 'bad utime in task stat', { field: 'utime' });
        },
        processCpuSeconds: () => 12.5,
      },
    });
    try {
      const [r] = await collector.collect({ signal: signal() });
      expect(r!.vcpus.map((v) => v.cpuSeconds)).toEqual([null, null]);
      expect(r!.processCpuSeconds).toBe(12.5);
      expect(r!.blockDevices.length).toBe(1);
      expect(r!.problems.map((p) => [p.source, p.code])).toEqual([
        ['vcpu 0 thread', 'PARSE_ERROR'],
        ['vcpu 1 thread', 'PARSE_ERROR'],
      ]);
    } finally {
      collector.close();
    }
  });

  it('reads the host side while QEMU answers, and again when QEMU lists other vCPU threads', async () => {
    let cpus: unknown = fixtureReturn('user-netdev/query-cpus-fast.json');
    const base = capturedQemu({ phase: 't0' });
    const server = await serve((command, args) =>
      command === 'query-cpus-fast' ? { kind: 'reply', value: cpus } : base(command, args),
    );
    const asked: number[] = [];
    const collector = createQemuVmCollector({
      vms: [{ id: 'vm1', qmpSocket: server.path, pid: 13864 }],
      // Constructed host reader: a thread's CPU seconds are its id, so the test sees which were read.
      threads: {
        threadCpuSeconds: (_pid, tid) => {
          asked.push(tid);
          return tid;
        },
        processCpuSeconds: () => 1,
      },
    });
    try {
      await collector.collect({ signal: signal() });
      await collector.collect({ signal: signal() });
      expect(asked).toEqual([13886, 13887, 13886, 13887]); // the early read was used as is
      // vCPU 1 hot-unplugged and a new one plugged with another thread between readings.
      cpus = [
        { 'cpu-index': 0, 'thread-id': 13886 },
        { 'cpu-index': 1, 'thread-id': 20000 },
      ];
      asked.length = 0;
      const [r] = await collector.collect({ signal: signal() });
      expect(asked).toEqual([13886, 13887, 13886, 20000]); // early read discarded, read again
      expect(r!.vcpus.map((v) => v.cpuSeconds)).toEqual([13886, 20000]);
    } finally {
      collector.close();
    }
  });

  it('reads many VMs on one signal without a listener-leak warning', async () => {
    const targets = [];
    for (let i = 0; i < 12; i++) {
      const server = await serve(capturedQemu({ phase: 't0' }));
      targets.push({ id: `vm${i}`, qmpSocket: server.path });
    }
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const collector = createQemuVmCollector({ vms: targets });
    try {
      const readings = await collector.collect({ signal: signal() });
      expect(readings.map((r) => r.problems.length)).toEqual(targets.map(() => 0));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      collector.close();
    }
  });

  it('reconnects when QEMU restarts, without losing the reading', async () => {
    const server = await serve(capturedQemu({ phase: 't0' }));
    const collector = createQemuVmCollector({ vms: [{ id: 'vm1', qmpSocket: server.path }] });
    try {
      expect((await collector.collect({ signal: signal() }))[0]!.problems).toEqual([]);
      server.dropConnections();
      const [again] = await collector.collect({ signal: signal() });
      expect(again!.problems).toEqual([]);
      expect(again!.vcpus.length).toBe(2);
      expect(server.connections).toBe(2);
    } finally {
      collector.close();
    }
  });

  it('rejects when the caller aborts', async () => {
    const hanging = await serve(() => ({ kind: 'hang' }), { greeting: false });
    const collector = createQemuVmCollector({
      vms: [{ id: 'h', qmpSocket: hanging.path }],
      timeoutMs: 30_000,
    });
    const controller = new AbortController();
    const pending = collector.collect({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    collector.close();
  });
});

describe('a QEMU reply with a bad number', () => {
  it('keeps it out of the reading: that counter null, the reason a problem of the VM', async () => {
    const blockstats = structuredClone(
      fixtureReturn('user-netdev/query-blockstats-t0.json'),
    ) as Array<{ qdev?: string; stats: Record<string, unknown> }>;
    blockstats.find((e) => e.qdev?.endsWith('/virtio-backend'))!.stats.wr_bytes = -786432;
    const cpus = structuredClone(fixtureReturn('user-netdev/query-cpus-fast.json')) as Array<
      Record<string, unknown>
    >;
    cpus[0]!['thread-id'] = 13886.5;
    const captured = capturedQemu({ phase: 't0' });
    const server = await serve((command, args) =>
      command === 'query-blockstats'
        ? { kind: 'reply', value: blockstats }
        : command === 'query-cpus-fast'
          ? { kind: 'reply', value: cpus }
          : captured(command, args),
    );
    const collector = createQemuVmCollector({ vms: [{ id: 'vm1', qmpSocket: server.path }] });
    try {
      const [r] = await collector.collect({ signal: signal() });
      expect(r!.blockDevices[0]).toMatchObject({
        device: 'vblk0',
        readBytes: 25170432,
        writeBytes: null,
      });
      expect(r!.vcpus[0]).toMatchObject({ index: 0, threadId: null });
      expect(r!.problems).toEqual([
        expect.objectContaining({
          source: 'qmp query-cpus-fast',
          message: 'cpu 0 thread-id is 13886.5, not a non-negative integer',
        }),
        expect.objectContaining({
          source: 'qmp query-blockstats',
          message: 'vblk0 wr_bytes is -786432, not a non-negative integer',
        }),
      ]);
    } finally {
      collector.close();
    }
  });
});

describe('recording one folder per reading', () => {
  it('makes every reading folder replay on its own, learnt replies included', async () => {
    const state: { phase: 't0' | 't1' } = { phase: 't0' };
    const server = await serve(capturedQemu(state));
    const base = join(dir, 'recording');
    let index = 1;
    const folder = () => join(base, 'readings', String(index));
    const stampClock = () => ({ monotonicMs: index, time: index });
    const recorder = createQemuVmCollector({
      vms: [{ id: 'vm1', qmpSocket: server.path }],
      recordDir: folder,
      clock: stampClock,
    });
    const recorded = [];
    try {
      recorded.push((await recorder.collect({ signal: signal() }))[0]!);
      index = 2;
      state.phase = 't1';
      recorded.push((await recorder.collect({ signal: signal() }))[0]!);
    } finally {
      recorder.close();
    }
    expect(server.connections).toBe(1);
    // Reading 2 alone, by a fresh replayer: it needs the learnt replies in its own folder.
    const replayer = createQemuVmCollector({ replayDir: folder, clock: stampClock });
    const [replayed] = await replayer.collect({ signal: signal() });
    expect(replayed).toEqual(recorded[1]);
    expect(replayed!.netDevices.map((d) => d.device)).toEqual(['vnet0']);
    expect(replayed!.memorySource).toBe('balloon');
    replayer.close();
  });
});

describe('VM discovery', () => {
  it('finds `<vm-id>.qmp` sockets in a directory and drops VMs whose socket went away', async () => {
    const vmDir = join(dir, 'vms');
    mkdirSync(vmDir, { recursive: true });
    writeFileSync(join(vmDir, 'notes.txt'), 'not a VM');
    await serve(capturedQemu({ phase: 't0' }), undefined, join(vmDir, 'alpha.qmp'));
    const beta = await serve(capturedQemu({ phase: 't0' }), undefined, join(vmDir, 'beta.qmp'));
    const collector = createQemuVmCollector({ vmDir });
    try {
      const first = await collector.collect({ signal: signal() });
      expect(first.map((r) => [r.id, r.problems.length])).toEqual([
        ['alpha', 0],
        ['beta', 0],
      ]);
      expect((await collector.collectVm('beta'))?.id).toBe('beta');
      expect(await collector.collectVm('gamma')).toBeNull();
      await beta.close();
      rmSync(join(vmDir, 'beta.qmp'), { force: true });
      expect((await collector.collect({ signal: signal() })).map((r) => r.id)).toEqual(['alpha']);
    } finally {
      collector.close();
    }
  });

  it('treats a missing directory as no VMs, and looks for it again after vmDirRecheckMs', async () => {
    const vmDir = join(dir, 'late-vms');
    const collector = createQemuVmCollector({ vmDir, vmDirRecheckMs: 300 });
    try {
      expect(await collector.collect({ signal: signal() })).toEqual([]);
      mkdirSync(vmDir, { recursive: true });
      await serve(capturedQemu({ phase: 't0' }), undefined, join(vmDir, 'late.qmp'));
      // Still taken as missing right after the failed listing.
      expect(await collector.collect({ signal: signal() })).toEqual([]);
      await new Promise((r) => setTimeout(r, 350));
      expect((await collector.collect({ signal: signal() })).map((r) => r.id)).toEqual(['late']);
    } finally {
      collector.close();
    }
  });

  it('defaults to $XDG_RUNTIME_DIR/arcbox/vms, else /run/arcbox/vms', () => {
    expect(defaultVmDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/arcbox/vms');
    expect(defaultVmDir({})).toBe('/run/arcbox/vms');
  });
});

describe('createVmMetricsReader', () => {
  it('gives metrics with null rates first, then rates from the kept previous reading', async () => {
    const state: { phase: 't0' | 't1' } = { phase: 't0' };
    const server = await serve(capturedQemu(state));
    let now = 1000;
    const reader = createVmMetricsReader(
      createQemuVmCollector({
        vms: [{ id: 'vm1', qmpSocket: server.path }],
        clock: () => ({ monotonicMs: now, time: now }),
      }),
    );
    try {
      const [first] = await reader.collectVms();
      expect(first!.virtioBlkReadBps).toBeNull();
      expect(first!.memoryPercent).toBeCloseTo((100 * (227696640 - 201383936)) / 227696640, 6);
      state.phase = 't1';
      now += 10_000;
      const second = (await reader.collectVm('vm1'))!;
      const t0 = fixtureReturn('user-netdev/query-blockstats-t0.json') as Array<{
        stats: { rd_bytes: number };
      }>;
      const t1 = fixtureReturn('user-netdev/query-blockstats-t1.json') as Array<{
        stats: { rd_bytes: number };
      }>;
      expect(second.virtioBlkReadBps).toBeCloseTo(
        (t1[0]!.stats.rd_bytes - t0[0]!.stats.rd_bytes) / 10,
        6,
      );
    } finally {
      reader.close();
    }
  });
});
