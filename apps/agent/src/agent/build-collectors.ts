import { basename } from 'node:path';
import { createDarwinSystemCollector } from '@arcbox/perf-darwin';
import {
  createDockerClient,
  createDockerContainerCollector,
  type DockerClient,
} from '@arcbox/perf-docker';
import {
  createCgroupContainerCollector,
  createFileReader,
  createLinuxSystemCollector,
  createProcThreadReader,
  createTapCounterReader,
} from '@arcbox/perf-linux';
import { createQemuVmCollector, defaultVmDir } from '@arcbox/perf-vmm';
import type { AgentConfig } from '../config/agent-config.js';
import { PerfError } from '@arcbox/perf-core';
import type { MonitorCollectors } from '@arcbox/perf';

function dockerClient(config: AgentConfig): DockerClient | null {
  const docker = config.sources.docker;
  if (!docker.enabled) return null;
  return createDockerClient({
    ...(docker.socket ? { socketPath: docker.socket } : {}),
    timeoutMs: docker.timeoutMs,
  });
}

/**
 * The collectors the config asks for on this platform.
 *
 * Linux: everything is read through file readers under `root`, so the agent in a container reads
 * the host's /proc, /sys and cgroup tree mounted read-only under, say, /host. Containers come from
 * cgroups; a Docker socket, when enabled, only names them (reading them twice would count them
 * twice). macOS: the darwin host collector, and containers from the Docker Engine API.
 */
export function buildCollectors(
  config: AgentConfig,
  platform: NodeJS.Platform = process.platform,
): MonitorCollectors {
  const { sources, root } = config;
  const docker = dockerClient(config);
  if (platform === 'darwin') {
    const collectors: MonitorCollectors = {
      system: createDarwinSystemCollector({ timeoutMs: sources.system.timeoutMs }),
    };
    if (sources.containers.enabled && docker)
      collectors.containers = createDockerContainerCollector({ client: docker });
    return collectors;
  }
  if (platform !== 'linux') {
    throw new PerfError(
      'UNSUPPORTED_PLATFORM',
      `the agent runs on Linux and macOS, not ${platform}`,
    );
  }
  // The host is always sampled: the monitor, the dashboard and the default rules are built on it.
  const collectors: MonitorCollectors = { system: createLinuxSystemCollector({ root }) };
  if (sources.containers.enabled) {
    collectors.containers = createCgroupContainerCollector({
      root,
      discover: sources.containers.discover,
      cgroupPaths: sources.containers.paths,
      ...(docker ? { names: docker } : {}),
    });
  }
  if (sources.vms.enabled) {
    // vCPU thread times and tap counters are host files: read them under the same root.
    const reader = createFileReader({ root, keepOpen: false });
    const vms = sources.vms;
    collectors.vms = createQemuVmCollector({
      vms: vms.sockets.map((socket) => ({
        id: basename(socket).replace(/\.qmp$/, ''),
        qmpSocket: socket,
      })),
      vmDir: vms.socketDir ?? (vms.sockets.length > 0 ? false : defaultVmDir()),
      threads: createProcThreadReader({ reader }),
      interfaces: createTapCounterReader({ reader }),
      // Leave the registry's own timeout the last word: one VM's budget is a little under it.
      timeoutMs: Math.max(100, vms.timeoutMs - 100),
    });
  }
  return collectors;
}

export function collectorTimeouts(
  config: AgentConfig,
): Partial<Record<keyof MonitorCollectors, number>> {
  return {
    system: config.sources.system.timeoutMs,
    containers: config.sources.containers.timeoutMs,
    vms: config.sources.vms.timeoutMs,
  };
}
