import { PerfError } from '@arcbox/perf-core';

/** IOKit "Statistics" counters of one IOBlockStorageDriver. An absent key is null, not 0. */
export interface BlockStorageStatistics {
  bytesRead: number | null;
  bytesWritten: number | null;
  operationsRead: number | null;
  operationsWritten: number | null;
  /** Nanoseconds spent on reads (IOKit's "Total Time (Read)"). */
  totalTimeReadNs: number | null;
  totalTimeWriteNs: number | null;
}

export interface BlockStorageDriver {
  /** `BSD Name` of the driver's IOMedia child (`disk0`); null when the child is not shown. */
  bsdName: string | null;
  /** The IOMedia child's registry name (`APPLE SSD AP0512Q Media`). */
  mediaName: string | null;
  /** The IOMedia child's `Whole` property. */
  whole: boolean | null;
  statistics: BlockStorageStatistics;
}

interface RegistryObject {
  depth: number;
  name: string;
  className: string;
  properties: Map<string, string>;
}

const statisticsKeys: Record<string, keyof BlockStorageStatistics> = {
  'Bytes (Read)': 'bytesRead',
  'Bytes (Write)': 'bytesWritten',
  'Operations (Read)': 'operationsRead',
  'Operations (Write)': 'operationsWritten',
  'Total Time (Read)': 'totalTimeReadNs',
  'Total Time (Write)': 'totalTimeWriteNs',
};

const objectPattern = /^([ |]*)\+-o (.*?)\s+<class ([\w.]+)[,>]/;
const propertyPattern = /^[ |]*"([^"]+)" = (.*)$/;

/**
 * Parses `ioreg -c IOBlockStorageDriver -r -l -w 0 -d 2`: each driver's "Statistics"
 * dictionary, named by the `BSD Name` of the IOMedia child printed under it (after the
 * counters; `-l` is what prints the child's properties). Text with no registry object at all
 * is an unknown layout (`PARSE_ERROR`); empty output means no block storage driver.
 */
export function parseIoregBlockStorage(text: string, file = 'ioreg'): BlockStorageDriver[] {
  const objects: RegistryObject[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const head = objectPattern.exec(line);
    if (head) {
      objects.push({
        depth: head[1]!.length,
        name: head[2]!,
        className: head[3]!,
        properties: new Map(),
      });
      continue;
    }
    const prop = propertyPattern.exec(line);
    const current = objects[objects.length - 1];
    if (prop && current && !current.properties.has(prop[1]!))
      current.properties.set(prop[1]!, prop[2]!.trim());
  }
  if (objects.length === 0) {
    if (text.trim() === '') return [];
    throw new PerfError('PARSE_ERROR', 'no IORegistry object found (unknown ioreg layout)', {
      file,
    });
  }

  const drivers: BlockStorageDriver[] = [];
  objects.forEach((object, index) => {
    if (object.className === 'IOMedia' || !isDriver(object)) return;
    const media = childMedia(objects, index);
    drivers.push({
      bsdName: media ? unquote(media.properties.get('BSD Name')) : null,
      mediaName: media?.name ?? null,
      whole: media ? yesNo(media.properties.get('Whole')) : null,
      statistics: parseStatistics(object.properties.get('Statistics')),
    });
  });
  return drivers;
}

function isDriver(object: RegistryObject): boolean {
  // `-c` also matches subclasses, so a driver is known by its class name or its counters.
  return object.className.endsWith('BlockStorageDriver') || object.properties.has('Statistics');
}

/** The first IOMedia below the object, preferring the whole-disk one, before its subtree ends. */
function childMedia(objects: readonly RegistryObject[], index: number): RegistryObject | null {
  const parent = objects[index]!;
  let first: RegistryObject | null = null;
  for (let i = index + 1; i < objects.length; i++) {
    const o = objects[i]!;
    if (o.depth <= parent.depth) break;
    if (o.className !== 'IOMedia') continue;
    if (yesNo(o.properties.get('Whole')) === true) return o;
    first ??= o;
  }
  return first;
}

function parseStatistics(value: string | undefined): BlockStorageStatistics {
  const stats: BlockStorageStatistics = {
    bytesRead: null,
    bytesWritten: null,
    operationsRead: null,
    operationsWritten: null,
    totalTimeReadNs: null,
    totalTimeWriteNs: null,
  };
  if (value === undefined) return stats;
  for (const m of value.matchAll(/"([^"]+)"\s*=\s*(\d+)/g)) {
    const field = statisticsKeys[m[1]!];
    const n = Number(m[2]);
    if (field !== undefined && Number.isSafeInteger(n)) stats[field] = n;
  }
  return stats;
}

function unquote(value: string | undefined): string | null {
  const m = value === undefined ? null : /^"(.*)"$/.exec(value);
  return m && m[1] !== '' ? m[1]! : null;
}

function yesNo(value: string | undefined): boolean | null {
  return value === 'Yes' ? true : value === 'No' ? false : null;
}
