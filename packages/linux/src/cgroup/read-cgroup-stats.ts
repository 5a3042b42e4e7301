import { PerfError, type SourceProblem } from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';
import type { CgroupLayout, CgroupMount } from './cgroup-layout.js';
import {
  cpuLimitFromCfs,
  firstPid,
  parseCgroupLimit,
  parseCgroupNumber,
  parseCpuMax,
  parseFlatKeyed,
} from './parse-cgroup-values.js';
import { parseBlkio, parseIoStat } from './parse-io-stat.js';

/** What one cgroup's files say; every field null when its controller or file is missing. */
export interface CgroupStats {
  cpuSeconds: number | null;
  cpuPeriods: number | null;
  cpuThrottledPeriods: number | null;
  cpuThrottledSeconds: number | null;
  cpuLimitCores: number | null;
  memoryUsage: number | null;
  memoryWorkingSet: number | null;
  memoryLimit: number | null;
  blockReadBytes: number | null;
  blockWriteBytes: number | null;
  blockReadOps: number | null;
  blockWriteOps: number | null;
  pids: number | null;
  pidsLimit: number | null;
  /** A process of the cgroup (for its network namespace), null when it has none. */
  pid: number | null;
  /** False when no file of the cgroup could be read: it is gone. */
  present: boolean;
  problems: SourceProblem[];
}

/** Every file path (relative to the reader root) a reading of `path` may touch, per mount. */
export function cgroupDirs(layout: CgroupLayout, path: string): string[] {
  return layout.mounts.map((m) => join(m, path));
}

function join(mount: CgroupMount, path: string): string {
  return path === '/' || path === ''
    ? mount.mountPoint
    : `${mount.mountPoint}/${path.replace(/^\/+/, '')}`;
}

/**
 * Reads one cgroup under either layout (SEMANTICS.md, Containers). On v1 each figure comes from
 * its controller's hierarchy; a figure the v1 hierarchies lack is taken from the cgroup2 mount
 * when that has it (this machine's /sys/fs/cgroup/unified has only cpu.stat). A file that is
 * unreadable or malformed leaves that figure null and names the file in `problems`; it never
 * fails the other figures.
 */
export function readCgroupStats(
  reader: FileReader,
  layout: CgroupLayout,
  path: string,
): CgroupStats {
  const problems: SourceProblem[] = [];
  let present = false;
  const read = (
    mount: CgroupMount | null | undefined,
    name: string,
  ): { text: string; file: string } | null => {
    if (!mount) return null;
    const file = `${join(mount, path)}/${name}`;
    try {
      const text = reader.read(file);
      if (text === null) return null;
      present = true;
      return { text, file };
    } catch (error) {
      present = true;
      problems.push({ source: file, message: (error as Error).message, code: codeOf(error) });
      return null;
    }
  };
  const parse = <T>(
    got: { text: string; file: string } | null,
    fn: (text: string, file: string) => T,
  ): T | null => {
    if (!got) return null;
    try {
      return fn(got.text, got.file);
    } catch (error) {
      problems.push({ source: got.file, message: (error as Error).message, code: codeOf(error) });
      return null;
    }
  };
  const missing = (what: string, files: string) =>
    problems.push({
      source: what,
      message: `no ${what} controller for this cgroup (${files} not found)`,
      code: 'MISSING_FILE',
    });

  const v1 = layout.version === 1 ? layout.v1 : new Map<string, CgroupMount>();
  const v2 = layout.unified;
  const stats: CgroupStats = {
    cpuSeconds: null,
    cpuPeriods: null,
    cpuThrottledPeriods: null,
    cpuThrottledSeconds: null,
    cpuLimitCores: null,
    memoryUsage: null,
    memoryWorkingSet: null,
    memoryLimit: null,
    blockReadBytes: null,
    blockWriteBytes: null,
    blockReadOps: null,
    blockWriteOps: null,
    pids: null,
    pidsLimit: null,
    pid: null,
    present: false,
    problems,
  };

  // CPU time: v1 cpuacct.usage (ns), else cgroup2 cpu.stat usage_usec.
  const usage = read(v1.get('cpuacct'), 'cpuacct.usage');
  const cpuStat1 = v1.has('cpu') ? read(v1.get('cpu'), 'cpu.stat') : null;
  if (usage) {
    const ns = parse(usage, parseCgroupNumber);
    stats.cpuSeconds = ns === null ? null : ns / 1e9;
  }
  const cpuStat2 = usage === null || cpuStat1 === null ? read(v2, 'cpu.stat') : null;
  if (cpuStat1) {
    const s = parseFlatKeyed(cpuStat1.text);
    stats.cpuPeriods = s.get('nr_periods') ?? null;
    stats.cpuThrottledPeriods = s.get('nr_throttled') ?? null;
    const ns = s.get('throttled_time');
    stats.cpuThrottledSeconds = ns === undefined ? null : ns / 1e9;
    const quota = parse(read(v1.get('cpu'), 'cpu.cfs_quota_us'), parseCgroupNumber);
    const period = parse(read(v1.get('cpu'), 'cpu.cfs_period_us'), parseCgroupNumber);
    stats.cpuLimitCores = cpuLimitFromCfs(quota, period);
  }
  if (cpuStat2) {
    const s = parseFlatKeyed(cpuStat2.text);
    const usec = s.get('usage_usec');
    if (stats.cpuSeconds === null && usec !== undefined) stats.cpuSeconds = usec / 1e6;
    if (!cpuStat1) {
      stats.cpuPeriods = s.get('nr_periods') ?? null;
      stats.cpuThrottledPeriods = s.get('nr_throttled') ?? null;
      const throttled = s.get('throttled_usec');
      stats.cpuThrottledSeconds = throttled === undefined ? null : throttled / 1e6;
      stats.cpuLimitCores = parse(read(v2, 'cpu.max'), parseCpuMax);
    }
  }
  if (stats.cpuSeconds === null && usage === null)
    missing('cpu', 'cpuacct.usage, cpu.stat usage_usec');

  // Memory: v1 usage_in_bytes / limit_in_bytes / total_inactive_file, else v2 current / max / inactive_file.
  const mem1 = read(v1.get('memory'), 'memory.usage_in_bytes');
  if (mem1) {
    stats.memoryUsage = parse(mem1, parseCgroupNumber);
    stats.memoryLimit = parse(read(v1.get('memory'), 'memory.limit_in_bytes'), parseCgroupLimit);
    const stat = read(v1.get('memory'), 'memory.stat');
    const s = stat ? parseFlatKeyed(stat.text) : null;
    stats.memoryWorkingSet = workingSet(
      stats.memoryUsage,
      s?.get('total_inactive_file') ?? s?.get('inactive_file'),
      problems,
    );
  } else {
    const mem2 = read(v2, 'memory.current');
    if (mem2) {
      stats.memoryUsage = parse(mem2, parseCgroupNumber);
      stats.memoryLimit = parse(read(v2, 'memory.max'), parseCgroupLimit);
      const stat = read(v2, 'memory.stat');
      const inactive = stat ? parseFlatKeyed(stat.text).get('inactive_file') : undefined;
      stats.memoryWorkingSet = workingSet(stats.memoryUsage, inactive, problems);
    } else if (present) missing('memory', 'memory.usage_in_bytes, memory.current');
  }

  // Block I/O: v1 blkio throttle tables (recursive where the kernel has it), else v2 io.stat.
  const blkio = v1.get('blkio');
  const bytes1 =
    read(blkio, 'blkio.throttle.io_service_bytes_recursive') ??
    read(blkio, 'blkio.throttle.io_service_bytes');
  if (bytes1) {
    const b = parseBlkio(bytes1.text);
    stats.blockReadBytes = b.read;
    stats.blockWriteBytes = b.write;
    const ops =
      read(blkio, 'blkio.throttle.io_serviced_recursive') ??
      read(blkio, 'blkio.throttle.io_serviced');
    if (ops) {
      const o = parseBlkio(ops.text);
      stats.blockReadOps = o.read;
      stats.blockWriteOps = o.write;
    }
  } else {
    const io = read(v2, 'io.stat');
    if (io) {
      const t = parseIoStat(io.text);
      stats.blockReadBytes = t.readBytes;
      stats.blockWriteBytes = t.writeBytes;
      stats.blockReadOps = t.readOps;
      stats.blockWriteOps = t.writeOps;
    } else if (present) missing('io', 'blkio.throttle.io_service_bytes, io.stat');
  }

  // PIDs: same files on both layouts.
  const pidsMount = v1.get('pids');
  const current = read(pidsMount, 'pids.current') ?? read(v2, 'pids.current');
  if (current) {
    stats.pids = parse(current, parseCgroupNumber);
    const max = read(pidsMount, 'pids.max') ?? read(v2, 'pids.max');
    if (max) stats.pidsLimit = parse(max, parseCgroupLimit);
    else
      problems.push({
        source: 'pids.max',
        message: 'pids.max not found: limit unknown',
        code: 'MISSING_FILE',
      });
  } else if (present) missing('pids', 'pids.current');

  // One process of the cgroup, for the network namespace.
  const procsMount = v1.get('memory') ?? v1.get('cpuacct') ?? v1.get('pids') ?? v2;
  const procs =
    read(procsMount, 'cgroup.procs') ?? (procsMount !== v2 ? read(v2, 'cgroup.procs') : null);
  if (procs) stats.pid = firstPid(procs.text);

  stats.present = present;
  return stats;
}

function workingSet(
  usage: number | null,
  inactiveFile: number | undefined,
  problems: SourceProblem[],
): number | null {
  if (usage === null) return null;
  if (inactiveFile === undefined) {
    // Without inactive_file the working set cannot be told from the page cache: leave it unknown
    // rather than show usage (page cache included) as used.
    problems.push({
      source: 'memory.stat',
      message: 'no inactive_file in memory.stat: working set unknown',
      code: 'MISSING_FILE',
    });
    return null;
  }
  return Math.max(0, usage - inactiveFile);
}

function codeOf(error: unknown) {
  return PerfError.isInstance(error) ? error.code : 'READ_ERROR';
}
