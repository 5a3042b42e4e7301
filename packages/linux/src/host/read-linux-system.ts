import {
  type DiskReading,
  type NetInterfaceReading,
  PerfError,
  type PressureReading,
  type ReadingStamp,
  type ResourcePressure,
  type SourceProblem,
  type SystemReading,
} from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';
import { createDeviceClassifier, type DeviceClassifier } from './classify-devices.js';
import { parseDiskstats } from './parse-diskstats.js';
import { parseLoadavg } from './parse-loadavg.js';
import { parseMeminfo } from './parse-meminfo.js';
import { parseNetDev } from './parse-net-dev.js';
import { parsePressure } from './parse-pressure.js';
import { parseProcStat } from './parse-proc-stat.js';

/** Files a Linux system reading cannot do without; a missing one is a MISSING_FILE error. */
export const LINUX_SYSTEM_REQUIRED_FILES = [
  'proc/stat',
  'proc/meminfo',
  'proc/diskstats',
  'proc/net/dev',
  'proc/loadavg',
] as const;

/** Optional PSI files (Linux 4.20+, and only with psi enabled): missing ones become problems. */
export const LINUX_PRESSURE_FILES = [
  'proc/pressure/cpu',
  'proc/pressure/memory',
  'proc/pressure/io',
] as const;

export interface ReadLinuxSystemOptions {
  /** Stamps the reading; taken just before /proc/stat is read. Defaults to performance.now() and Date.now(). */
  clock?: () => ReadingStamp;
  /** Ticks per second of /proc/stat (USER_HZ, 100). */
  clockTicks?: number;
  /** Disk and interface classification; a fresh uncached one (every sysfs check made) by default. */
  classifier?: DeviceClassifier;
}

export function systemClock(): ReadingStamp {
  return { monotonicMs: performance.now(), time: Date.now() };
}

/**
 * One synchronous reading of a Linux host through `reader` (procfs and sysfs are served from
 * kernel memory, see TOOLCHAIN.md): counters and gauges only, rates are perf-core's job.
 */
export function readLinuxSystem(
  reader: FileReader,
  options: ReadLinuxSystemOptions = {},
): SystemReading {
  const clock = options.clock ?? systemClock;
  const classifier = options.classifier ?? createDeviceClassifier({ cache: false });
  const problems: SourceProblem[] = [];
  // Paths for error messages; plain concatenation, as path.join costs more than a parse here.
  const base = reader.root.endsWith('/') ? reader.root : `${reader.root}/`;
  const where = (path: string) => base + path;
  const required = (path: string): string => {
    const text = reader.read(path);
    if (text === null) {
      throw new PerfError('MISSING_FILE', `required file ${path} is missing`, {
        file: where(path),
      });
    }
    return text;
  };

  // Values the parsers skipped, named by the file under the root as their errors are.
  const skipped: SourceProblem[] = [];
  const stamp = clock();
  const stat = parseProcStat(required('proc/stat'), {
    clockTicks: options.clockTicks,
    file: where('proc/stat'),
    problems: skipped,
  });
  const memory = parseMeminfo(required('proc/meminfo'), {
    file: where('proc/meminfo'),
    problems: skipped,
  });
  const diskStats = parseDiskstats(required('proc/diskstats'), {
    file: where('proc/diskstats'),
    problems: skipped,
  });
  const netStats = parseNetDev(required('proc/net/dev'), {
    file: where('proc/net/dev'),
    problems: skipped,
  });
  const load = parseLoadavg(required('proc/loadavg'), { file: where('proc/loadavg') });
  const pressure = readPressure(reader, problems, where, skipped);
  // A reading's problems name files as read (`proc/stat`), like every other problem here.
  for (const p of skipped) problems.push({ ...p, source: p.source.slice(base.length) });

  const { classes, problems: diskProblems } = classifier.disks(
    reader,
    diskStats.map((d) => d.name),
  );
  problems.push(...diskProblems);
  const disks: DiskReading[] = diskStats.map((d, i) => {
    const c = classes[i]!;
    return {
      name: d.name,
      kind: c.kind,
      countedInTotal: c.countedInTotal,
      readOps: d.readOps,
      writeOps: d.writeOps,
      readBytes: d.readBytes,
      writeBytes: d.writeBytes,
      totalBytes: d.readBytes + d.writeBytes,
      readTimeMs: d.readTimeMs,
      writeTimeMs: d.writeTimeMs,
      ioTimeMs: d.ioTimeMs,
    };
  });

  const netClasses = classifier.interfaces(
    reader,
    netStats.map((n) => n.name),
  );
  // Fields spelled out: object spread here cost more than parsing the file.
  const interfaces: NetInterfaceReading[] = netStats.map((n, i) => {
    const c = netClasses[i]!;
    return {
      name: n.name,
      rxBytes: n.rxBytes,
      rxPackets: n.rxPackets,
      rxErrors: n.rxErrors,
      rxDropped: n.rxDropped,
      txBytes: n.txBytes,
      txPackets: n.txPackets,
      txErrors: n.txErrors,
      txDropped: n.txDropped,
      loopback: c.loopback,
      virtual: c.virtual,
      countedInTotal: c.countedInTotal,
      counterBits: 64,
    };
  });

  if (stat.cores.length === 0) {
    problems.push({ source: 'proc/stat', message: 'no cpuN lines: online CPU count taken as 1' });
  }
  if (memory.missing.length > 0) {
    problems.push({
      source: 'proc/meminfo',
      message: `missing ${memory.missing.join(', ')}${memory.availableEstimated ? '; available estimated' : ''}`,
    });
  }

  return {
    platform: 'linux',
    monotonicMs: stamp.monotonicMs,
    time: stamp.time,
    cpuCount: Math.max(1, stat.cores.length),
    cpu: stat,
    memory,
    disks,
    interfaces,
    load,
    pressure,
    problems,
  };
}

function readPressure(
  reader: FileReader,
  problems: SourceProblem[],
  where: (path: string) => string,
  skipped: SourceProblem[],
): PressureReading | null {
  const read = (path: string): ResourcePressure | null => {
    try {
      const text = reader.read(path);
      if (text === null) {
        problems.push({
          source: path,
          message: 'no pressure stall information (kernel before 4.20, or psi disabled)',
          code: 'MISSING_FILE',
        });
        return null;
      }
      return parsePressure(text, { file: where(path), problems: skipped });
    } catch (error) {
      // psi=0 on the kernel command line leaves the files in place but fails their reads.
      const e = PerfError.from(error, 'READ_ERROR', `cannot read ${path}`);
      problems.push({ source: path, message: e.message, code: e.code });
      return null;
    }
  };
  const [cpu, memory, io] = LINUX_PRESSURE_FILES.map(read) as [
    ResourcePressure | null,
    ResourcePressure | null,
    ResourcePressure | null,
  ];
  if (!cpu && !memory && !io) return null;
  return { cpu, memory, io, memoryLevel: null };
}
