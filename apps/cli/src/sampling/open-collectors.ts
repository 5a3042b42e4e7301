import { basename } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { CliConfig } from '../cli-config.js';
import type { SamplerCollectors } from './create-sampler.js';

export interface OpenCollectorsOptions {
  /** Proc/sys root (`/` by default; `/host` in a container with the host's /proc and /sys). */
  root?: string;
  /** Which kinds to open: a `snapshot` of the host alone need not look for containers. */
  system?: boolean;
  containers?: boolean;
  vms?: boolean;
  /** Extra cgroups to show as containers (paths or globs), besides the runtimes' own. */
  cgroupPaths?: string[];
  /** QMP sockets of QEMU VMs, besides those in `vmDir`. */
  qmpSockets?: string[];
  vmDir?: string;
}

/** The collector options a command's flags and the config file give, flags first. */
export function collectorOptionsFrom(
  flags: { root?: string; cgroup?: string[] },
  config: CliConfig,
): Omit<OpenCollectorsOptions, 'system' | 'containers' | 'vms'> {
  const root = flags.root ?? config.root;
  const cgroupPaths = [...(config.cgroupPaths ?? []), ...(flags.cgroup ?? [])];
  return {
    ...(root === undefined ? {} : { root }),
    ...(cgroupPaths.length > 0 ? { cgroupPaths } : {}),
    ...(config.qmpSockets ? { qmpSockets: config.qmpSockets } : {}),
    ...(config.vmDir ? { vmDir: config.vmDir } : {}),
  };
}

/**
 * Opens this platform's collectors. The packages are imported on demand so a command loads
 * only what it reads (start-up time is a goal of its own).
 */
export async function openCollectors(options: OpenCollectorsOptions): Promise<SamplerCollectors> {
  if (process.platform === 'darwin') {
    // macOS: the host from perf-darwin (commands and node:os, no /proc); containers there are
    // Docker Desktop's VM, and VMs have no public per-device statistics (SEMANTICS.md).
    const { createDarwinSystemCollector } = await import('@arcbox/perf-darwin');
    return options.system === false ? {} : { system: createDarwinSystemCollector({}) };
  }
  if (process.platform !== 'linux') {
    throw new PerfError('UNSUPPORTED_PLATFORM', `no collectors for ${process.platform}`);
  }
  const root = options.root ?? '/';
  const [linux, vmm] = await Promise.all([
    import('@arcbox/perf-linux'),
    options.vms ? import('@arcbox/perf-vmm') : null,
  ]);
  const out: SamplerCollectors = {};
  if (options.system !== false) out.system = linux.createLinuxSystemCollector({ root });
  if (options.containers) {
    out.containers = [
      linux.createCgroupContainerCollector({
        root,
        ...(options.cgroupPaths?.length ? { cgroupPaths: options.cgroupPaths } : {}),
      }),
    ];
  }
  if (vmm) {
    const vms = (options.qmpSockets ?? []).map((socket) => ({
      id: basename(socket).replace(/\.qmp$/, ''),
      qmpSocket: socket,
    }));
    out.vms = [
      vmm.createQemuVmCollector({
        ...(vms.length > 0 ? { vms } : {}),
        ...(options.vmDir ? { vmDir: options.vmDir } : {}),
      }),
    ];
  }
  return out;
}
