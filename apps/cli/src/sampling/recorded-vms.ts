import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ReadingStamp, SystemReading, VmReading } from '@arcbox/perf-core';
import type { FileReader } from '@arcbox/perf-linux';
import { qmpSocketTargets } from './open-collectors.js';

/**
 * `DIR/vms.json` (written by `record` when it reads VMs): the host CPU count the VM figures were
 * read against (live: the CPUs this process may run on), so a replay elsewhere divides the same.
 */
const VMS_FILE = 'vms.json';

/** Where `record` finds VMs: the live commands' configuration (sources.vms), or `--vm-dir`. */
export interface RecordedVmTargets {
  vmDir?: string;
  qmpSockets?: string[];
}

export interface VmRecorder {
  /**
   * Reads every VM once: QMP replies go to `<folder>/qmp/<vm-id>/`, the /proc task and tap
   * files through `reader` (the reading's recording reader), so they land in the same folder.
   * `stamp` is the system reading's: a replay stamps the VMs with that reading.json, so both
   * runs see the same intervals.
   */
  record(
    reader: FileReader,
    folder: string,
    stamp: ReadingStamp,
    signal: AbortSignal,
  ): Promise<VmReading[]>;
  /** Writes `vms.json` into the recording folder. */
  writeManifest(dir: string): Promise<void>;
  close(): void;
}

/**
 * A FileReader pointing at a different reader per reading: the VM collector keeps its QMP
 * sessions across readings, while each reading has its own recording (or recorded) folder.
 */
function createSwitchingReader(): { reader: FileReader; use(next: FileReader): void } {
  let current: FileReader | null = null;
  const target = (): FileReader => {
    if (!current) throw new Error('no reading folder selected yet');
    return current;
  };
  return {
    use(next) {
      current = next;
    },
    reader: {
      get root() {
        return target().root;
      },
      read: (path) => target().read(path),
      exists: (path) => target().exists(path),
      list: (path) => target().list(path),
      forget: (prefix) => target().forget(prefix),
      close: () => current?.close(),
    },
  };
}

export async function createVmRecorder(targets: RecordedVmTargets): Promise<VmRecorder> {
  const linux = await import('@arcbox/perf-linux');
  const vmm = await import('@arcbox/perf-vmm');
  const host = createSwitchingReader();
  let folder = '';
  let stamp: ReadingStamp = { monotonicMs: 0, time: 0 };
  const vms = qmpSocketTargets(targets.qmpSockets ?? []);
  const hostCpuCount = availableParallelism();
  const collector = vmm.createQemuVmCollector({
    hostCpuCount,
    threads: linux.createProcThreadReader({ reader: host.reader }),
    interfaces: linux.createTapCounterReader({ reader: host.reader }),
    recordDir: () => folder,
    clock: () => stamp,
    ...(vms.length > 0 ? { vms } : {}),
    ...(targets.vmDir ? { vmDir: targets.vmDir } : {}),
  });
  return {
    async record(reader, readingFolder, readingStamp, signal) {
      host.use(reader);
      folder = readingFolder;
      stamp = readingStamp;
      return collector.collect({ signal });
    },
    async writeManifest(dir) {
      await writeFile(join(dir, VMS_FILE), `${JSON.stringify({ hostCpuCount })}\n`);
    },
    close: () => collector.close(),
  };
}

/**
 * The VM readings of each reading of a Linux recording: the same QEMU collector, its QMP
 * replies and /proc files read back from each reading folder, stamped with its reading.json
 * and the host CPU count of vms.json (else the recorded system's). A recording without `qmp/`
 * folders has no VMs.
 */
export async function replayVms(
  dir: string,
  system: readonly SystemReading[],
  signal: AbortSignal,
): Promise<VmReading[][]> {
  const linux = await import('@arcbox/perf-linux');
  const folders = system.map((_, i) => linux.readingDir(dir, i + 1));
  if (!folders.some((f) => existsSync(join(f, 'qmp')))) return system.map(() => []);
  const vmm = await import('@arcbox/perf-vmm');
  let hostCpuCount = system[0]!.cpuCount;
  try {
    const manifest = JSON.parse(await readFile(join(dir, VMS_FILE), 'utf8')) as {
      hostCpuCount?: unknown;
    };
    if (Number.isInteger(manifest.hostCpuCount) && (manifest.hostCpuCount as number) > 0)
      hostCpuCount = manifest.hostCpuCount as number;
  } catch {
    // optional file: a recording built by hand divides by its system's CPU count
  }
  const host = createSwitchingReader();
  let index = 0;
  const collector = vmm.createQemuVmCollector({
    threads: linux.createProcThreadReader({ reader: host.reader }),
    interfaces: linux.createTapCounterReader({ reader: host.reader }),
    replayDir: () => folders[index]!,
    clock: () => ({ monotonicMs: system[index]!.monotonicMs, time: system[index]!.time }),
    hostCpuCount,
  });
  const out: VmReading[][] = [];
  try {
    for (index = 0; index < folders.length; index += 1) {
      const reader = linux.createFileReader({ root: folders[index]!, keepOpen: false });
      host.use(reader);
      try {
        out.push(await collector.collect({ signal }));
      } finally {
        reader.close();
      }
    }
  } finally {
    collector.close();
  }
  return out;
}
