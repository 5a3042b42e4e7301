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

/** Limits of a cgroup and one of its processes: they change rarely, so they may be cached. */
export interface CgroupLimits {
  cpuLimitCores: number | null;
  memoryLimit: number | null;
  pidsLimit: number | null;
  /** A process of the cgroup (for its network namespace), null when it has none. */
  pid: number | null;
  problems: SourceProblem[];
}

/** What one cgroup's files say; every field null when its controller or file is missing. */
export interface CgroupStats extends CgroupLimits {
  cpuSeconds: number | null;
  cpuPeriods: number | null;
  cpuThrottledPeriods: number | null;
  cpuThrottledSeconds: number | null;
  memoryUsage: number | null;
  memoryWorkingSet: number | null;
  blockReadBytes: number | null;
  blockWriteBytes: number | null;
  blockReadOps: number | null;
  blockWriteOps: number | null;
  pids: number | null;
  /** False when no file of the cgroup could be read: it is gone. */
  present: boolean;
  /** The limits part, to pass back as `limits` on later readings. */
  limits: CgroupLimits;
}

export interface ReadCgroupStatsOptions {
  /** Limits from an earlier reading: their files (and cgroup.procs) are not read again. */
  limits?: CgroupLimits | null;
  /** Reader for the limit files when they are read; the main reader by default. */
  limitsReader?: FileReader;
}

/** Every directory (relative to the reader root) a reading of `path` may touch, one per mount. */
export function cgroupDirs(layout: CgroupLayout, path: string): string[] {
  return layout.mounts.map((m) => join(m, path));
}

function join(mount: CgroupMount, path: string): string {
  return path === '/' || path === ''
    ? mount.mountPoint
    : `${mount.mountPoint}/${path.replace(/^\/+/, '')}`;
}

type Got = { text: string; file: string } | null;

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
  options: ReadCgroupStatsOptions = {},
): CgroupStats {
  const problems: SourceProblem[] = [];
  let present = false;
  const dirs = new Map<CgroupMount, string>();
  const readWith =
    (from: FileReader, sink: SourceProblem[]) =>
    (mount: CgroupMount | null | undefined, name: string): Got => {
      if (!mount) return null;
      let dir = dirs.get(mount);
      if (dir === undefined) {
        dir = join(mount, path);
        dirs.set(mount, dir);
      }
      const file = `${dir}/${name}`;
      try {
        const text = from.read(file);
        if (text === null) return null;
        present = true;
        return { text, file };
      } catch (error) {
        present = true;
        sink.push({ source: file, message: (error as Error).message, code: codeOf(error) });
        return null;
      }
    };
  const read = readWith(reader, problems);
  const parse = <T>(got: Got, fn: (text: string, file: string) => T, sink = problems): T | null => {
    if (!got) return null;
    try {
      return fn(got.text, got.file);
    } catch (error) {
      sink.push({ source: got.file, message: (error as Error).message, code: codeOf(error) });
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
  let cpuSeconds: number | null = null;
  let cpuPeriods: number | null = null;
  let cpuThrottledPeriods: number | null = null;
  let cpuThrottledSeconds: number | null = null;
  let memoryUsage: number | null = null;
  let memoryWorkingSet: number | null = null;
  let blockReadBytes: number | null = null;
  let blockWriteBytes: number | null = null;
  let blockReadOps: number | null = null;
  let blockWriteOps: number | null = null;
  let pids: number | null = null;
  // Where each limit lives, decided by which counter files were found.
  let cpuLimitFrom: 'v1' | 'v2' | null = null;
  let memoryLimitFrom: 'v1' | 'v2' | null = null;
  let pidsFrom: CgroupMount | null = null;

  // CPU time: v1 cpuacct.usage (ns), else cgroup2 cpu.stat usage_usec.
  const usage = read(v1.get('cpuacct'), 'cpuacct.usage');
  const cpuStat1 = read(v1.get('cpu'), 'cpu.stat');
  if (usage) {
    const ns = parse(usage, parseCgroupNumber);
    cpuSeconds = ns === null ? null : ns / 1e9;
  }
  const cpuStat2 = usage === null || cpuStat1 === null ? read(v2, 'cpu.stat') : null;
  if (cpuStat1) {
    const s = parseFlatKeyed(cpuStat1.text);
    cpuPeriods = s.get('nr_periods') ?? null;
    cpuThrottledPeriods = s.get('nr_throttled') ?? null;
    const ns = s.get('throttled_time');
    cpuThrottledSeconds = ns === undefined ? null : ns / 1e9;
    cpuLimitFrom = 'v1';
  }
  if (cpuStat2) {
    const s = parseFlatKeyed(cpuStat2.text);
    const usec = s.get('usage_usec');
    if (cpuSeconds === null && usec !== undefined) cpuSeconds = usec / 1e6;
    if (!cpuStat1) {
      cpuPeriods = s.get('nr_periods') ?? null;
      cpuThrottledPeriods = s.get('nr_throttled') ?? null;
      const throttled = s.get('throttled_usec');
      cpuThrottledSeconds = throttled === undefined ? null : throttled / 1e6;
      cpuLimitFrom = 'v2';
    }
  }
  if (cpuSeconds === null && usage === null) missing('cpu', 'cpuacct.usage, cpu.stat usage_usec');

  // Memory: v1 usage_in_bytes / total_inactive_file, else v2 memory.current / inactive_file.
  const mem1 = read(v1.get('memory'), 'memory.usage_in_bytes');
  const mem2 = mem1 ? null : read(v2, 'memory.current');
  const memory = mem1 ?? mem2;
  if (memory) {
    memoryUsage = parse(memory, parseCgroupNumber);
    memoryLimitFrom = mem1 ? 'v1' : 'v2';
    const stat = read(mem1 ? v1.get('memory') : v2, 'memory.stat');
    // Only one key is needed from this long file: find it rather than parse every line.
    const inactive = stat
      ? (keyValue(stat.text, mem1 ? 'total_inactive_file' : 'inactive_file') ??
        keyValue(stat.text, 'inactive_file'))
      : null;
    memoryWorkingSet = workingSet(memoryUsage, inactive, problems);
  } else if (present) missing('memory', 'memory.usage_in_bytes, memory.current');

  // Block I/O: v1 blkio throttle tables (recursive where the kernel has it), else v2 io.stat.
  const blkio = v1.get('blkio');
  const bytes1 =
    read(blkio, 'blkio.throttle.io_service_bytes_recursive') ??
    read(blkio, 'blkio.throttle.io_service_bytes');
  if (bytes1) {
    const b = parseBlkio(bytes1.text);
    blockReadBytes = b.read;
    blockWriteBytes = b.write;
    const ops =
      read(blkio, 'blkio.throttle.io_serviced_recursive') ??
      read(blkio, 'blkio.throttle.io_serviced');
    if (ops) {
      const o = parseBlkio(ops.text);
      blockReadOps = o.read;
      blockWriteOps = o.write;
    }
  } else {
    const io = read(v2, 'io.stat');
    if (io) {
      const t = parseIoStat(io.text);
      blockReadBytes = t.readBytes;
      blockWriteBytes = t.writeBytes;
      blockReadOps = t.readOps;
      blockWriteOps = t.writeOps;
    } else if (present) missing('io', 'blkio.throttle.io_service_bytes, io.stat');
  }

  // PIDs: same files on both layouts.
  const pidsMount = v1.get('pids');
  let current = read(pidsMount, 'pids.current');
  if (current) pidsFrom = pidsMount ?? null;
  else {
    current = read(v2, 'pids.current');
    if (current) pidsFrom = v2;
  }
  if (current) pids = parse(current, parseCgroupNumber);
  else if (present) missing('pids', 'pids.current');

  let limits = options.limits ?? null;
  if (!limits && present) {
    const sink: SourceProblem[] = [];
    const readLimit = readWith(options.limitsReader ?? reader, sink);
    let cpuLimitCores: number | null = null;
    if (cpuLimitFrom === 'v1') {
      const quota = parse(readLimit(v1.get('cpu'), 'cpu.cfs_quota_us'), parseCgroupNumber, sink);
      const period = parse(readLimit(v1.get('cpu'), 'cpu.cfs_period_us'), parseCgroupNumber, sink);
      cpuLimitCores = cpuLimitFromCfs(quota, period);
    } else if (cpuLimitFrom === 'v2')
      cpuLimitCores = parse(readLimit(v2, 'cpu.max'), parseCpuMax, sink);
    const memoryLimit =
      memoryLimitFrom === null
        ? null
        : parse(
            readLimit(
              memoryLimitFrom === 'v1' ? v1.get('memory') : v2,
              memoryLimitFrom === 'v1' ? 'memory.limit_in_bytes' : 'memory.max',
            ),
            parseCgroupLimit,
            sink,
          );
    let pidsLimit: number | null = null;
    if (pidsFrom) {
      const max = readLimit(pidsFrom, 'pids.max');
      if (max) pidsLimit = parse(max, parseCgroupLimit, sink);
      else
        sink.push({
          source: 'pids.max',
          message: 'pids.max not found: limit unknown',
          code: 'MISSING_FILE',
        });
    }
    const procsMount = v1.get('memory') ?? v1.get('cpuacct') ?? v1.get('pids') ?? v2;
    const procs =
      readLimit(procsMount, 'cgroup.procs') ??
      (procsMount !== v2 ? readLimit(v2, 'cgroup.procs') : null);
    limits = {
      cpuLimitCores,
      memoryLimit,
      pidsLimit,
      pid: procs ? firstPid(procs.text) : null,
      problems: sink,
    };
  }
  limits ??= { cpuLimitCores: null, memoryLimit: null, pidsLimit: null, pid: null, problems: [] };

  return {
    cpuSeconds,
    cpuPeriods,
    cpuThrottledPeriods,
    cpuThrottledSeconds,
    cpuLimitCores: limits.cpuLimitCores,
    memoryUsage,
    memoryWorkingSet,
    memoryLimit: limits.memoryLimit,
    blockReadBytes,
    blockWriteBytes,
    blockReadOps,
    blockWriteOps,
    pids,
    pidsLimit: limits.pidsLimit,
    pid: limits.pid,
    present,
    problems: [...problems, ...limits.problems],
    limits,
  };
}

/** The integer value of `key` in a `key value` file, found without splitting every line. */
function keyValue(text: string, key: string): number | null {
  let at = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `);
  if (at < 0) return null;
  if (at > 0) at += 1;
  const start = at + key.length + 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const raw = text.slice(start, end).trim();
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

function workingSet(
  usage: number | null,
  inactiveFile: number | null,
  problems: SourceProblem[],
): number | null {
  if (usage === null) return null;
  if (inactiveFile === null) {
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
