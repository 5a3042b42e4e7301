import { PerfError, type SourceProblem } from '@arcbox/perf-core';
import type { ByteScanner, FileReader } from '../fs/file-reader.js';
import type { CgroupLayout, CgroupMount } from './cgroup-layout.js';
import {
  CGROUP_COUNT_LIMIT,
  CGROUP_NANOSECONDS_LIMIT,
  cpuLimitFromCfs,
  firstPid,
  isCgroupCount,
  limitName,
  parseCgroupCount,
  parseCgroupLimit,
  parseCgroupNanoseconds,
  parseCpuMax,
  parseFlatKeyed,
} from './parse-cgroup-values.js';
import { parseBlkio, parseIoStat } from './parse-io-stat.js';
import { NO_KEY, scanCountBytes, scanKeyedBytes } from './scan-cgroup-bytes.js';
import { scanFlatKeyed, scanKeyValue } from './scan-cgroup-text.js';

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
  /** Lifecycle counters (SEMANTICS.md, Container lifecycle); null where the kernel has none. */
  memoryOomKills: number | null;
  memoryOomEvents: number | null;
  memoryLimitHits: number | null;
  memoryHighEvents: number | null;
  /** inactive_file of memory.stat (total_inactive_file on v1), kept for `previous`. */
  memoryInactiveFile: number | null;
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
  /**
   * Reader for cgroup.procs; `limitsReader` by default. On v1 a kept cgroup.procs descriptor
   * re-reads the pid list the kernel cached at its first read while it is re-read within a
   * second, so this one should not keep descriptors.
   */
  procsReader?: FileReader;
  /** The cgroup's file paths from `cgroupFiles` (same layout and path), kept between readings. */
  files?: CgroupFiles;
  /**
   * The last reading of this cgroup, given while its limits are cached. A file whose figures
   * cannot have moved is then not read again and its figures are carried over: cpu.stat's
   * throttling when there is no CPU quota (the kernel counts periods only under a quota) and
   * cpuacct.usage gives the CPU time; memory.stat when the memory usage has not moved; the
   * v1 blkio ops table when the bytes table has not moved. Most containers on a host are
   * idle, and this takes each of them from 7 files to 4 (on v1) per reading. Without it (every
   * limits refresh, 10 s by default), every file is read, which bounds what a carried figure
   * can miss: a pure-flush request (ops without bytes), or pages aged from the active to the
   * inactive list with the usage unchanged.
   */
  previous?: CgroupStats | null;
  /**
   * Read the OOM and limit-hit counters (v1 memory.oom_control and memory.failcnt, v2
   * memory.events); true by default. Off, they are null (the bench compares the cost).
   */
  lifecycle?: boolean;
  /**
   * The host counted no OOM kill over the last readings (`createHostOomKills`): v1's
   * `memory.oom_control` count is carried from `previous` instead of read, as no cgroup's
   * count can have moved.
   */
  hostOomKillsHeld?: boolean;
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

/**
 * The path of every file a reading of one cgroup may read, null where the layout has no mount
 * for it. Built once per cgroup and kept: a path string that is reused has its hash computed
 * once, where a path joined on every reading is a new string to flatten and hash at each
 * descriptor lookup.
 */
export interface CgroupFiles {
  cpuacctUsage: string | null;
  cpuStat1: string | null;
  cpuStat2: string | null;
  memoryUsage1: string | null;
  memoryStat1: string | null;
  memoryCurrent2: string | null;
  memoryStat2: string | null;
  memoryOomControl1: string | null;
  memoryFailcnt1: string | null;
  memoryEvents2: string | null;
  blkioBytesRecursive: string | null;
  blkioBytes: string | null;
  blkioOpsRecursive: string | null;
  blkioOps: string | null;
  ioStat2: string | null;
  pidsCurrent1: string | null;
  pidsCurrent2: string | null;
  cfsQuota1: string | null;
  cfsPeriod1: string | null;
  cpuMax2: string | null;
  memoryLimit1: string | null;
  memoryMax2: string | null;
  pidsMax1: string | null;
  pidsMax2: string | null;
  /** cgroup.procs of the first of memory, cpuacct, pids (v1) or the cgroup2 mount. */
  procs: string | null;
  /** cgroup.procs on the cgroup2 mount when `procs` is a v1 one. */
  procsUnified: string | null;
}

export function cgroupFiles(layout: CgroupLayout, path: string): CgroupFiles {
  const dirs = new Map<CgroupMount, string>();
  const at = (mount: CgroupMount | null | undefined, name: string): string | null => {
    if (!mount) return null;
    let dir = dirs.get(mount);
    if (dir === undefined) {
      dir = join(mount, path);
      dirs.set(mount, dir);
    }
    return `${dir}/${name}`;
  };
  const v1 = layout.version === 1 ? layout.v1 : new Map<string, CgroupMount>();
  const v2 = layout.unified;
  const cpu = v1.get('cpu');
  const memory = v1.get('memory');
  const blkio = v1.get('blkio');
  const pids = v1.get('pids');
  const procsMount = memory ?? v1.get('cpuacct') ?? pids ?? v2;
  return {
    cpuacctUsage: at(v1.get('cpuacct'), 'cpuacct.usage'),
    cpuStat1: at(cpu, 'cpu.stat'),
    cpuStat2: at(v2, 'cpu.stat'),
    memoryUsage1: at(memory, 'memory.usage_in_bytes'),
    memoryStat1: at(memory, 'memory.stat'),
    memoryCurrent2: at(v2, 'memory.current'),
    memoryStat2: at(v2, 'memory.stat'),
    memoryOomControl1: at(memory, 'memory.oom_control'),
    memoryFailcnt1: at(memory, 'memory.failcnt'),
    memoryEvents2: at(v2, 'memory.events'),
    blkioBytesRecursive: at(blkio, 'blkio.throttle.io_service_bytes_recursive'),
    blkioBytes: at(blkio, 'blkio.throttle.io_service_bytes'),
    blkioOpsRecursive: at(blkio, 'blkio.throttle.io_serviced_recursive'),
    blkioOps: at(blkio, 'blkio.throttle.io_serviced'),
    ioStat2: at(v2, 'io.stat'),
    pidsCurrent1: at(pids, 'pids.current'),
    pidsCurrent2: at(v2, 'pids.current'),
    cfsQuota1: at(cpu, 'cpu.cfs_quota_us'),
    cfsPeriod1: at(cpu, 'cpu.cfs_period_us'),
    cpuMax2: at(v2, 'cpu.max'),
    memoryLimit1: at(memory, 'memory.limit_in_bytes'),
    memoryMax2: at(v2, 'memory.max'),
    pidsMax1: at(pids, 'pids.max'),
    pidsMax2: at(v2, 'pids.max'),
    procs: at(procsMount, 'cgroup.procs'),
    procsUnified: procsMount !== v2 ? at(v2, 'cgroup.procs') : null,
  };
}

/** Whether any file of the cgroup was found, shared by the reads of one reading. */
interface Seen {
  present: boolean;
}

/**
 * One file's text; null when there is no such mount or file. An unreadable file is a problem
 * in `sink` and null; any answer but "no such file" means the cgroup is there.
 */
function readFile(
  from: FileReader,
  file: string | null,
  seen: Seen,
  sink: SourceProblem[],
): string | null {
  if (file === null) return null;
  try {
    const text = from.read(file);
    if (text !== null) seen.present = true;
    return text;
  } catch (error) {
    seen.present = true;
    sink.push({ source: file, message: (error as Error).message, code: codeOf(error) });
    return null;
  }
}

/**
 * A file read through the reader's byte path (FileReader.readWith) with `scan`: the scanned
 * answer; null when there is no such mount or file, or it is unreadable (a problem in `sink`, as
 * readFile); undefined when the reader has no byte path or the scan declined the content, and
 * the caller reads the text (readFile) and parses it.
 */
function scanFile<A, T>(
  from: FileReader,
  file: string | null,
  seen: Seen,
  sink: SourceProblem[],
  scan: ByteScanner<A, T | undefined>,
  arg: A,
): T | null | undefined {
  if (file === null) return null;
  const readWith = from.readWith;
  if (readWith === undefined) return undefined;
  try {
    const value = readWith(file, scan, arg);
    if (value !== null) seen.present = true;
    return value;
  } catch (error) {
    seen.present = true;
    sink.push({ source: file, message: (error as Error).message, code: codeOf(error) });
    return null;
  }
}

const OOM_KILL_KEY = new TextEncoder().encode('oom_kill ');

/** v1 `memory.failcnt`, scanned from the read buffer where the reader can, else read as text. */
function readCount1(
  reader: FileReader,
  file: string | null,
  seen: Seen,
  problems: SourceProblem[],
): number | null {
  const hits = scanFile(reader, file, seen, problems, scanCountBytes, undefined);
  if (hits !== undefined) return hits;
  return parseWith(readFile(reader, file, seen, problems), file, parseCgroupCount, problems);
}

/**
 * v1 `memory.oom_control`'s `oom_kill`, scanned from the read buffer where the reader can, else
 * read as text; null before kernel 4.13 (no such line), not 0.
 */
function readOomKills1(
  reader: FileReader,
  file: string | null,
  seen: Seen,
  problems: SourceProblem[],
): number | null {
  const kills = scanFile(reader, file, seen, problems, scanKeyedBytes, OOM_KILL_KEY);
  if (kills !== undefined) return kills === null || kills === NO_KEY ? null : kills;
  const oom = readFile(reader, file, seen, problems);
  return oom === null ? null : count(flatKeys(oom, V1_OOM_KEYS)[0], file, 'oom_kill', problems);
}

/**
 * A one-number file as `parse` reads it, scanned from the read buffer where the reader can:
 * undefined when there is no such mount or file (or it is unreadable: a problem in `sink`), null
 * when it is there but not a count (a problem in `sink`), else its value.
 */
function readCount(
  from: FileReader,
  file: string | null,
  seen: Seen,
  sink: SourceProblem[],
  parse: (text: string, file: string) => number,
): number | null | undefined {
  const fast = scanFile(from, file, seen, sink, scanCountBytes, undefined);
  if (fast === null) return undefined;
  if (fast !== undefined) return fast;
  const text = readFile(from, file, seen, sink);
  return text === null ? undefined : parseWith(text, file, parse, sink);
}

function parseWith<T>(
  text: string | null,
  file: string | null,
  fn: (text: string, file: string) => T,
  sink: SourceProblem[],
): T | null {
  if (text === null || file === null) return null;
  try {
    return fn(text, file);
  } catch (error) {
    sink.push({ source: file, message: (error as Error).message, code: codeOf(error) });
    return null;
  }
}

const V1_CPU_KEYS = ['nr_periods', 'nr_throttled', 'throttled_time'] as const;
const V2_CPU_KEYS = ['usage_usec', 'nr_periods', 'nr_throttled', 'throttled_usec'] as const;
const V2_MEMORY_EVENT_KEYS = ['oom_kill', 'oom', 'max', 'high'] as const;
const V1_OOM_KEYS = ['oom_kill'] as const;

/** `parseFlatKeyed(text).get(key)` for each key, scanned when the text allows. */
function flatKeys(text: string, keys: readonly string[]): Array<number | undefined> {
  const fast = scanFlatKeyed(text, keys);
  if (fast) return fast;
  const m = parseFlatKeyed(text);
  return keys.map((k) => m.get(k));
}

/**
 * A keyed value taken as a figure: an absent key is null (kernels differ in their keys); a
 * value that is not a count below `limit` (negative, past 2^53) is null and a problem naming
 * the file and the key, so it never passes as a reading.
 */
function count(
  value: number | null | undefined,
  file: string | null,
  key: string,
  problems: SourceProblem[],
  limit = CGROUP_COUNT_LIMIT,
): number | null {
  if (value === undefined || value === null) return null;
  if (isCgroupCount(value, limit)) return value;
  problems.push({
    source: file ?? key,
    message: `${key}: expected a non-negative integer below ${limitName(limit)}, got ${value}`,
    code: 'PARSE_ERROR',
  });
  return null;
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
  options: ReadCgroupStatsOptions = {},
): CgroupStats {
  const f = options.files ?? cgroupFiles(layout, path);
  const problems: SourceProblem[] = [];
  const seen: Seen = { present: false };
  const missing = (what: string, files: string) =>
    problems.push({
      source: what,
      message: `no ${what} controller for this cgroup (${files} not found)`,
      code: 'MISSING_FILE',
    });

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
  let memoryOomKills: number | null = null;
  let memoryOomEvents: number | null = null;
  let memoryLimitHits: number | null = null;
  let memoryHighEvents: number | null = null;
  let memoryInactiveFile: number | null = null;
  const prev = options.previous ?? null;
  // Where each limit lives, decided by which counter files were found.
  let cpuLimitFrom: 'v1' | 'v2' | null = null;
  let memoryLimitFrom: 'v1' | 'v2' | null = null;
  let pidsFrom: 'v1' | 'v2' | null = null;

  // CPU time: v1 cpuacct.usage (ns), else cgroup2 cpu.stat usage_usec.
  const usageNs = readCount(reader, f.cpuacctUsage, seen, problems, parseCgroupNanoseconds);
  const usage = usageNs !== undefined;
  const carryThrottling =
    usage && prev !== null && prev.cpuLimitCores === null && prev.cpuPeriods !== null;
  const cpuStat1 = carryThrottling ? null : readFile(reader, f.cpuStat1, seen, problems);
  if (usage) cpuSeconds = usageNs === null ? null : usageNs / 1e9;
  if (carryThrottling) {
    cpuPeriods = prev.cpuPeriods;
    cpuThrottledPeriods = prev.cpuThrottledPeriods;
    cpuThrottledSeconds = prev.cpuThrottledSeconds;
  }
  const cpuStat2 =
    !carryThrottling && (!usage || cpuStat1 === null)
      ? readFile(reader, f.cpuStat2, seen, problems)
      : null;
  if (cpuStat1 !== null) {
    const [periods, throttled, ns] = flatKeys(cpuStat1, V1_CPU_KEYS);
    const file = f.cpuStat1;
    cpuPeriods = count(periods, file, 'nr_periods', problems);
    cpuThrottledPeriods = count(throttled, file, 'nr_throttled', problems);
    const throttledNs = count(ns, file, 'throttled_time', problems, CGROUP_NANOSECONDS_LIMIT);
    cpuThrottledSeconds = throttledNs === null ? null : throttledNs / 1e9;
    cpuLimitFrom = 'v1';
  }
  if (cpuStat2 !== null) {
    const [usec, periods, throttled, throttledUsec] = flatKeys(cpuStat2, V2_CPU_KEYS);
    const file = f.cpuStat2;
    if (cpuSeconds === null) {
      const usage = count(usec, file, 'usage_usec', problems);
      if (usage !== null) cpuSeconds = usage / 1e6;
    }
    if (cpuStat1 === null) {
      cpuPeriods = count(periods, file, 'nr_periods', problems);
      cpuThrottledPeriods = count(throttled, file, 'nr_throttled', problems);
      const us = count(throttledUsec, file, 'throttled_usec', problems);
      cpuThrottledSeconds = us === null ? null : us / 1e6;
      cpuLimitFrom = 'v2';
    }
  }
  if (cpuSeconds === null && !usage) missing('cpu', 'cpuacct.usage, cpu.stat usage_usec');

  // Memory: v1 usage_in_bytes / total_inactive_file, else v2 memory.current / inactive_file.
  const usage1 = readCount(reader, f.memoryUsage1, seen, problems, parseCgroupCount);
  const mem1 = usage1 !== undefined;
  const usage2 = mem1
    ? undefined
    : readCount(reader, f.memoryCurrent2, seen, problems, parseCgroupCount);
  if (mem1 || usage2 !== undefined) {
    memoryUsage = mem1 ? usage1 : (usage2 ?? null);
    memoryLimitFrom = mem1 ? 'v1' : 'v2';
    if (prev !== null && prev.memoryInactiveFile !== null && prev.memoryUsage === memoryUsage) {
      memoryInactiveFile = prev.memoryInactiveFile;
    } else {
      const statFile = mem1 ? f.memoryStat1 : f.memoryStat2;
      const stat = readFile(reader, statFile, seen, problems);
      // Only one key is needed from this long file: find it rather than parse every line.
      const inactive =
        stat === null
          ? null
          : ((mem1
              ? keyValue(stat, 'total_inactive_file', '\ntotal_inactive_file ')
              : keyValue(stat, 'inactive_file', '\ninactive_file ')) ??
            keyValue(stat, 'inactive_file', '\ninactive_file '));
      memoryInactiveFile = count(inactive, statFile, 'inactive_file', problems);
    }
    memoryWorkingSet = workingSet(memoryUsage, memoryInactiveFile, problems);
    // OOM and limit-hit counters. An unmoved usage proves nothing here: a cgroup at its limit
    // sits at the same usage while its charges fail (a 16 MiB cgroup writing files: in 19 of the
    // 21 intervals of 50 ms whose usage_in_bytes held, memory.failcnt moved). What does prove
    // them unmoved (SEMANTICS.md, Container lifecycle): for oom_kill, the host's own count
    // holding (`hostOomKillsHeld`); for failcnt, no memory limit on the cgroup itself (the
    // kernel counts a failed charge only on the counter whose limit it hit: under a parent
    // limited to 16 MiB, a child without one read failcnt 0 while its parent's went to 62).
    if (options.lifecycle === false) {
      // Not asked for: the counters stay null.
    } else if (mem1) {
      const carry = prev !== null && options.limits != null;
      memoryOomKills =
        carry && options.hostOomKillsHeld === true && prev.memoryOomKills !== null
          ? prev.memoryOomKills
          : readOomKills1(reader, f.memoryOomControl1, seen, problems);
      memoryLimitHits =
        carry && options.limits?.memoryLimit === null && prev.memoryLimitHits !== null
          ? prev.memoryLimitHits
          : readCount1(reader, f.memoryFailcnt1, seen, problems);
    } else {
      const events = readFile(reader, f.memoryEvents2, seen, problems);
      if (events !== null) {
        const [kills, oom, max, high] = flatKeys(events, V2_MEMORY_EVENT_KEYS);
        const file = f.memoryEvents2;
        memoryOomKills = count(kills, file, 'oom_kill', problems);
        memoryOomEvents = count(oom, file, 'oom', problems);
        memoryLimitHits = count(max, file, 'max', problems);
        memoryHighEvents = count(high, file, 'high', problems);
      }
    }
  } else if (seen.present) missing('memory', 'memory.usage_in_bytes, memory.current');

  // Block I/O: v1 blkio throttle tables (recursive where the kernel has it), else v2 io.stat.
  const bytes1 =
    readFile(reader, f.blkioBytesRecursive, seen, problems) ??
    readFile(reader, f.blkioBytes, seen, problems);
  if (bytes1 !== null) {
    const b = parseBlkio(bytes1);
    // Rows that are not counts are skipped by parseBlkio; a sum past 2^53 is still no reading.
    const bytesFile = f.blkioBytesRecursive ?? f.blkioBytes;
    blockReadBytes = count(b.read, bytesFile, 'Read', problems);
    blockWriteBytes = count(b.write, bytesFile, 'Write', problems);
    const carryOps =
      prev !== null &&
      prev.blockReadOps !== null &&
      prev.blockReadBytes === b.read &&
      prev.blockWriteBytes === b.write;
    if (carryOps) {
      blockReadOps = prev.blockReadOps;
      blockWriteOps = prev.blockWriteOps;
    }
    const ops = carryOps
      ? null
      : (readFile(reader, f.blkioOpsRecursive, seen, problems) ??
        readFile(reader, f.blkioOps, seen, problems));
    if (ops !== null) {
      const o = parseBlkio(ops);
      const opsFile = f.blkioOpsRecursive ?? f.blkioOps;
      blockReadOps = count(o.read, opsFile, 'Read', problems);
      blockWriteOps = count(o.write, opsFile, 'Write', problems);
    }
  } else {
    const io = readFile(reader, f.ioStat2, seen, problems);
    if (io !== null) {
      const t = parseIoStat(io);
      const unreadable = (value: number | null, key: string) => {
        if (value === null)
          problems.push({
            source: f.ioStat2 ?? 'io.stat',
            message: `${key}: a device's value is not a non-negative integer below 2^53, or their sum is past it`,
            code: 'PARSE_ERROR',
          });
        return value;
      };
      blockReadBytes = unreadable(t.readBytes, 'rbytes');
      blockWriteBytes = unreadable(t.writeBytes, 'wbytes');
      blockReadOps = unreadable(t.readOps, 'rios');
      blockWriteOps = unreadable(t.writeOps, 'wios');
    } else if (seen.present) missing('io', 'blkio.throttle.io_service_bytes, io.stat');
  }

  // PIDs: same files on both layouts.
  let current = readCount(reader, f.pidsCurrent1, seen, problems, parseCgroupCount);
  if (current !== undefined) pidsFrom = 'v1';
  else {
    current = readCount(reader, f.pidsCurrent2, seen, problems, parseCgroupCount);
    if (current !== undefined) pidsFrom = 'v2';
  }
  if (current !== undefined) pids = current;
  else if (seen.present) missing('pids', 'pids.current');

  const present = seen.present;
  let limits = options.limits ?? null;
  if (!limits && present) {
    const sink: SourceProblem[] = [];
    const from = options.limitsReader ?? reader;
    const readLimit = (file: string | null) => readFile(from, file, seen, sink);
    let cpuLimitCores: number | null = null;
    if (cpuLimitFrom === 'v1') {
      // -1 is the kernel's "no quota"; parseCgroupLimit reads it as null.
      const quota = parseWith(readLimit(f.cfsQuota1), f.cfsQuota1, parseCgroupLimit, sink);
      // The period only matters under a quota: without one it is not read (one read fewer).
      const period =
        quota !== null && quota > 0
          ? parseWith(readLimit(f.cfsPeriod1), f.cfsPeriod1, parseCgroupCount, sink)
          : null;
      cpuLimitCores = cpuLimitFromCfs(quota, period);
    } else if (cpuLimitFrom === 'v2')
      cpuLimitCores = parseWith(readLimit(f.cpuMax2), f.cpuMax2, parseCpuMax, sink);
    const memoryLimitFile =
      memoryLimitFrom === 'v1' ? f.memoryLimit1 : memoryLimitFrom === 'v2' ? f.memoryMax2 : null;
    const memoryLimit =
      memoryLimitFrom === null
        ? null
        : parseWith(readLimit(memoryLimitFile), memoryLimitFile, parseCgroupLimit, sink);
    let pidsLimit: number | null = null;
    if (pidsFrom) {
      const maxFile = pidsFrom === 'v1' ? f.pidsMax1 : f.pidsMax2;
      const max = readLimit(maxFile);
      if (max !== null) pidsLimit = parseWith(max, maxFile, parseCgroupLimit, sink);
      else
        sink.push({
          source: 'pids.max',
          message: 'pids.max not found: limit unknown',
          code: 'MISSING_FILE',
        });
    }
    const procsFrom = options.procsReader ?? from;
    const procs =
      readFile(procsFrom, f.procs, seen, sink) ?? readFile(procsFrom, f.procsUnified, seen, sink);
    limits = {
      cpuLimitCores,
      memoryLimit,
      pidsLimit,
      pid: procs !== null ? firstPid(procs) : null,
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
    memoryOomKills,
    memoryOomEvents,
    memoryLimitHits,
    memoryHighEvents,
    memoryInactiveFile,
    pidsLimit: limits.pidsLimit,
    pid: limits.pid,
    present,
    problems: limits.problems.length === 0 ? problems : [...problems, ...limits.problems],
    limits,
  };
}

/** The integer value of `key` in a `key value` file, found without splitting every line. */
function keyValue(text: string, key: string, lineKey: string): number | null {
  const fast = scanKeyValue(text, key, lineKey);
  if (fast !== undefined) return fast;
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
      // Absent, signed or past 2^53: each leaves the page cache unknown.
      message: 'no inactive_file that is a count in memory.stat: working set unknown',
      code: 'MISSING_FILE',
    });
    return null;
  }
  return Math.max(0, usage - inactiveFile);
}

function codeOf(error: unknown) {
  return PerfError.isInstance(error) ? error.code : 'READ_ERROR';
}
