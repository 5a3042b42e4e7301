import type { ContainerReading } from '@arcbox/perf-core';
import type { MonitorCollectors } from '../monitor-collectors.js';
import { closeCollectors } from '../sources/platform-sources.js';
import { mountKey } from './mount-key.js';
import type { ReadingCursor } from './reading-cursor.js';
import { recordedFileReader } from './recorded-file-reader.js';
import { createReplayEngine } from './recorded-engine.js';
import { replayEngineEvents } from './recorded-engine-events.js';
import type { RecordedSources } from './recorded-sources.js';
import { bigintStatfs, createStatfsReplay } from './recorded-statfs.js';
import type { RecordingFiles } from './recording-files.js';
import type { ReplaySources } from './recording-sources.js';
import { replayVmProviders } from './replay-vm-providers.js';
import { vmCollectorOf } from '../sources/vm-collector-of.js';
import { processCollectorOf } from './recorded-processes.js';
import { withGpuMemory } from '../sources/with-gpu-memory.js';
import { createGpuReplay } from './replay-gpus.js';

/**
 * The Linux collectors, made as `createLinuxRecordingSources` made them, reading the reading
 * being replayed through the recording's checks: the same parsing and the same core maths as a
 * live host, on the files and replies the recording kept.
 */
export async function createLinuxReplaySources(
  recorded: RecordedSources,
  cursor: ReadingCursor,
  files: RecordingFiles,
  /** The VMs' CPU count where the recording does not say (made before sources.json). */
  fallbackCpuCount: number,
): Promise<ReplaySources> {
  const linux = await import('@arcbox/perf-linux');
  const tree = () => files.at(cursor.folder);
  const reader = recordedFileReader(tree);
  const collectors: MonitorCollectors = {
    system: linux.createLinuxSystemCollector({ reader, clock: cursor.clock, cacheSysfs: false }),
  };

  const containers = recorded.containers;
  if (containers) {
    const names = containers.engine ? createReplayEngine(tree, containers.engine) : undefined;
    const docker = names ? await import('@arcbox/perf-docker') : null;
    collectors.containers = {
      name: 'containers',
      async collect({ signal }): Promise<ContainerReading[]> {
        // Recorded before sources.json: a reading without the cgroup mounts had no containers.
        if (containers.legacy && !tree().exists('proc/self/mountinfo')) return [];
        const collector = linux.createCgroupContainerCollector({
          reader,
          clock: cursor.clock,
          cgroupPaths: containers.cgroupPaths,
          discover: containers.discover,
          ...(names ? { names } : {}),
        });
        try {
          const readings = await collector.collect({ signal });
          // As recorded: every container inspected in every reading.
          return names && docker
            ? await docker
                .createEngineLifecycle({ client: names, refreshMs: 0 })
                .annotate(readings, { signal })
            : readings;
        } finally {
          collector.close();
        }
      },
    };
  }

  if (recorded.vms) {
    const vmm = await import('@arcbox/perf-vmm');
    const timeoutMs = recorded.timeouts.vms ?? 2000;
    const cpus = recorded.vms.hostCpuCount ?? fallbackCpuCount;
    collectors.vms = vmCollectorOf(
      vmm,
      replayVmProviders(recorded.vms.vmms, {
        vmm,
        threads: linux.createProcThreadReader({ reader }),
        interfaces: linux.createTapCounterReader({ reader }),
        cursor,
        tree,
        timeoutMs: Math.max(100, timeoutMs - 100),
        hostCpuCount: cpus,
      }),
      { timeoutMs, clock: cursor.clock, hostCpuCount: cpus },
    );
  }

  if (recorded.processes) {
    collectors.processes = processCollectorOf(
      linux,
      reader,
      cursor.clock,
      recorded.processes.hostCpuCount,
      {
        containers: recorded.containers
          ? {
              enabled: true,
              paths: recorded.containers.cgroupPaths,
              discover: recorded.containers.discover,
            }
          : { enabled: false, paths: [], discover: false },
      },
    );
  }

  if (recorded.filesystems) {
    const { root } = recorded;
    collectors.filesystems = linux.createLinuxFilesystemCollector({
      root,
      reader,
      statfs: createStatfsReplay(cursor, tree, (path) => mountKey(root, path), bigintStatfs),
      clock: cursor.clock,
      statfsTimeoutMs: recorded.filesystems.statfsTimeoutMs,
    });
  }

  if (recorded.gpus) {
    const gpus = createGpuReplay(linux, tree, cursor);
    collectors.gpus = gpus.collector;
    if (collectors.containers)
      collectors.containers = withGpuMemory(collectors.containers, () => gpus.memoryByContainer());
  }

  return {
    collectors,
    prepareReading: async () => {},
    events: () => (recorded.containers?.engine ? replayEngineEvents(tree()) : []),
    close: () => closeCollectors(collectors),
  };
}
