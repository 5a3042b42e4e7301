import { existsSync } from 'node:fs';
import { PerfError } from '@arcbox/perf-core';
import { findNamingDockerSocket } from './find-naming-docker-socket.js';
import type { MonitorCollectors } from './monitor-collectors.js';

export interface PlatformCollectorOptions {
  /** Root of /proc and /sys on Linux (`/host` in a container with the host mounted). */
  root?: string;
  /** Read containers (cgroups on Linux, a Docker-compatible engine on macOS). Default true. */
  containers?: boolean;
  /** Read QEMU VMs (Linux). Default true. */
  vms?: boolean;
  /**
   * Docker-compatible engine socket: where macOS reads containers from, and where Linux names
   * its cgroup containers from. Found from DOCKER_HOST and the usual places otherwise.
   */
  dockerSocket?: string;
}

/**
 * The default collectors of a platform, imported only on that platform: Linux reads /proc,
 * /sys and cgroupfs (@arcbox/perf-linux) and QEMU VMs over QMP (@arcbox/perf-vmm); macOS runs
 * its commands (@arcbox/perf-darwin) and asks a Docker-compatible engine for containers when a
 * socket is there (@arcbox/perf-docker). Importing this file loads none of them.
 */
export async function loadPlatformCollectors(
  platform: NodeJS.Platform,
  options: PlatformCollectorOptions = {},
): Promise<MonitorCollectors> {
  if (platform === 'linux') {
    const linux = await import('@arcbox/perf-linux');
    const root = options.root ?? '/';
    const collectors: MonitorCollectors = { system: linux.createLinuxSystemCollector({ root }) };
    if (options.containers !== false) {
      // Names come from the Docker Engine API when a socket is there (SEMANTICS, issue 3), else
      // from the runtimes' state files, else the short id: no socket is no client, not an error.
      const docker = await import('@arcbox/perf-docker');
      const socket = findNamingDockerSocket(docker, {
        ...(options.dockerSocket ? { socketPath: options.dockerSocket } : {}),
      });
      collectors.containers = linux.createCgroupContainerCollector({
        root,
        ...(socket === undefined
          ? {}
          : { names: docker.createDockerClient({ socketPath: socket }) }),
      });
    }
    if (options.vms !== false) {
      const vmm = await import('@arcbox/perf-vmm');
      // vCPU thread times and tap counters come from /proc and /sys of this host.
      const reader = linux.createFileReader({ root, keepOpen: true });
      const qemu = vmm.createQemuVmCollector({
        threads: linux.createProcThreadReader({ reader }),
        interfaces: linux.createTapCounterReader({ reader }),
      });
      collectors.vms = {
        name: 'vms',
        collect: (o) => qemu.collect(o),
        collectVm: (id, o) => qemu.collectVm(id, o),
        close() {
          qemu.close();
          reader.close();
        },
      };
    }
    return collectors;
  }
  if (platform === 'darwin') {
    const darwin = await import('@arcbox/perf-darwin');
    const collectors: MonitorCollectors = { system: darwin.createDarwinSystemCollector() };
    if (options.containers !== false) {
      const docker = await import('@arcbox/perf-docker');
      const socket =
        options.dockerSocket ??
        (process.env.DOCKER_HOST
          ? undefined
          : docker.dockerSocketCandidates().find((p) => existsSync(p)));
      // No engine socket: no containers on this Mac, not an error.
      if (socket !== undefined || process.env.DOCKER_HOST) {
        const client = docker.createDockerClient(
          socket === undefined ? {} : { socketPath: socket },
        );
        collectors.containers = docker.createDockerContainerCollector({
          client,
          name: 'containers',
        });
      }
    }
    return collectors;
  }
  throw new PerfError(
    'UNSUPPORTED_PLATFORM',
    `arcbox-perf reads Linux and macOS hosts, not ${platform}`,
  );
}
