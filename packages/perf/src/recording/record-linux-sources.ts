import { statfs as nodeStatfs } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { ContainerReading } from '@arcbox/perf-core';
import type { DockerClient } from '@arcbox/perf-docker';
import type { FileReader } from '@arcbox/perf-linux';
import type { SourcesConfig } from '../config/sources-config.js';
import { findNamingDockerSocket } from '../find-naming-docker-socket.js';
import type { MonitorCollectors } from '../monitor-collectors.js';
import { processCollectorOf } from './recorded-processes.js';
import { closeCollectors } from '../sources/platform-sources.js';
import { mountKey } from './mount-key.js';
import type { ReadingCursor } from './reading-cursor.js';
import { createRecordingEngine } from './recorded-engine.js';
import { createEngineEventRecorder, type EngineEventRecorder } from './recorded-engine-events.js';
import type { RecordedSources } from './recorded-sources.js';
import { createStatfsRecorder, type StatfsRecorder } from './recorded-statfs.js';
import { recordingVmProviders } from './record-vm-providers.js';
import type { RecordingSources } from './recording-sources.js';
import { missingSocketDirNotes, vmCollectorOf } from '../sources/vm-collector-of.js';
import { findOnPath } from '../sources/find-on-path.js';
import { withGpuMemory } from '../sources/with-gpu-memory.js';
import { createGpuRecorder, type GpuRecorder } from './record-gpus.js';

/**
 * The Linux sources of `config`, as the live composition builds them, reading through one
 * recording reader per reading: every /proc, /sys and cgroup file any of them reads (host,
 * containers, VM threads and taps, mountinfo) lands at its path under the reading folder, with
 * the engine's, QMP's, the VMMs' and statfs's answers beside it.
 *
 * Two differences from live, both so each reading folder holds everything its replay reads: the
 * host reader consults sysfs on every reading (no device cache), and the cgroup collector is
 * made afresh for each reading (no limits or discovery kept from the last one).
 */
export async function createLinuxRecordingSources(
  config: SourcesConfig,
  cursor: ReadingCursor,
  env: NodeJS.ProcessEnv,
): Promise<RecordingSources> {
  const linux = await import('@arcbox/perf-linux');
  const live = linux.createFileReader({ root: config.root, keepOpen: true });
  let current: { folder: string; reader: FileReader } | null = null;
  const recording = (): FileReader => {
    if (current?.folder !== cursor.folder)
      current = { folder: cursor.folder, reader: linux.createRecordingReader(live, cursor.folder) };
    return current.reader;
  };
  const reader: FileReader = {
    get root() {
      return live.root;
    },
    read: (path, maxBytes) => recording().read(path, maxBytes),
    exists: (path) => recording().exists(path),
    list: (path) => recording().list(path),
    forget: (prefix) => live.forget(prefix),
    // The kept descriptors are the live reader's, closed with the sources.
    close() {},
  };
  const notes: string[] = [];
  const collectors: MonitorCollectors = {
    system: linux.createLinuxSystemCollector({ reader, clock: cursor.clock, cacheSysfs: false }),
  };
  const sources: RecordedSources = {
    version: 1,
    platform: 'linux',
    root: config.root,
    kinds: ['system'],
    containers: null,
    vms: null,
    filesystems: null,
    processes: null,
    timeouts: {
      system: config.system.timeoutMs,
      containers: config.containers.timeoutMs,
      vms: config.vms.timeoutMs,
      filesystems: config.filesystems.timeoutMs,
      processes: config.processes.timeoutMs,
    },
  };

  let engineEvents: EngineEventRecorder | null = null;
  if (config.containers.enabled) {
    let names: DockerClient | undefined;
    let docker: typeof import('@arcbox/perf-docker') | null = null;
    let socket: string | null = null;
    if (config.docker.enabled) {
      docker = await import('@arcbox/perf-docker');
      const found = findNamingDockerSocket(docker, {
        ...(config.docker.socket ? { socketPath: config.docker.socket } : {}),
        env,
      });
      if (config.docker.socket && found === undefined)
        notes.push(
          `docker: no engine socket at ${config.docker.socket}: containers keep their cgroup names`,
        );
      if (found !== undefined) {
        socket = found;
        const client = docker.createDockerClient({
          socketPath: found,
          timeoutMs: config.docker.timeoutMs,
        });
        names = createRecordingEngine(client, () => cursor.folder);
        engineEvents = createEngineEventRecorder(docker, found);
      }
    }
    const engineClient = names;
    const lifecycleOf = docker?.createEngineLifecycle;
    collectors.containers = {
      name: 'containers',
      async collect({ signal }): Promise<ContainerReading[]> {
        const collector = linux.createCgroupContainerCollector({
          reader,
          clock: cursor.clock,
          cgroupPaths: config.containers.paths,
          discover: config.containers.discover,
          ...(names ? { names } : {}),
        });
        try {
          const readings = await collector.collect({ signal });
          // Each reading inspects every container again, so each reading folder holds the
          // replies its replay needs (state, exit code, restart count).
          return engineClient && lifecycleOf
            ? await lifecycleOf({ client: engineClient, refreshMs: 0 }).annotate(readings, {
                signal,
              })
            : readings;
        } finally {
          collector.close();
        }
      },
    };
    sources.kinds.push('containers');
    sources.containers = {
      source: 'cgroups',
      cgroupPaths: [...config.containers.paths],
      discover: config.containers.discover,
      engine: socket,
    };
  }

  if (config.vms.enabled) {
    const vmm = await import('@arcbox/perf-vmm');
    const hostCpuCount = availableParallelism();
    const { providers, vmms } = recordingVmProviders(config.vms, {
      vmm,
      threads: linux.createProcThreadReader({ reader }),
      interfaces: linux.createTapCounterReader({ reader }),
      cursor,
      timeoutMs: Math.max(100, config.vms.timeoutMs - 100),
      hostCpuCount,
    });
    notes.push(...missingSocketDirNotes(config));
    if (providers.length > 0) {
      collectors.vms = vmCollectorOf(vmm, providers, {
        timeoutMs: config.vms.timeoutMs,
        clock: cursor.clock,
        hostCpuCount,
      });
      sources.kinds.push('vms');
      sources.vms = { hostCpuCount, vmms };
    }
  }

  if (config.processes.enabled) {
    const hostCpuCount = availableParallelism();
    collectors.processes = processCollectorOf(linux, reader, cursor.clock, hostCpuCount, config);
    sources.kinds.push('processes');
    sources.processes = { hostCpuCount };
  }

  // NVIDIA as live: the streaming child when nvidia-smi is on the PATH. Its pids are given the
  // containers of the live cgroup discovery (the recorded cgroup collector is made per reading).
  let gpus: GpuRecorder | null = null;
  let discovery: ReturnType<typeof linux.createCgroupContainerCollector> | null = null;
  const nvidiaSmi = config.gpus.enabled ? findOnPath('nvidia-smi', env) : null;
  if (nvidiaSmi !== null) {
    discovery = config.containers.enabled
      ? linux.createCgroupContainerCollector({
          root: config.root,
          cgroupPaths: config.containers.paths,
          discover: config.containers.discover,
        })
      : null;
    gpus = createGpuRecorder(
      linux,
      {
        command: nvidiaSmi,
        env,
        root: config.root,
        intervalMs: config.gpus.intervalMs,
        appsIntervalMs: config.gpus.appsIntervalMs,
        commandTimeoutMs: Math.max(1000, config.gpus.timeoutMs),
        ...(discovery ? { containers: () => discovery?.discover() ?? [] } : {}),
      },
      cursor,
    );
    const recorder = gpus;
    collectors.gpus = recorder.collector;
    if (collectors.containers)
      collectors.containers = withGpuMemory(collectors.containers, () =>
        recorder.memoryByContainer(),
      );
    sources.kinds.push('gpus');
    sources.gpus = { source: 'nvidia-smi' };
    sources.timeouts.gpus = config.gpus.timeoutMs;
  }

  let statfs: StatfsRecorder<Awaited<ReturnType<typeof bigintStatfs>>> | null = null;
  if (config.filesystems.enabled) {
    const recorder = createStatfsRecorder(
      bigintStatfs,
      (path) => mountKey(config.root, path),
      cursor,
    );
    statfs = recorder;
    const statfsTimeoutMs = Math.max(10, config.filesystems.timeoutMs - 100);
    collectors.filesystems = linux.createLinuxFilesystemCollector({
      root: config.root,
      reader,
      statfs: recorder.statfs,
      clock: cursor.clock,
      statfsTimeoutMs,
    });
    sources.kinds.push('filesystems');
    sources.filesystems = { statfsTimeoutMs };
  }

  return {
    collectors,
    timeouts: sources.timeouts,
    sources,
    notes,
    finishReading: async (folder) => {
      await statfs?.write(folder);
      await engineEvents?.write(folder);
      await gpus?.write(folder);
    },
    async close() {
      await engineEvents?.close();
      await closeCollectors(collectors);
      discovery?.close?.();
      live.close();
    },
  };
}

/** What the live Linux filesystem collector calls: statfs(2) with 64-bit counts. */
const bigintStatfs = (path: string) => nodeStatfs(path, { bigint: true });
