import { computeSystemMetrics, createCollectorRegistry, PerfError } from '@arcbox/perf-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CommandRunner, createExecFileRunner } from './command-runner.js';
import type { DarwinOs } from './darwin-cpu.js';
import { createDarwinSystemCollector } from './darwin-system-collector.js';
import { createStubCommands, type StubCommands } from './stub-commands.js';

const fixedOs: DarwinOs = {
  cpus: () => [
    { times: { user: 1000, nice: 0, sys: 500, idle: 8000, irq: 0 } },
    { times: { user: 2000, nice: 10, sys: 1000, idle: 7000, irq: 5 } },
  ],
  loadavg: () => [1.5, 1.25, 1],
};
const signal = () => new AbortController().signal;
let clockMs = 0;
const clock = () => {
  clockMs += 1000;
  return { monotonicMs: clockMs, time: Date.UTC(2026, 0, 1) + clockMs };
};

// Real processes: stub executables named vm_stat, sysctl, ioreg, netstat print real macOS
// captures (ioreg: the constructed input), run through the real execFile runner.
describe('createDarwinSystemCollector with real processes printing macOS outputs', () => {
  let stubs: StubCommands;
  let run: CommandRunner;
  beforeEach(() => {
    stubs = createStubCommands();
    run = createExecFileRunner({ env: { PATH: stubs.bin } });
  });
  afterEach(() => stubs.dispose());

  it('reads every source with 4 processes: vm_stat, sysctl by name, ioreg, netstat', async () => {
    const collector = createDarwinSystemCollector({ run, os: fixedOs, clock, timeoutMs: 20_000 });
    expect(collector.name).toBe('system');
    const r = await collector.collect({ signal: signal() });
    expect(stubs.calls().sort()).toEqual([
      'ioreg -c IOBlockStorageDriver -r -l -w 0 -d 2',
      'netstat -i -b -n -d -W',
      'sysctl hw.memsize hw.pagesize hw.ncpu vm.swapusage kern.memorystatus_vm_pressure_level',
      'vm_stat',
    ]);
    expect(r.platform).toBe('darwin');
    expect(r.cpuCount).toBe(2);
    expect(r.cpu?.total).toMatchObject({ user: 3, nice: 0.01, system: 1.5, idle: 15, irq: 0.005 });
    expect(r.cpu?.cores.map((c) => c.id)).toEqual([0, 1]);
    expect(r.load).toEqual({ load1: 1.5, load5: 1.25, load15: 1 });
    expect(r.memory).toMatchObject({ total: 34359738368, used: 24300650496, missing: [] });
    expect(r.disks?.map((d) => [d.name, d.readBytes, d.writeBytes])).toEqual([
      ['disk0', 215731134464, 143358681088],
      ['disk4', 19145728, 868352],
      ['driver2', 0, 0],
    ]);
    expect(r.interfaces?.map((i) => [i.name, i.rxBytes, i.countedInTotal])).toEqual([
      ['lo0', 12824763793, false],
      ['gif0', 0, false],
      ['stf0', 0, false],
      ['en0', 7295722068, true],
    ]);
    expect(r.pressure).toBeNull();
    // The M1 Pro dump has no vm.swapusage nor pressure level: tolerated, and said.
    expect(r.problems).toEqual([
      {
        source: 'sysctl',
        message: 'not reported by this macOS: vm.swapusage, kern.memorystatus_vm_pressure_level',
      },
    ]);
    expect(r.memory?.swapTotal).toBeNull();
  });

  it('leaves a failing command’s part null with the reason; the others still report', async () => {
    stubs.set('netstat', 'echo "netstat: sysctl: Operation not permitted" >&2\nexit 2');
    stubs.set('vm_stat', `exec ${stubs.tools.sleep} 30`);
    // Only vm_stat gets a short timeout, so a loaded machine cannot time out the others.
    const perCommand: CommandRunner = {
      run: (command, args, options) =>
        run.run(command, args, { ...options, timeoutMs: command === 'vm_stat' ? 300 : 20_000 }),
    };
    const collector = createDarwinSystemCollector({ run: perCommand, os: fixedOs, clock });
    const r = await collector.collect({ signal: signal() });
    expect(r.interfaces).toBeNull();
    expect(r.memory).toBeNull();
    expect(r.disks).toHaveLength(3);
    expect(r.cpu).not.toBeNull();
    const bySource = Object.fromEntries(r.problems.map((p) => [p.source, p]));
    expect(bySource.netstat).toMatchObject({
      code: 'COMMAND_FAILED',
      message: 'netstat exited with 2: netstat: sysctl: Operation not permitted',
    });
    expect(bySource.vm_stat?.code).toBe('TIMEOUT');
  });

  it('takes what sysctl printed when it exits 1 over an unknown name', async () => {
    stubs.set(
      'sysctl',
      [
        'echo "hw.memsize: 17179869184"',
        'echo "hw.ncpu: 8"',
        'echo "sysctl: unknown oid \'kern.memorystatus_vm_pressure_level\'" >&2',
        'exit 1',
      ].join('\n'),
    );
    const collector = createDarwinSystemCollector({ run, os: fixedOs, clock, timeoutMs: 20_000 });
    const r = await collector.collect({ signal: signal() });
    // No hw.pagesize: the vm_stat header (16384) gives the page size.
    expect(r.memory).toMatchObject({ total: 17179869184, wired: 165932 * 16384 });
    expect(r.problems).toEqual([
      {
        source: 'sysctl',
        message:
          'not reported by this macOS: hw.pagesize, vm.swapusage, kern.memorystatus_vm_pressure_level',
      },
    ]);
  });

  it('memory is null, with the reason, when sysctl has no hw.memsize', async () => {
    stubs.set('sysctl', 'echo "hw.ncpu: 8"');
    const collector = createDarwinSystemCollector({ run, os: fixedOs, clock, timeoutMs: 20_000 });
    const r = await collector.collect({ signal: signal() });
    expect(r.memory).toBeNull();
    expect(r.problems.find((p) => p.source === 'memory')).toEqual({
      source: 'memory',
      code: 'PARSE_ERROR',
      message: 'hw.memsize is missing: no memory total (sysctl, field hw.memsize)',
    });
    expect(r.interfaces).toHaveLength(4);
  });

  it('an unknown ioreg layout hands disks to iostat from the next reading, still 4 processes', async () => {
    stubs.set('ioreg', 'echo "something never seen"');
    const collector = createDarwinSystemCollector({ run, os: fixedOs, clock, timeoutMs: 20_000 });
    const first = await collector.collect({ signal: signal() });
    expect(first.disks).toBeNull();
    expect(first.problems.map((p) => p.source)).toContain('ioreg');
    expect(first.problems.find((p) => p.source === 'ioreg')?.code).toBe('PARSE_ERROR');
    expect(collector.diskSource).toBe('iostat');
    const second = await collector.collect({ signal: signal() });
    expect(second.disks?.map((d) => [d.name, d.totalBytes, d.readBytes])).toEqual([
      ['disk0', Math.round(361470.25 * 1024 * 1024), null],
      ['disk4', Math.round(21.13 * 1024 * 1024), null],
    ]);
    const calls = stubs.calls();
    expect(calls).toHaveLength(8);
    expect(calls.filter((c) => c.startsWith('iostat'))).toEqual(['iostat -I -d -n 32 -c 1']);
  });

  it('ioreg not on PATH: iostat answers in the same reading (a missing command starts no process)', async () => {
    stubs.remove('ioreg');
    const collector = createDarwinSystemCollector({ run, os: fixedOs, clock, timeoutMs: 20_000 });
    const r = await collector.collect({ signal: signal() });
    expect(r.disks?.map((d) => d.name)).toEqual(['disk0', 'disk4']);
    expect(r.problems.find((p) => p.source === 'ioreg')?.message).toBe('ioreg is not on PATH');
    expect(stubs.calls()).toHaveLength(4);
  });

  it('no macOS command at all (this Linux host): only CPU and load, every other part explained', async () => {
    const empty = createExecFileRunner({ env: { PATH: `${stubs.bin}/none` } });
    const collector = createDarwinSystemCollector({ run: empty, clock, timeoutMs: 20_000 });
    const r = await collector.collect({ signal: signal() });
    // Real os.cpus() and os.loadavg() of this machine.
    expect(r.cpu?.cores.length).toBeGreaterThan(0);
    expect(r.cpuCount).toBe(r.cpu?.cores.length);
    expect(r.load?.load1).toBeGreaterThanOrEqual(0);
    expect([r.memory, r.disks, r.interfaces, r.pressure]).toEqual([null, null, null, null]);
    expect(r.problems.map((p) => p.source).sort()).toEqual([
      'ioreg',
      'iostat',
      'netstat',
      'sysctl',
      'vm_stat',
    ]);
    expect(r.problems.every((p) => p.message.length > 0)).toBe(true);
  });

  it('gives rates through core: two readings from the live runner', async () => {
    const collector = createDarwinSystemCollector({ run, os: fixedOs, clock, timeoutMs: 20_000 });
    const a = await collector.collect({ signal: signal() });
    const b = await collector.collect({ signal: signal() });
    const m = computeSystemMetrics(a, b);
    expect(m.intervalMs).toBe(1000);
    expect([m.netRxBps, m.diskReadBps, m.memoryTotal]).toEqual([0, 0, 34359738368]);
  });

  it('runs inside core’s registry and rejects when aborted', async () => {
    const collector = createDarwinSystemCollector({ run, os: fixedOs, clock, timeoutMs: 20_000 });
    const registry = createCollectorRegistry({ collectors: { system: collector } });
    const out = await registry.run();
    expect(out.system?.ok && out.system.value.memory?.total).toBe(34359738368);
    const error = await collector.collect({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.code).toBe('ABORTED');
  });
});
