import type { DiskKind, SourceProblem } from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';

export interface DiskClass {
  kind: DiskKind;
  /** Only whole physical disks count in the system total. */
  countedInTotal: boolean;
  /** The whole disk a partition belongs to, when sysfs names it. */
  parent: string | null;
}

export interface InterfaceClass {
  loopback: boolean;
  virtual: boolean;
  countedInTotal: boolean;
}

/** A name that is safe to join into a sysfs path (`cciss/c0d0` is `cciss!c0d0` there). */
function sysfsName(name: string): string | null {
  const mapped = name.replaceAll('/', '!');
  return mapped === '.' || mapped === '..' || mapped === '' || mapped.includes('\0')
    ? null
    : mapped;
}

/** Device kinds known from the name alone, before sysfs is consulted (SEMANTICS.md, Disk I/O). */
function kindByName(name: string): DiskKind | null {
  if (/^(loop|ram|zram)\d/.test(name)) return 'virtual';
  if (/^(fd|sr)\d/.test(name)) return 'removable';
  if (/^(dm-|md)/.test(name)) return 'stacked';
  return null;
}

/**
 * Classifies one /proc/diskstats name. A whole disk has /sys/block/<name>; anything else is a
 * partition, and its disk is found by checking /sys/block/<disk>/<name> for each listed device
 * whose name it starts with (so a recording keeps that folder). Without /sys/block at all (a
 * root with only /proc mounted), a name extending another listed name is taken as its partition.
 */
export function classifyDisk(
  reader: FileReader,
  name: string,
  names: readonly string[],
  hasSysBlock: boolean,
): DiskClass {
  const byName = kindByName(name);
  if (byName) return { kind: byName, countedInTotal: false, parent: null };
  const own = sysfsName(name);
  if (hasSysBlock && own !== null && reader.exists(`sys/block/${own}`)) {
    return { kind: 'disk', countedInTotal: true, parent: null };
  }
  // Longest first: nvme0n1p1 belongs to nvme0n1, not to a hypothetical nvme0.
  const parents = names
    .filter((p) => p !== name && name.startsWith(p))
    .sort((a, b) => b.length - a.length);
  if (!hasSysBlock) {
    const parent = parents[0] ?? null;
    return parent === null
      ? { kind: 'disk', countedInTotal: true, parent: null }
      : { kind: 'partition', countedInTotal: false, parent };
  }
  for (const parent of parents) {
    const p = sysfsName(parent);
    if (own !== null && p !== null && reader.exists(`sys/block/${p}/${own}`)) {
      return { kind: 'partition', countedInTotal: false, parent };
    }
  }
  return { kind: 'partition', countedInTotal: false, parent: null };
}

/** Loopback is `lo`; virtual when /sys/devices/virtual/net/<name> exists (veth, bridge, tun...). */
export function classifyInterface(reader: FileReader, name: string): InterfaceClass {
  const loopback = name === 'lo';
  // Interface names never hold '/'; one that does (arbitrary input) is not looked up.
  const safe = name !== '' && name !== '.' && name !== '..' && !/[/\0]/.test(name);
  const virtual = safe && reader.exists(`sys/devices/virtual/net/${name}`);
  return { loopback, virtual, countedInTotal: !loopback && !virtual };
}

export interface DeviceClassifierOptions {
  /**
   * Remember each name's class while the name stays listed. Off when recording, so the sysfs
   * folders are consulted, and therefore recorded, on every reading.
   */
  cache: boolean;
}

export interface DeviceClassifier {
  disks(
    reader: FileReader,
    names: readonly string[],
  ): { classes: DiskClass[]; problems: SourceProblem[] };
  interfaces(reader: FileReader, names: readonly string[]): InterfaceClass[];
}

export function createDeviceClassifier(options: DeviceClassifierOptions): DeviceClassifier {
  let diskCache = new Map<string, DiskClass>();
  let netCache = new Map<string, InterfaceClass>();
  let sysBlock: boolean | null = null;

  // A name that left the list is forgotten, so a device re-created under it is looked at again.
  const retain = <T>(cache: Map<string, T>, names: readonly string[]) => {
    if (cache.size === names.length && names.every((n) => cache.has(n))) return cache;
    const kept = new Map<string, T>();
    for (const n of names) {
      const hit = cache.get(n);
      if (hit) kept.set(n, hit);
    }
    return kept;
  };

  return {
    disks(reader, names) {
      const problems: SourceProblem[] = [];
      const hasSysBlock = (options.cache ? sysBlock : null) ?? reader.exists('sys/block');
      if (options.cache) sysBlock = hasSysBlock;
      if (!hasSysBlock && names.length > 0) {
        problems.push({
          source: 'sys/block',
          message: 'sys/block is missing: whole disks and partitions told apart by name only',
          code: 'MISSING_FILE',
        });
      }
      if (options.cache) diskCache = retain(diskCache, names);
      const classes = names.map((name) => {
        const hit = options.cache ? diskCache.get(name) : undefined;
        if (hit) return hit;
        const found = classifyDisk(reader, name, names, hasSysBlock);
        if (options.cache) diskCache.set(name, found);
        return found;
      });
      return { classes, problems };
    },
    interfaces(reader, names) {
      if (options.cache) netCache = retain(netCache, names);
      return names.map((name) => {
        const hit = options.cache ? netCache.get(name) : undefined;
        if (hit) return hit;
        const found = classifyInterface(reader, name);
        if (options.cache) netCache.set(name, found);
        return found;
      });
    },
  };
}
