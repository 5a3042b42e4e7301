import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createProcessSelection, PerfError } from '@arcbox/perf-core';
import type { SourcesConfig } from '../config/sources-config.js';
import { findNamingDockerSocket } from '../find-naming-docker-socket.js';
import { darwinEngineClient } from './darwin-engine-client.js';
import type { MonitorCollectors } from '../monitor-collectors.js';
import { engineEventSource } from './engine-event-source.js';
import {
  closeCollectors,
  type LifecycleEventSource,
  type PlatformSources,
} from './platform-sources.js';
import { findOnPath } from './find-on-path.js';
import { createVmSources } from './vm-sources.js';
import { withEngineLifecycle } from './with-engine-lifecycle.js';
import { withGpuMemory } from './with-gpu-memory.js';

export interface CreatePlatformSourcesOptions {
  /** The platform to build for; this process's by default. */
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

/**
 * The one composition: builds this platform's sources from one validated config. The platform
 * packages are imported here, on demand and only on their platform; the apps call this and
 * never import a platform package themselves.
 *
 * Linux: the host, cgroup containers (named through a Docker-compatible engine when its socket
 * exists), VMs of every enabled VMM, filesystems and NVIDIA GPUs (nvidia-smi on the PATH), all
 * read under `root`. macOS: the host, containers from an engine when its socket exists, VMs of
 * the API-socket VMMs, filesystems, processes and Apple GPUs (ioreg).
 */
export async function createPlatformSources(
  config: SourcesConfig,
  options: CreatePlatformSourcesOptions = {},
): Promise<PlatformSources> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const notes: string[] = [];
  const timeouts: Record<string, number> = {
    system: config.system.timeoutMs,
    containers: config.containers.timeoutMs,
    vms: config.vms.timeoutMs,
    filesystems: config.filesystems.timeoutMs,
    processes: config.processes.timeoutMs,
    gpus: config.gpus.timeoutMs,
  };
  const eventSources: LifecycleEventSource[] = [];
  const collectors = (await buildFor(
    platform,
    config,
    env,
    notes,
    eventSources,
  )) as MonitorCollectors;
  const intervals: Record<string, number> = { filesystems: config.filesystems.intervalMs };
  if (config.processes.intervalMs !== null) intervals.processes = config.processes.intervalMs;
  const selections = {
    processes: createProcessSelection({
      limit: config.processes.limit,
      containers: config.processes.containers,
    }) as (metrics: readonly never[]) => unknown[],
  };
  return {
    collectors,
    timeouts,
    intervals,
    selections,
    notes,
    eventSources,
    close: () => closeCollectors(collectors),
  };
}

async function buildFor(
  platform: NodeJS.Platform,
  config: SourcesConfig,
  env: NodeJS.ProcessEnv,
  notes: string[],
  eventSources: LifecycleEventSource[],
): Promise<Partial<MonitorCollectors>> {
  const { root } = config;
  if (platform === 'linux') {
    const linux = await import('@arcbox/perf-linux');
    const collectors: Partial<MonitorCollectors> = {
      system: linux.createLinuxSystemCollector({ root }),
    };
    let containerCollector: ReturnType<typeof linux.createCgroupContainerCollector> | undefined;
    // One budget of kept descriptors for the collectors that keep them, not one each.
    const descriptors = linux.createDescriptorBudget();
    if (config.containers.enabled) {
      // Names come from the engine when its socket is there, else from the runtimes' state files,
      // else the short id: no socket is no client, not an error.
      const docker = config.docker.enabled ? await import('@arcbox/perf-docker') : null;
      const socket = docker
        ? findNamingDockerSocket(docker, {
            ...(config.docker.socket ? { socketPath: config.docker.socket } : {}),
            env,
          })
        : undefined;
      if (config.docker.enabled && config.docker.socket && socket === undefined)
        notes.push(
          `docker: no engine socket at ${config.docker.socket}: containers keep their cgroup names`,
        );
      const engine =
        docker && socket !== undefined
          ? docker.createDockerClient({ socketPath: socket, timeoutMs: config.docker.timeoutMs })
          : undefined;
      containerCollector = linux.createCgroupContainerCollector({
        root,
        discover: config.containers.discover,
        cgroupPaths: config.containers.paths,
        descriptors,
        ...(engine ? { names: engine } : {}),
      });
      collectors.containers = containerCollector;
      if (docker && engine && socket !== undefined) {
        // State, exit code and restart count from the engine, read again when /events names one.
        const lifecycle = docker.createEngineLifecycle({ client: engine });
        eventSources.push(engineEventSource(docker, socket, (id) => lifecycle.invalidate(id)));
        collectors.containers = withEngineLifecycle(containerCollector, lifecycle);
      }
    }
    if (config.processes.enabled) {
      // Processes get the ids the container collector gives their cgroups.
      const known = containerCollector;
      collectors.processes = linux.createLinuxProcessCollector({
        root,
        descriptors,
        ...(known ? { containers: () => known.discover() } : {}),
      });
    }
    // NVIDIA through nvidia-smi: no nvidia-smi on the PATH is no GPU source, not an error. Most
    // hosts have no GPU: only a loaded NVIDIA driver without nvidia-smi is worth a note.
    const nvidiaSmi = config.gpus.enabled ? findOnPath('nvidia-smi', env) : null;
    if (
      config.gpus.enabled &&
      nvidiaSmi === null &&
      existsSync(join(root, 'proc/driver/nvidia/gpus'))
    )
      notes.push(
        'gpus: an NVIDIA driver is loaded but nvidia-smi is not on the PATH: no GPU source',
      );
    if (nvidiaSmi !== null) {
      const known = containerCollector;
      const gpus = linux.createNvidiaGpuCollector({
        command: nvidiaSmi,
        env,
        root,
        intervalMs: config.gpus.intervalMs,
        appsIntervalMs: config.gpus.appsIntervalMs,
        commandTimeoutMs: Math.max(1000, config.gpus.timeoutMs),
        ...(known ? { containers: () => known.discover() } : {}),
      });
      collectors.gpus = gpus;
      if (collectors.containers)
        collectors.containers = withGpuMemory(collectors.containers, () =>
          gpus.memoryByContainer(),
        );
    }
    if (config.vms.enabled) {
      const vms = await createVmSources(config, 'linux', notes);
      if (vms) collectors.vms = vms;
    }
    if (config.filesystems.enabled)
      collectors.filesystems = linux.createLinuxFilesystemCollector({
        root,
        statfsTimeoutMs: Math.max(10, config.filesystems.timeoutMs - 100),
      });
    return collectors;
  }
  if (platform === 'darwin') {
    const darwin = await import('@arcbox/perf-darwin');
    const collectors: Partial<MonitorCollectors> = {
      system: darwin.createDarwinSystemCollector({ timeoutMs: config.system.timeoutMs }),
    };
    if (config.containers.enabled && config.docker.enabled) {
      const docker = await import('@arcbox/perf-docker');
      const client = darwinEngineClient(docker, config, env);
      if (client) {
        // The engine's /events mark the containers whose state and restart count to read again.
        const lifecycle = docker.createEngineLifecycle({ client });
        eventSources.push(
          engineEventSource(docker, client.socketPath, (id) => lifecycle.invalidate(id)),
        );
        collectors.containers = docker.createDockerContainerCollector({
          client,
          name: 'containers',
          lifecycle,
        });
      } else notes.push('containers: no Docker-compatible engine socket found');
    }
    if (config.vms.enabled) {
      const vms = await createVmSources(config, 'darwin', notes);
      if (vms) collectors.vms = vms;
    }
    if (config.filesystems.enabled)
      collectors.filesystems = darwin.createDarwinFilesystemCollector({
        statfsTimeoutMs: Math.max(10, config.filesystems.timeoutMs - 100),
      });
    if (config.processes.enabled)
      collectors.processes = darwin.createDarwinProcessCollector({
        timeoutMs: config.processes.timeoutMs,
      });
    // Apple Silicon: one ioreg per round; a Mac without an Apple GPU gives none after the first.
    if (config.gpus.enabled)
      collectors.gpus = darwin.createDarwinGpuCollector({ timeoutMs: config.gpus.timeoutMs });
    return collectors;
  }
  throw new PerfError(
    'UNSUPPORTED_PLATFORM',
    `arcbox-perf reads Linux and macOS hosts, not ${platform}`,
  );
}
