import { createCgroupContainerCollector, createLinuxSystemCollector } from '@arcbox/perf-linux';
import type { AgentConfig } from '../config/agent-config.js';
import type { AgentCollectors } from '../sampler/create-sampler.js';

/**
 * The collectors the config asks for on this platform. Everything Linux reads goes through a
 * file reader under `root`, so the agent in a container reads the host's /proc, /sys and cgroup
 * tree mounted read-only under, say, /host.
 */
export function buildCollectors(
  config: AgentConfig,
  platform: NodeJS.Platform = process.platform,
): AgentCollectors {
  const collectors: AgentCollectors = {};
  if (platform !== 'linux') return collectors;
  const { sources, root } = config;
  if (sources.system.enabled) collectors.system = createLinuxSystemCollector({ root });
  if (sources.containers.enabled) {
    collectors.containers = createCgroupContainerCollector({
      root,
      discover: sources.containers.discover,
      cgroupPaths: sources.containers.paths,
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
