import { availableParallelism } from 'node:os';
import type { VmReading } from '@arcbox/perf-core';
import { type CommandRunner, execFileRunner } from './command-runner.js';
import { parseVirshDomstats } from './parse-virsh-domstats.js';
import { type Clock, defaultClock } from './qemu-vm-source.js';
import type { VmProvider, VmProviderCallOptions } from './vm-provider.js';

export interface LibvirtVmProviderOptions {
  /** libvirt URI (`qemu:///system`); virsh's default otherwise. */
  uri?: string;
  /** The virsh binary, found on PATH by default. */
  virsh?: string;
  /** Runs virsh; `execFileRunner` by default (tests and replays answer without a process). */
  run?: CommandRunner;
  /** virsh is killed after this long, ms; 3 s by default. */
  timeoutMs?: number;
  /** More output than this is refused, bytes; 16 MiB by default (about 4000 domains). */
  maxOutputBytes?: number;
  clock?: Clock;
  hostCpuCount?: number;
}

/**
 * libvirt's running domains from one `virsh domstats --raw --list-active` run (execFile, an
 * argument array, no shell). Ids are the domain names. No VMM pid and no vCPU thread ids: domstats
 * does not give them. `read` runs the same command and picks the domain, so a name virsh does not
 * know is null without parsing virsh's error text.
 */
export function createLibvirtVmProvider(options: LibvirtVmProviderOptions = {}): VmProvider {
  const run = options.run ?? execFileRunner;
  const clock = options.clock ?? defaultClock;
  const hostCpuCount = options.hostCpuCount ?? availableParallelism();
  const args = [...(options.uri ? ['-c', options.uri] : []), 'domstats', '--raw', '--list-active'];

  const list = async (callOptions: VmProviderCallOptions = {}): Promise<VmReading[]> => {
    const text = await run(options.virsh ?? 'virsh', args, {
      signal: callOptions.signal,
      timeoutMs: options.timeoutMs ?? 3000,
      maxOutputBytes: options.maxOutputBytes ?? 16 * 1024 * 1024,
    });
    return parseVirshDomstats(text, clock(), hostCpuCount);
  };

  return {
    vmm: 'libvirt',
    list,
    async read(id, callOptions) {
      return (await list(callOptions)).find((r) => r.id === id) ?? null;
    },
    close() {},
  };
}
