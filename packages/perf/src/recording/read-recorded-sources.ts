import { join } from 'node:path';
import { PerfError, type Platform } from '@arcbox/perf-core';
import { cgroupPath, parseRecordedSources, type RecordedSources } from './recorded-sources.js';
import type { RecordedTree } from './recording-files.js';
import { LEGACY_CONTAINERS_FILE, LEGACY_VMS_FILE, SOURCES_FILE } from './recording-layout.js';

/**
 * What a recording holds: its `sources.json`, or for a recording made before it (the CLI's
 * `record` wrote only containers.json and vms.json), what that CLI replayed: the host, the
 * cgroup containers of `containers.json` wherever a reading has the cgroup mounts, the QEMU VMs
 * of any `qmp/` folders, divided by the CPU count of `vms.json`.
 */
export function readRecordedSources(tree: RecordedTree, platform: Platform): RecordedSources {
  const text = tree.readText(SOURCES_FILE);
  if (text !== null) return parseRecordedSources(text, platform, join(tree.root, SOURCES_FILE));
  const base: RecordedSources = {
    version: 1,
    platform,
    root: '/',
    kinds: ['system'],
    containers: null,
    vms: null,
    filesystems: null,
    processes: null,
    timeouts: {},
  };
  if (platform === 'darwin') return base;
  return {
    ...base,
    kinds: ['system', 'containers', 'vms'],
    containers: {
      source: 'cgroups',
      cgroupPaths: legacyCgroupPaths(tree),
      discover: true,
      engine: null,
      legacy: true,
    },
    vms: { hostCpuCount: legacyHostCpuCount(tree), vmms: ['qemu'] },
  };
}

function readJson(tree: RecordedTree, name: string): unknown {
  const text = tree.readText(name);
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PerfError('PARSE_ERROR', 'not JSON', { file: join(tree.root, name), cause });
  }
}

/** `containers.json`'s cgroups; one that would leave the cgroup tree (`..`) is refused. */
function legacyCgroupPaths(tree: RecordedTree): string[] {
  const value = readJson(tree, LEGACY_CONTAINERS_FILE) as { cgroupPaths?: unknown } | undefined;
  const list = value?.cgroupPaths;
  if (list === undefined) return [];
  const file = join(tree.root, LEGACY_CONTAINERS_FILE);
  if (!Array.isArray(list) || list.length > 1000)
    throw new PerfError('PARSE_ERROR', 'expected a list of up to 1000 cgroup paths', {
      file,
      field: 'cgroupPaths',
    });
  return list.map((p) => {
    const path = cgroupPath(p);
    if (path === null)
      throw new PerfError(
        'PARSE_ERROR',
        `not a cgroup path inside the recording: ${JSON.stringify(p)?.slice(0, 80)}`,
        { file, field: 'cgroupPaths' },
      );
    return path;
  });
}

/** `vms.json`'s CPU count; without one (a recording built by hand) the first reading's. */
function legacyHostCpuCount(tree: RecordedTree): number | null {
  const value = readJson(tree, LEGACY_VMS_FILE) as { hostCpuCount?: unknown } | undefined;
  const n = value?.hostCpuCount;
  return Number.isSafeInteger(n) && (n as number) > 0 && (n as number) <= 65_536
    ? (n as number)
    : null;
}
