import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContainerReading, parseRecordedStamp, RECORDED_STAMP_FILE } from '@arcbox/perf-core';
import type { FileReader } from '@arcbox/perf-linux';

/**
 * `DIR/containers.json` (optional, written by `record`): the extra cgroups that were recorded,
 * so replay looks for the same ones. Runtime containers (Docker, Podman...) need nothing: the
 * folders the discovery listed are in the recording.
 */
const CONTAINERS_FILE = 'containers.json';

/** Records the containers of one reading through the recording reader (perf-linux's `extra` hook). */
export async function recordContainers(
  reader: FileReader,
  cgroupPaths: readonly string[],
  signal: AbortSignal,
): Promise<string | null> {
  const linux = await import('@arcbox/perf-linux');
  const collector = linux.createCgroupContainerCollector({ reader, cgroupPaths: [...cgroupPaths] });
  try {
    await collector.collect({ signal });
    return null;
  } catch (error) {
    // No cgroup mount (a container without /sys/fs/cgroup): the host is still recorded.
    return (error as Error).message;
  } finally {
    collector.close();
  }
}

export async function writeContainersManifest(
  dir: string,
  cgroupPaths: readonly string[],
): Promise<void> {
  await writeFile(join(dir, CONTAINERS_FILE), `${JSON.stringify({ cgroupPaths })}\n`);
}

/**
 * The container readings of each reading of a Linux recording, read back through the same
 * collector from each reading folder, stamped from its reading.json. A recording without
 * cgroup files (made with --no-containers, or built by hand) has no containers.
 */
export async function replayContainers(
  dir: string,
  count: number,
  signal: AbortSignal,
): Promise<ContainerReading[][]> {
  const linux = await import('@arcbox/perf-linux');
  let cgroupPaths: string[] = [];
  try {
    const manifest = JSON.parse(await readFile(join(dir, CONTAINERS_FILE), 'utf8')) as {
      cgroupPaths?: unknown;
    };
    if (Array.isArray(manifest.cgroupPaths))
      cgroupPaths = manifest.cgroupPaths.filter((p) => typeof p === 'string');
  } catch {
    // optional file
  }
  const out: ContainerReading[][] = [];
  for (let index = 1; index <= count; index += 1) {
    const folder = linux.readingDir(dir, index);
    if (!existsSync(join(folder, 'proc', 'self', 'mountinfo'))) {
      out.push([]);
      continue;
    }
    const stampFile = join(folder, RECORDED_STAMP_FILE);
    const stamp = parseRecordedStamp(await readFile(stampFile, 'utf8'), stampFile);
    const reader = linux.createFileReader({ root: folder, keepOpen: false });
    const collector = linux.createCgroupContainerCollector({
      reader,
      cgroupPaths,
      clock: () => stamp,
    });
    try {
      out.push(await collector.collect({ signal }));
    } finally {
      collector.close();
      reader.close();
    }
  }
  return out;
}
