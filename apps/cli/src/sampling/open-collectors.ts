import type { MonitorCollectors } from '@arcbox/perf';
import type { CliConfig } from '../cli-config.js';

export interface OpenCollectorsOptions {
  /** Proc/sys root (`/` by default; `/host` in a container with the host's /proc and /sys). */
  root?: string;
  /** Read containers and VMs too; the host is always read. */
  containers?: boolean;
  vms?: boolean;
  /** Extra cgroups to show as containers (paths or globs), besides the runtimes' own. */
  cgroupPaths?: string[];
  /** QMP sockets of QEMU VMs, besides those in `vmDir`. */
  qmpSockets?: string[];
  vmDir?: string;
  dockerSocket?: string;
}

/** The collector options a command's flags and the config file give, flags first. */
export function collectorOptionsFrom(
  flags: { root?: string; cgroup?: string[]; vmDir?: string },
  config: CliConfig,
): Omit<OpenCollectorsOptions, 'containers' | 'vms'> {
  const root = flags.root ?? config.root;
  const vmDir = flags.vmDir ?? config.vmDir;
  const cgroupPaths = [...(config.cgroupPaths ?? []), ...(flags.cgroup ?? [])];
  return {
    ...(root === undefined ? {} : { root }),
    ...(cgroupPaths.length > 0 ? { cgroupPaths } : {}),
    ...(config.qmpSockets ? { qmpSockets: config.qmpSockets } : {}),
    ...(vmDir ? { vmDir } : {}),
    ...(config.dockerSocket ? { dockerSocket: config.dockerSocket } : {}),
  };
}

/**
 * This platform's collectors, as @arcbox/perf loads them (imported on demand, so a command
 * loads only what it reads). Where the CLI was told more than those defaults take (extra
 * cgroups, VM sockets), the containers or VMs collector is made here with those inputs.
 */
export async function openCollectors(options: OpenCollectorsOptions): Promise<MonitorCollectors> {
  const { loadPlatformCollectors } = await import('@arcbox/perf');
  const root = options.root ?? '/';
  const customContainers =
    process.platform === 'linux' && options.containers && options.cgroupPaths !== undefined;
  const customVms =
    process.platform === 'linux' &&
    options.vms &&
    (options.qmpSockets !== undefined || options.vmDir !== undefined);
  const collectors = await loadPlatformCollectors(process.platform, {
    root,
    containers: options.containers === true && !customContainers,
    vms: options.vms === true && !customVms,
    ...(options.dockerSocket ? { dockerSocket: options.dockerSocket } : {}),
  });
  if (customContainers || customVms) {
    const linux = await import('@arcbox/perf-linux');
    if (customContainers) {
      collectors.containers = linux.createCgroupContainerCollector({
        root,
        cgroupPaths: options.cgroupPaths ?? [],
      });
    }
    if (customVms) {
      const vmm = await import('@arcbox/perf-vmm');
      // vCPU thread times and tap counters come from /proc and /sys of this host, as perf wires them.
      const reader = linux.createFileReader({ root, keepOpen: true });
      const vms = qmpSocketTargets(options.qmpSockets ?? []);
      const qemu = vmm.createQemuVmCollector({
        threads: linux.createProcThreadReader({ reader }),
        interfaces: linux.createTapCounterReader({ reader }),
        ...(vms.length > 0 ? { vms } : {}),
        ...(options.vmDir ? { vmDir: options.vmDir } : {}),
      });
      collectors.vms = {
        name: 'vms',
        collect: (o) => qemu.collect(o),
        close() {
          qemu.close();
          reader.close();
        },
      };
    }
  }
  return collectors;
}

/** Configured QMP sockets as VM targets, the id being the file name without `.qmp`. */
export function qmpSocketTargets(sockets: readonly string[]): { id: string; qmpSocket: string }[] {
  return sockets.map((socket) => ({
    id: socket.replace(/^.*\//, '').replace(/\.qmp$/, ''),
    qmpSocket: socket,
  }));
}
