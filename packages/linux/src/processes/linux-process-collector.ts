import { readlinkSync, statfsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  type CollectOptions,
  type Collector,
  PerfError,
  type ProcessReading,
  throwIfAborted,
} from '@arcbox/perf-core';
import { createDescriptorBudget, type DescriptorBudget } from '../fs/descriptor-budget.js';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { USER_HZ } from '../host/parse-proc-stat.js';
import { createContainerOfCgroup, type KnownContainerCgroup } from './container-of-cgroup.js';
import { parsePasswd } from './parse-passwd.js';
import { containerCgroupPath, parseProcessCgroup } from './parse-process-cgroup.js';
import { type ProcessIo, parseProcessIo } from './parse-process-io.js';
import { type ProcessStat, parseProcessStat } from './parse-process-stat.js';
import { type ProcessStatus, parseProcessStatus } from './parse-process-status.js';

export interface LinuxProcessCollectorOptions {
  /** Reader of /proc and /etc/passwd; one that keeps no descriptors (pids come and go) under `root` by default. */
  reader?: FileReader;
  /** Root of proc and etc when no reader is given; `/` by default. */
  root?: string;
  clock?: () => { monotonicMs: number; time: number };
  hostCpuCount?: number;
  /** Clock ticks per second of stat's times; USER_HZ (100). */
  clockTicks?: number;
  /** Most processes read per round (the lowest pids first); 10,000 by default. */
  maxProcesses?: number;
  /** Bytes of a command line kept; 4096 by default. */
  commandMaxBytes?: number;
  /** Bytes read of any other process file; 16 KiB by default. */
  fileMaxBytes?: number;
  /**
   * The containers the container collector reads (id and cgroup path), so a process is given
   * the same id; asked at most every `containersEveryMs` (2 s). Without it, ids come from the
   * runtimes' cgroup layouts alone.
   */
  containers?: () => readonly KnownContainerCgroup[];
  containersEveryMs?: number;
  /**
   * How long a process's cgroup is trusted before it is read again, ms: 5 s by default in its
   * first minute, then 12 times that. A process's cgroup is set when it starts (a runtime or
   * systemd puts it there) and seldom changes later.
   */
  cgroupRefreshMs?: number;
  /**
   * A process whose CPU time and resident pages (stat's rss, a hint) have not moved since the
   * last round (and that is neither running nor in uninterruptible sleep) keeps its last
   * `status` and `io` figures for up to this long, ms; 60 s by default. Most processes of a host
   * are idle: this reads one file for each of them per round instead of three. Opening and
   * reading `status` and `io` costs several times a read of `stat` on its kept descriptor. An
   * idle process's I/O counters cannot move; CPU ticks are 10 ms, so a process whose ticks held is
   * idle only when its exact time on CPU (`schedstat`, read for those alone) held too. Its memory
   * moves when the kernel reclaims it, which stat's rss shows (to within the kernel's per-CPU
   * batches, which only the refresh catches). A kernel thread (no memory of its own, no io read)
   * has nothing in status that can move: it is read at its refresh alone, busy or not.
   * 0 reads every file of every process on every round.
   */
  idleRefreshMs?: number;
  /**
   * Whether a round may reuse the last round's pids instead of listing `proc` while the newest
   * pid the kernel handed out (the last field of `proc/loadavg`) has not changed: no process
   * can have started since. Listing /proc costs about a fifth of a round. Taken by default only
   * where it holds: a live procfs of this process's own pid namespace (`proc/self` is our pid;
   * loadavg counts the reader's namespace). The listing is still taken every `relistEveryMs`.
   */
  reuseListing?: boolean;
  /** Most ms a reused listing lasts; 10 s by default. */
  relistEveryMs?: number;
  /**
   * Descriptors this collector may keep open, shared with the container collector when both
   * run in one process; its own budget of half RLIMIT_NOFILE by default.
   */
  descriptors?: DescriptorBudget;
}

export interface LinuxProcessCollector extends Collector<ProcessReading[]> {
  close(): void;
}

/** What is kept per process (pid + start time) between rounds: what does not change, or rarely. */
interface Known {
  /** `proc/<pid>` and its `stat`, made once: a kept descriptor is looked up by path each round. */
  dir: string;
  statPath: string;
  startTime: number;
  command: string | null;
  kernelThread: boolean;
  cgroupPath: string | null;
  cgroupAt: number;
  /** When the process was first seen: its cgroup is read more often while it is young. */
  firstAt: number;
  /** The container of `cgroupPath`, and the containers' generation it was answered for. */
  container: string | null;
  containerGeneration: number;
  seen: number;
  /** utime + stime at the last round, ticks. */
  ticks: number;
  /** stat's resident pages at the last round. */
  rssPages: number | null;
  /** Time on CPU from `schedstat` when last read, ns (null: not read, or no such file). */
  runtimeNs: number | null;
  /** When status and io were last read, and what they held. */
  fullAt: number;
  /** Whether status and io were read last round because it was not idle. */
  active: boolean;
  /** Whether its status and io descriptors are kept (busy two rounds running). */
  keptFull: boolean;
  status: ProcessStatus | null;
  io: ProcessIo | null;
}

const defaultClock = () => ({ monotonicMs: performance.now(), time: Date.now() });

/** `schedstat`'s first field, ns on CPU; null when absent or unreadable. */
const runtimeOf = (text: string | null): number | null => {
  if (text === null) return null;
  const end = text.indexOf(' ');
  const ns = Number(end < 0 ? text.trim() : text.slice(0, end));
  return Number.isSafeInteger(ns) && ns >= 0 ? ns : null;
};
const PASSWD_REFRESH_MS = 60_000;
const CGROUP_YOUNG_MS = 60_000;
const CGROUP_SETTLED_FACTOR = 12;
const PASSWD_MAX_BYTES = 4 * 2 ** 20;
const KTHREADD = 2;

/**
 * Every process under `<root>/proc`, one reading per round: `stat` each round, `status` and `io`
 * each round the process used CPU (else every `idleRefreshMs`; kept open while it stays busy);
 * `cmdline` once per process;
 * `cgroup` every few seconds. Sync reads of procfs (never
 * waiting on a device, TOOLCHAIN.md) through one reused buffer, no descriptor kept. A process
 * that exits between the listing and its reads is skipped; `io` that cannot be read (another
 * user's process without CAP_SYS_PTRACE) is null.
 */
export function createLinuxProcessCollector(
  options: LinuxProcessCollectorOptions = {},
): LinuxProcessCollector {
  const root = options.root ?? '/';
  const reader = options.reader ?? createFileReader({ root, keepOpen: false });
  const ownReader = options.reader === undefined;
  // `stat` is read every round: kept open and re-read at position 0 (an open of a procfs file
  // costs more than its read), within a quarter of the descriptor budget (at most 4096); the first ones seen
  // are kept, the rest opened per read. A kept descriptor belongs to its process: once that
  // exits, the read fails and the descriptor is closed, so a reused pid never reads the old one.
  const budget = options.descriptors ?? createDescriptorBudget();
  const statReader =
    options.reader ??
    (!isProcfs(root)
      ? reader
      : createFileReader({
          root,
          keepOpen: true,
          maxOpen: Math.min(4096, Math.floor(budget.size / 4)),
          evictOldest: false,
          budget,
        }));
  // `status` and `io` of a process busy two rounds running are kept open too, and closed when
  // it next idles: a few dozen processes of a host run every second (shells polling, runtimes'
  // shims), and an open and a close of a procfs file cost more than its read. An eighth of the
  // budget (at most 1024), so the every-round `stat` files keep their share.
  const busyReader =
    options.reader ??
    (statReader === reader
      ? reader
      : createFileReader({
          root,
          keepOpen: true,
          maxOpen: Math.min(1024, Math.floor(budget.size / 8)),
          evictOldest: false,
          budget,
        }));
  const clock = options.clock ?? defaultClock;
  const ownClock = options.clock === undefined;
  const hostCpuCount = options.hostCpuCount ?? availableParallelism();
  const ticks = options.clockTicks ?? USER_HZ;
  const maxProcesses = bound(options.maxProcesses ?? 10_000, 'maxProcesses', 1_000_000);
  const commandMaxBytes = bound(options.commandMaxBytes ?? 4096, 'commandMaxBytes', 2 ** 20);
  const fileMaxBytes = bound(options.fileMaxBytes ?? 16 * 1024, 'fileMaxBytes', 2 ** 20);
  const containersEveryMs = options.containersEveryMs ?? 2000;
  const cgroupRefreshMs = options.cgroupRefreshMs ?? 5000;
  const idleRefreshMs = options.idleRefreshMs ?? 60_000;
  const reuseListing = options.reuseListing ?? ownProcfs(reader.root);
  const relistEveryMs = options.relistEveryMs ?? 10_000;
  let listedAt = Number.NEGATIVE_INFINITY;
  let lastPidSeen: string | null = null;
  let lastPids: number[] = [];
  const containerOf = createContainerOfCgroup();
  let containersAt = Number.NEGATIVE_INFINITY;
  let users: Map<number, string> | null = null;
  let usersAt = Number.NEGATIVE_INFINITY;
  let known = new Map<number, Known>();
  let round = 0;

  const userOf = (uid: number | null, now: number): string | null => {
    if (uid === null) return null;
    if (!users || now - usersAt >= PASSWD_REFRESH_MS) {
      usersAt = now;
      try {
        const text = reader.read('etc/passwd', PASSWD_MAX_BYTES);
        users = text === null ? new Map() : parsePasswd(text);
      } catch {
        users = new Map();
      }
    }
    return users.get(uid) ?? null;
  };

  /** A file of a process that may be gone, or not ours to read: null either way. */
  const soft = (path: string, max = fileMaxBytes): string | null => softOf(reader, path, max);
  const softOf = (from: FileReader, path: string, max = fileMaxBytes): string | null => {
    try {
      return from.read(path, max);
    } catch (error) {
      if (PerfError.isInstance(error) && error.code === 'READ_ERROR') return null;
      throw error;
    }
  };

  const readOne = (pid: number, now: number, stamp: { monotonicMs: number; time: number }) => {
    let k = known.get(pid);
    const dir = k?.dir ?? `proc/${pid}`;
    const statPath = k?.statPath ?? `${dir}/stat`;
    // A kept descriptor of an exited process fails once (and is closed): a pid reused since is
    // read again through a fresh open.
    const statText =
      softOf(statReader, statPath) ??
      (statReader !== reader && k !== undefined ? softOf(statReader, statPath) : null);
    if (statText === null) return null;
    // Stamped when its stat was read: a round over many processes on a busy machine takes long
    // enough (the first, opening every file, most of all) for a round's one stamp to skew a
    // rate by several percent. A given clock (tests, recordings) stamps the round.
    const monotonicMs = ownClock ? performance.now() : stamp.monotonicMs;
    let stat: ProcessStat;
    try {
      stat = parseProcessStat(statText, statPath);
    } catch {
      // A stat we cannot read names no process we could report (nor keeps a descriptor).
      if (statReader !== reader) statReader.forget(`${dir}/`);
      return null;
    }
    if (!k || k.startTime !== stat.startTime) {
      // A reused pid: the kept status and io were of the process that exited.
      if (k?.keptFull) busyReader.forget(`${dir}/`);
      const raw = soft(`${dir}/cmdline`, commandMaxBytes);
      const command = raw === null ? null : commandLine(raw);
      k = {
        dir,
        statPath,
        startTime: stat.startTime,
        command,
        kernelThread: command === null && (stat.ppid === KTHREADD || pid === KTHREADD),
        cgroupPath: null,
        cgroupAt: Number.NEGATIVE_INFINITY,
        firstAt: now,
        container: null,
        containerGeneration: -1,
        seen: round,
        ticks: -1,
        rssPages: null,
        runtimeNs: null,
        fullAt: Number.NEGATIVE_INFINITY,
        active: false,
        keptFull: false,
        status: null,
        io: null,
      };
      known.set(pid, k);
    }
    k.seen = round;
    const cgroupEvery =
      now - k.firstAt < CGROUP_YOUNG_MS ? cgroupRefreshMs : cgroupRefreshMs * CGROUP_SETTLED_FACTOR;
    if (!k.kernelThread && now - k.cgroupAt >= cgroupEvery) {
      const text = soft(`${dir}/cgroup`);
      k.cgroupPath = text === null ? null : containerCgroupPath(parseProcessCgroup(text));
      k.cgroupAt = now;
      k.containerGeneration = -1;
    }
    if (!k.kernelThread && k.containerGeneration !== containerOf.generation) {
      k.container = containerOf(k.cgroupPath);
      k.containerGeneration = containerOf.generation;
    }
    const ticksNow = stat.utime + stat.stime;
    const fresh = now - k.fullAt < idleRefreshMs && k.status !== null;
    // A kernel thread has no memory of its own and its io is not read: nothing of status can
    // move (uid 0, no VmRSS or VmSwap), however busy it is. Its ticks come from stat.
    let idle =
      fresh &&
      (k.kernelThread ||
        (ticksNow === k.ticks &&
          stat.rssPages === k.rssPages &&
          stat.state !== 'R' &&
          stat.state !== 'D'));
    if (idle && !k.kernelThread) {
      // Ticks are 10 ms: a process can write megabytes (O_DIRECT, from a pipe) on less CPU than
      // one. Its time on CPU in ns (schedstat) moves with any system call; where the kernel has
      // no schedstat, ticks decide alone.
      const runtime = runtimeOf(softOf(statReader, `${dir}/schedstat`));
      idle = runtime === null || runtime === k.runtimeNs;
      k.runtimeNs = runtime;
    }
    k.ticks = ticksNow;
    k.rssPages = stat.rssPages;
    if (idle && k.keptFull) {
      busyReader.forget(`${dir}/`);
      k.keptFull = false;
    }
    if (!idle) {
      // Busy last round too: likely busy next round, so its descriptors are worth keeping.
      const from = k.active && busyReader !== reader ? busyReader : reader;
      if (from === busyReader) k.keptFull = true;
      const statusText = softOf(from, `${dir}/status`);
      // Gone between the two reads.
      if (statusText === null) return null;
      k.status = parseProcessStatus(statusText);
      const ioText = k.kernelThread ? null : softOf(from, `${dir}/io`);
      k.io = ioText === null ? null : parseProcessIo(ioText);
      // A process's first refresh falls at a point of the window its pid picks, so the idle
      // processes seen in one round (all of them, at start) do not all refresh in one round.
      k.fullAt =
        k.fullAt === Number.NEGATIVE_INFINITY && idleRefreshMs > 0
          ? now - ((pid * 7919) % idleRefreshMs)
          : now;
    }
    k.active = !idle;
    const status = k.status!;
    const io = k.io;
    const reading: ProcessReading = {
      pid,
      ppid: stat.ppid,
      startTime: stat.startTime,
      comm: stat.comm,
      command: k.command,
      uid: status.uid,
      user: userOf(status.uid, now),
      state: stat.state,
      threads: stat.threads,
      cpuUserSeconds: stat.utime / ticks,
      cpuSystemSeconds: stat.stime / ticks,
      cpuSeconds: (stat.utime + stat.stime) / ticks,
      residentBytes: status.residentBytes,
      swapBytes: status.swapBytes,
      ioReadBytes: io?.readBytes ?? null,
      ioWriteBytes: io?.writeBytes ?? null,
      container: k.kernelThread ? null : k.container,
      kernelThread: k.kernelThread,
      hostCpuCount,
      monotonicMs,
      time: stamp.time,
    };
    return reading;
  };

  /** The pids under proc, lowest first, at most maxProcesses. */
  const listPids = (): number[] => {
    const entries = reader.list('proc');
    if (entries === null)
      throw new PerfError('MISSING_FILE', 'no proc directory', { file: `${reader.root}/proc` });
    const pids: number[] = [];
    for (const e of entries) {
      const c = e.name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(e.name);
      if (Number.isSafeInteger(pid) && pid > 0) pids.push(pid);
    }
    pids.sort((a, b) => a - b);
    if (pids.length > maxProcesses) pids.length = maxProcesses;
    return pids;
  };

  return {
    name: 'processes',
    async collect({ signal }: CollectOptions) {
      throwIfAborted(signal, 'processes');
      // One clock for the reading's stamp and the refresh schedule (a test can drive both).
      const stamp = clock();
      const now = stamp.monotonicMs;
      round += 1;
      if (options.containers && now - containersAt >= containersEveryMs) {
        containersAt = now;
        containerOf.update(options.containers());
      }
      const newest = reuseListing ? lastPid(softOf(statReader, 'proc/loadavg', 256)) : null;
      const pids =
        newest !== null && newest === lastPidSeen && now - listedAt < relistEveryMs
          ? lastPids
          : listPids();
      if (pids !== lastPids) listedAt = now;
      lastPidSeen = newest;
      const out: ProcessReading[] = [];
      lastPids = [];
      for (const pid of pids) {
        const r = readOne(pid, now, stamp);
        if (r) {
          out.push(r);
          lastPids.push(pid);
        } else {
          // Gone mid-read: nothing of it is kept.
          known.delete(pid);
          if (statReader !== reader) statReader.forget(`proc/${pid}/`);
          if (busyReader !== reader) busyReader.forget(`proc/${pid}/`);
        }
      }
      // Forget processes not seen this round (pids are reused), and their kept descriptors.
      const gone: number[] = [];
      for (const [pid, k] of known) if (k.seen !== round) gone.push(pid);
      if (gone.length > 0) {
        if (gone.length > known.size / 2) {
          const next = new Map<number, Known>();
          for (const [pid, k] of known) if (k.seen === round) next.set(pid, k);
          known = next;
        } else for (const pid of gone) known.delete(pid);
        if (statReader !== reader) for (const pid of gone) statReader.forget(`proc/${pid}/`);
        if (busyReader !== reader) for (const pid of gone) busyReader.forget(`proc/${pid}/`);
      }
      return out;
    },
    close() {
      known.clear();
      if (ownReader) {
        reader.close();
        if (statReader !== reader) statReader.close();
        if (busyReader !== reader) busyReader.close();
      }
    },
  };
}

/** The NUL-separated arguments of `cmdline`, joined by spaces; null when empty (kernel threads, zombies). */
function commandLine(raw: string): string | null {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0) end -= 1;
  if (end === 0) return null;
  return raw.slice(0, end).replaceAll('\0', ' ');
}

/** The last field of loadavg, the newest pid handed out; null when unreadable. */
function lastPid(loadavg: string | null): string | null {
  if (loadavg === null) return null;
  const text = loadavg.trimEnd();
  const field = text.slice(text.lastIndexOf(' ') + 1);
  return /^\d+$/.test(field) ? field : null;
}

/** Whether `<root>/proc` is a live procfs of this process's pid namespace. */
function ownProcfs(root: string): boolean {
  if (!isProcfs(root)) return false;
  try {
    return readlinkSync(join(root, 'proc/self')) === String(process.pid);
  } catch {
    return false;
  }
}

const PROC_SUPER_MAGIC = 0x9fa0;

/**
 * Whether `<root>/proc` is a live procfs. Only there is a kept descriptor re-read fresh: a
 * recorded or constructed tree is regular files, which a kept descriptor would read stale.
 */
function isProcfs(root: string): boolean {
  try {
    return statfsSync(join(root, 'proc')).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

function bound(value: number, name: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new PerfError('INVALID_ARGUMENT', `${name} must be a whole number from 1 to ${max}`, {
      field: name,
    });
  return value;
}
