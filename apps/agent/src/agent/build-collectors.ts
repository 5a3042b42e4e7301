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
import type { AgentCollectors } from '../sampler/create-sampler.js';

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
): AgentCollectors {
  const collectors: AgentCollectors = {};
  const { sources, root } = config;
  const docker = dockerClient(config);
  if (platform === 'darwin') {
    if (sources.system.enabled)
      collectors.system = createDarwinSystemCollector({ timeoutMs: sources.system.timeoutMs });
    if (sources.containers.enabled && docker)
      collectors.containers = createDockerContainerCollector({ client: docker });
    return collectors;
  }
  if (platform !== 'linux') return collectors;
  if (sources.system.enabled) collectors.system = createLinuxSystemCollector({ root });
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
): Partial<Record<keyof AgentCollectors, number>> {
  return {
    system: config.sources.system.timeoutMs,
    containers: config.sources.containers.timeoutMs,
    vms: config.sources.vms.timeoutMs,
  };
}
