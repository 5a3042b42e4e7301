// The libvirt provider with an injected runner answering in the `virsh domstats --raw` format
// (the live proof is libvirt-vm.vm.test.ts), and with a stand-in virsh that hangs.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandRunner, CommandRunOptions } from './command-runner.js';
import { createLibvirtVmProvider } from './libvirt-vm-provider.js';
import { createVmCollector } from './vm-collector.js';
import { createQemuVmProvider } from './qemu-vm-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-libvirt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const domstats = `Domain: 'web1'
  state.state=1
  cpu.time=9500000000
  vcpu.current=1
  vcpu.0.time=3000000000
  block.count=1
  block.0.name=vda
  block.0.rd.bytes=40960
Domain: 'web2'
  state.state=3
  cpu.time=100
`;

function recordingRunner(answer: () => Promise<string>) {
  const calls: Array<{ file: string; args: readonly string[]; options: CommandRunOptions }> = [];
  const run: CommandRunner = (file, args, options) => {
    calls.push({ file, args, options });
    return answer();
  };
  return { run, calls };
}

describe('createLibvirtVmProvider', () => {
  it('runs virsh with an argument array: the URI, raw domstats of the active domains, its bounds', async () => {
    const { run, calls } = recordingRunner(async () => domstats);
    const provider = createLibvirtVmProvider({
      uri: 'qemu:///system',
      virsh: '/usr/bin/virsh',
      run,
      timeoutMs: 1234,
      maxOutputBytes: 5678,
      hostCpuCount: 4,
    });
    const controller = new AbortController();
    const list = await provider.list({ signal: controller.signal });
    expect(list.map((r) => [r.id, r.vmm, r.processCpuSeconds])).toEqual([
      ['web1', 'libvirt', 9.5],
      ['web2', 'libvirt', 1e-7],
    ]);
    expect(calls).toEqual([
      {
        file: '/usr/bin/virsh',
        args: ['-c', 'qemu:///system', 'domstats', '--raw', '--list-active'],
        options: { signal: controller.signal, timeoutMs: 1234, maxOutputBytes: 5678 },
      },
    ]);
    expect(provider.vmm).toBe('libvirt');
  });

  it('reads one domain by name, null for a name libvirt does not have', async () => {
    const provider = createLibvirtVmProvider({ run: async () => domstats });
    expect((await provider.read('web1'))?.blockDevices[0]?.readBytes).toBe(40960);
    expect(await provider.read('nope')).toBeNull();
  });

  it('fails as a whole when virsh fails: the merged collector keeps it to a problem', async () => {
    const failing = new PerfError('COMMAND_FAILED', 'virsh: failed to connect to the hypervisor');
    const provider = createLibvirtVmProvider({ run: () => Promise.reject(failing) });
    await expect(provider.list()).rejects.toBe(failing);
    const collector = createVmCollector({
      providers: [createQemuVmProvider({ vmDir: join(dir, 'no-qemu-here') }), provider],
    });
    expect(await collector.collect({ signal: new AbortController().signal })).toEqual([]);
    expect(collector.problems).toEqual([
      { source: 'libvirt', code: 'COMMAND_FAILED', message: failing.message },
    ]);
  });

  it('kills a hung virsh at its timeout (a stand-in virsh that sleeps)', async () => {
    const virsh = join(dir, 'virsh');
    writeFileSync(virsh, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(virsh, 0o755);
    const provider = createLibvirtVmProvider({ virsh, timeoutMs: 200 });
    const started = performance.now();
    await expect(provider.list()).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
