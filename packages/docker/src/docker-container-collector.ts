import {
  type Collector,
  type ContainerReading,
  PerfError,
  throwIfAborted,
} from '@arcbox/perf-core';
import { type DockerClient, hostFromInfo, limitsFromInspect } from './docker-client.js';
import type { DockerContainerLimits, DockerInfo } from './docker-types.js';
import { dockerStatsToReading } from './docker-stats-to-reading.js';
import { createEngineLifecycle, type EngineLifecycle } from './engine-lifecycle.js';

export interface DockerContainerCollectorOptions {
  client: DockerClient;
  clock?: () => { monotonicMs: number; time: number };
  /** Collector name in a registry; `docker` by default. */
  name?: string;
  /**
   * Keeps state, exit code, OOMKilled and restart count fresh (one the engine's `/events` can
   * invalidate); one over `client` by default.
   */
  lifecycle?: EngineLifecycle;
}

const defaultClock = () => ({ monotonicMs: performance.now(), time: Date.now() });

/**
 * Container readings from a Docker Engine API (Docker, Podman, Docker Desktop, OrbStack, Colima,
 * ArcBox): the list, then one stats call per container, concurrency-limited by the client. An
 * engine that does not answer fails this collector only; one container's failed or malformed
 * stats give that container a reading with every figure null and the error named.
 */
export function createDockerContainerCollector(
  options: DockerContainerCollectorOptions,
): Collector<ContainerReading[]> {
  const { client } = options;
  const clock = options.clock ?? defaultClock;
  const lifecycle = options.lifecycle ?? createEngineLifecycle({ client });
  let host: { memory: number | null; cpus: number | null } | null = null;
  // Configured limits per container, from one inspect call when the container is first seen.
  const limits = new Map<string, DockerContainerLimits>();
  const limitsOf = async (
    id: string,
    signal: AbortSignal,
  ): Promise<DockerContainerLimits | null> => {
    const known = limits.get(id);
    if (known) return known;
    try {
      const inspect = await client.inspect(id, { signal });
      if (!inspect) return null;
      const found = limitsFromInspect(inspect);
      limits.set(id, found);
      return found;
    } catch {
      throwIfAborted(signal, 'docker');
      // Stats still stand without it: the limit then falls back to the host-memory rule.
      return null;
    }
  };

  return {
    name: options.name ?? 'docker',
    async collect({ signal }) {
      const engine = await client.engine({ signal });
      if (!host) {
        // Host facts only refine the limit and CPU count: an engine without /info still reports.
        const info: DockerInfo = await client.info({ signal }).catch(() => {
          throwIfAborted(signal, 'docker');
          return {};
        });
        host = hostFromInfo(info);
      }
      const facts = host;
      const containers = await client.listContainers({ signal });
      const readings = await Promise.all(
        containers.map(async (c): Promise<ContainerReading | null> => {
          const context = {
            engine,
            id: c.id,
            name: c.name,
            labels: c.labels,
            hostMemoryTotal: facts.memory,
            hostCpuCount: facts.cpus,
          };
          try {
            const [stats, configured] = await Promise.all([
              client.stats(c.id, { signal }),
              limitsOf(c.id, signal),
            ]);
            // Gone or not started between the list and its stats: its series ends, no error.
            if (stats === null) return null;
            return dockerStatsToReading(stats, { ...context, limits: configured, stamp: clock() });
          } catch (error) {
            throwIfAborted(signal, 'docker');
            return failedReading(context, clock(), error);
          }
        }),
      );
      const live = new Set(containers.map((c) => c.id));
      for (const id of [...limits.keys()]) if (!live.has(id)) limits.delete(id);
      const found = readings.filter((r): r is ContainerReading => r !== null);
      return lifecycle.annotate(found, { signal });
    },
  };
}

function failedReading(
  context: {
    engine: 'docker' | 'podman';
    id: string;
    name: string;
    labels: Record<string, string>;
    hostMemoryTotal: number | null;
    hostCpuCount: number | null;
  },
  stamp: { monotonicMs: number; time: number },
  error: unknown,
): ContainerReading {
  const e = PerfError.from(error, 'PROTOCOL_ERROR', 'stats request failed');
  return {
    ...stamp,
    id: context.id,
    name: context.name,
    runtime: context.engine === 'podman' ? 'podman' : 'docker',
    source: 'docker-api',
    cgroupPath: null,
    labels: context.labels,
    cpuSeconds: null,
    systemCpuSeconds: null,
    cpuPeriods: null,
    cpuThrottledPeriods: null,
    cpuThrottledSeconds: null,
    cpuLimitCores: null,
    hostCpuCount: context.hostCpuCount ?? 1,
    hostMemoryTotal: context.hostMemoryTotal,
    memoryUsage: null,
    memoryWorkingSet: null,
    memoryLimit: null,
    blockReadBytes: null,
    blockWriteBytes: null,
    blockReadOps: null,
    blockWriteOps: null,
    interfaces: null,
    pids: null,
    pidsLimit: null,
    problems: [{ source: `/containers/${context.id}/stats`, message: e.message, code: e.code }],
  };
}
