import { statfs as nodeStatfs } from 'node:fs/promises';
import { join } from 'node:path';
import * as nodeOs from 'node:os';
import type { CommandRunner, DarwinOs, StatfsFunction } from '@arcbox/perf-darwin';
import type { SourcesConfig } from '../config/sources-config.js';
import type { MonitorCollectors } from '../monitor-collectors.js';
import { closeCollectors } from '../sources/platform-sources.js';
import type { ReadingCursor } from './reading-cursor.js';
import { createRecordingEngine } from './recorded-engine.js';
import type { RecordedSources } from './recorded-sources.js';
import { createStatfsRecorder } from './recorded-statfs.js';
import { GPU_FOLDER } from './recorded-gpus.js';
import { recordingVmProviders } from './record-vm-providers.js';
import type { RecordingSources } from './recording-sources.js';
import { darwinEngineClient } from '../sources/darwin-engine-client.js';
import { missingSocketDirNotes, vmCollectorOf } from '../sources/vm-collector-of.js';

/** The live inputs of a Mac; tests pass recorded outputs to record on any machine. */
export interface DarwinLiveInputs {
  run?: CommandRunner;
  os?: DarwinOs;
  statfs?: StatfsFunction;
}

/**
 * The macOS sources of `config`, as the live composition builds them: each command's stdout
 * under `commands/`, node:os values under `os/`, the engine's replies under `engine/`, the VMMs'
 * under `vmm/`, and statfs results in `statfs.json`.
 */
export async function createDarwinRecordingSources(
  config: SourcesConfig,
  cursor: ReadingCursor,
  env: NodeJS.ProcessEnv,
  inputs: DarwinLiveInputs = {},
): Promise<RecordingSources> {
  const darwin = await import('@arcbox/perf-darwin');
  const run = darwin.createRecordingRunner(
    inputs.run ?? darwin.createExecFileRunner(),
    () => cursor.folder,
  );
  const os = darwin.createRecordingOs(
    inputs.os ?? { cpus: () => nodeOs.cpus(), loadavg: () => nodeOs.loadavg() },
  );
  const notes: string[] = [];
  const collectors: MonitorCollectors = {
    system: darwin.createDarwinSystemCollector({
      run,
      os: os.os,
      clock: cursor.clock,
      timeoutMs: config.system.timeoutMs,
    }),
  };
  const sources: RecordedSources = {
    version: 1,
    platform: 'darwin',
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

  if (config.containers.enabled && config.docker.enabled) {
    const docker = await import('@arcbox/perf-docker');
    const client = darwinEngineClient(docker, config, env);
    // No engine socket: no containers on this Mac, not an error.
    if (client) {
      collectors.containers = docker.createDockerContainerCollector({
        client: createRecordingEngine(client, () => cursor.folder),
        name: 'containers',
        clock: cursor.clock,
      });
      sources.kinds.push('containers');
      sources.containers = {
        source: 'engine',
        cgroupPaths: [],
        discover: false,
        engine: client.socketPath,
      };
    } else notes.push('containers: no Docker-compatible engine socket found');
  }

  if (config.vms.enabled) {
    const vmm = await import('@arcbox/perf-vmm');
    const hostCpuCount = nodeOs.availableParallelism();
    const { providers, vmms } = recordingVmProviders(config.vms, {
      vmm,
      threads: null,
      interfaces: null,
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
    // One ps per reading through the recording runner: its output is the reading's ps.txt.
    const hostCpuCount = nodeOs.availableParallelism();
    collectors.processes = darwin.createDarwinProcessCollector({
      run,
      clock: cursor.clock,
      hostCpuCount,
      timeoutMs: config.processes.timeoutMs,
    });
    sources.kinds.push('processes');
    sources.processes = { hostCpuCount };
  }

  if (config.gpus.enabled) {
    // ioreg under gpus/commands/: the host's own ioreg (block storage) is commands/ioreg.txt.
    collectors.gpus = darwin.createDarwinGpuCollector({
      run: darwin.createRecordingRunner(inputs.run ?? darwin.createExecFileRunner(), () =>
        join(cursor.folder, GPU_FOLDER),
      ),
      clock: cursor.clock,
      timeoutMs: config.gpus.timeoutMs,
    });
    sources.kinds.push('gpus');
    sources.gpus = { source: 'ioreg' };
    sources.timeouts.gpus = config.gpus.timeoutMs;
  }

  const statfs = config.filesystems.enabled
    ? createStatfsRecorder(inputs.statfs ?? ((path: string) => nodeStatfs(path)), (p) => p, cursor)
    : null;
  if (statfs) {
    const statfsTimeoutMs = Math.max(10, config.filesystems.timeoutMs - 100);
    collectors.filesystems = darwin.createDarwinFilesystemCollector({
      run,
      statfs: statfs.statfs,
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
    async finishReading(folder) {
      await os.write(folder);
      await statfs?.write(folder);
    },
    close: () => closeCollectors(collectors),
  };
}
