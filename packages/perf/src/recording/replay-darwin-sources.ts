import { join } from 'node:path';
import type { MonitorCollectors } from '../monitor-collectors.js';
import { GPU_FOLDER } from './recorded-gpus.js';
import { closeCollectors } from '../sources/platform-sources.js';
import type { ReadingCursor } from './reading-cursor.js';
import { createReplayEngine } from './recorded-engine.js';
import type { RecordedSources } from './recorded-sources.js';
import { createStatfsReplay, numberStatfs } from './recorded-statfs.js';
import type { RecordingFiles } from './recording-files.js';
import type { ReplaySources } from './recording-sources.js';
import { replayVmProviders } from './replay-vm-providers.js';
import { vmCollectorOf } from '../sources/vm-collector-of.js';

/**
 * The macOS collectors, made as `createDarwinRecordingSources` made them, answering from the
 * reading being replayed: a Mac's recording replays on any machine.
 */
export async function createDarwinReplaySources(
  recorded: RecordedSources,
  cursor: ReadingCursor,
  files: RecordingFiles,
  /** The VMs' CPU count where the recording does not say (made before sources.json). */
  fallbackCpuCount: number,
): Promise<ReplaySources> {
  const darwin = await import('@arcbox/perf-darwin');
  const tree = () => files.at(cursor.folder);
  // Recorded files are read through the recording's checks, whatever path perf-darwin names.
  const read = async (file: string) => tree().readText(file);
  const run = darwin.createReplayRunner(() => cursor.folder, { read });
  const os = darwin.createReplayOs(read);
  const timeouts = recorded.timeouts;
  const collectors: MonitorCollectors = {
    system: darwin.createDarwinSystemCollector({
      run,
      os: os.os,
      clock: cursor.clock,
      timeoutMs: timeouts.system ?? 2000,
    }),
  };
  if (recorded.containers?.engine) {
    const docker = await import('@arcbox/perf-docker');
    collectors.containers = docker.createDockerContainerCollector({
      client: createReplayEngine(tree, recorded.containers.engine),
      name: 'containers',
      clock: cursor.clock,
    });
  }
  if (recorded.vms) {
    const vmm = await import('@arcbox/perf-vmm');
    const timeoutMs = timeouts.vms ?? 2000;
    const cpus = recorded.vms.hostCpuCount ?? fallbackCpuCount;
    collectors.vms = vmCollectorOf(
      vmm,
      replayVmProviders(recorded.vms.vmms, {
        vmm,
        threads: null,
        interfaces: null,
        cursor,
        tree,
        timeoutMs: Math.max(100, timeoutMs - 100),
        hostCpuCount: cpus,
      }),
      { timeoutMs, clock: cursor.clock, hostCpuCount: cpus },
    );
  }
  if (recorded.processes) {
    collectors.processes = darwin.createDarwinProcessCollector({
      run,
      clock: cursor.clock,
      hostCpuCount: recorded.processes.hostCpuCount,
      timeoutMs: timeouts.processes ?? 2000,
    });
  }
  if (recorded.filesystems) {
    collectors.filesystems = darwin.createDarwinFilesystemCollector({
      run,
      statfs: createStatfsReplay(cursor, tree, (path) => path, numberStatfs),
      clock: cursor.clock,
      statfsTimeoutMs: recorded.filesystems.statfsTimeoutMs,
    });
  }
  if (recorded.gpus) {
    collectors.gpus = darwin.createDarwinGpuCollector({
      run: darwin.createReplayRunner(() => join(cursor.folder, GPU_FOLDER), { read }),
      clock: cursor.clock,
      timeoutMs: timeouts.gpus ?? 2000,
    });
  }
  return {
    collectors,
    prepareReading: ({ signal }) => os.load(cursor.folder, { signal }),
    close: () => closeCollectors(collectors),
  };
}
