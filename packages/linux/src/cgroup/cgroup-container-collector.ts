import { availableParallelism } from 'node:os';
import {
  type CollectOptions,
  type Collector,
  type ContainerReading,
  PerfError,
  type SourceProblem,
  throwIfAborted,
} from '@arcbox/perf-core';
import { createDescriptorBudget, type DescriptorBudget } from '../fs/descriptor-budget.js';
import { createFileReader, type DirEntry, type FileReader } from '../fs/file-reader.js';
import { MAX_COUNTER, parseCounter } from '../host/parse-number.js';
import { type CgroupLayout, detectCgroupLayout } from './cgroup-layout.js';
import { createHostOomKills } from './host-oom-kills.js';
import {
  type CgroupTarget,
  discoverRuntimeCgroups,
  expandConfiguredCgroups,
} from './discover-cgroups.js';
import {
  type KnownProcess,
  knowProcess,
  netNamespaceOf,
  readContainerNetwork,
} from './read-container-network.js';
import {
  type CgroupFiles,
  type CgroupLimits,
  type CgroupStats,
  cgroupDirs,
  cgroupFiles,
  readCgroupStats,
} from './read-cgroup-stats.js';
import { type ContainerNameLookup, createRuntimeStateNames } from './runtime-state-names.js';

/** Anything that lists containers with their names, such as a Docker Engine API client. */
export interface ContainerLister {
  listContainers(options?: {
    signal?: AbortSignal;
  }): Promise<ReadonlyArray<{ id: string; name: string }>>;
}

export interface CgroupContainerCollectorOptions {
  /** Reader for every cgroup and /proc file; one with kept descriptors under `root` by default. */
  reader?: FileReader;
  /** Root of /proc and /sys when no reader is given; `/` by default. */
  root?: string;
  clock?: () => { monotonicMs: number; time: number };
  /** Extra cgroups to read, as paths or globs (`/mygroup/*`, `/sys/fs/cgroup/memory/x`). */
  cgroupPaths?: string[];
  /** Find containers from the runtimes' cgroup layouts; true by default. */
  discover?: boolean;
  /**
   * Names for ids: a lookup function or a Docker API client. Ids it does not name fall back to
   * the runtimes' state files (runc, Docker), then to the short id.
   */
  names?: ContainerNameLookup | ContainerLister;
  hostCpuCount?: number;
  hostMemoryTotal?: number | null;
  /**
   * How long limits (memory, CPU quota, pids.max) and the process used for the network stay
   * cached, ms; 10 s by default. They change only on `docker update`, and not re-reading them
   * halves the files read per container. In between, files whose figures have not moved are
   * carried over too (ReadCgroupStatsOptions.previous); at each refresh every file is read.
   * 0 reads everything on every reading.
   */
  limitsRefreshMs?: number;
  /**
   * How often the cgroup tree is walked for new containers, ms; 2 s by default (a gone
   * container is noticed on the next reading whatever this is). 0 walks on every reading.
   */
  discoverEveryMs?: number;
  /**
   * Descriptors this collector may keep open, shared with other collectors of the same process
   * (the process collector's); its own budget of half RLIMIT_NOFILE by default.
   */
  descriptors?: DescriptorBudget;
  /**
   * Read the OOM kill and limit-hit counters (SEMANTICS.md, Container lifecycle); true by
   * default.
   */
  lifecycleCounters?: boolean;
}

/** The container collector plus the seed's one-container helper. */
export interface CgroupContainerCollector extends Collector<ContainerReading[]> {
  /** The containers the next reading would read, discovered plus configured. */
  discover(): CgroupTarget[];
  /**
   * One container by id (or a unique id prefix); `name` overrides the looked-up one. null when
   * no such container exists (or it went away): no data is not an error.
   */
  collectContainer(
    id: string,
    options: CollectOptions & { name?: string },
  ): Promise<ContainerReading | null>;
  close(): void;
}

const NAME_RETRY_MS = 30_000;
/** Longest a directory listing is reused by the discovery walk, ms. */
const LISTING_MAX_MS = 30_000;

const defaultClock = () => ({ monotonicMs: performance.now(), time: Date.now() });

/** What is kept per cgroup between readings. */
interface TargetState {
  /** Its file paths, built once (see CgroupFiles). */
  files: CgroupFiles;
  /** The target `short` was made for: a rediscovered path gets a new target object. */
  shortOf: CgroupTarget | null;
  short: string;
  /** null until a reading has found the cgroup. */
  limits: CgroupLimits | null;
  pid: number | null;
  readAt: number;
  /** The process the network is read through, renewed whenever cgroup.procs is read. */
  known: KnownProcess | undefined;
  /** The last reading, whose unmoved figures the next one may carry (see `previous`). */
  last: CgroupStats | null;
}

/**
 * Per-container readings from cgroups (v1, v2, or v1 with a cgroup2 mount), everything read
 * through the FileReader so a recording replays. A cgroup gone between two readings is left out
 * (its series ends) and its kept descriptors are closed.
 */
export function createCgroupContainerCollector(
  options: CgroupContainerCollectorOptions = {},
): CgroupContainerCollector {
  const ownReader = options.reader === undefined;
  const root = options.root ?? '/';
  // Counters are read on every reading: kept descriptors. Limits are read every few seconds: kept
  // too (an open costs more than the read; 4 of them per container every 10 s were a tenth of
  // the collector's time at 100 containers), by a reader of their own holding at most a quarter
  // of the budget, so the counters keep theirs on a large host; limits past that share are
  // opened, read and closed (not rotated through the kept ones, see evictOldest). cgroup.procs
  // and runtime state files go through a reader that keeps nothing (see
  // ReadCgroupStatsOptions.procsReader). A given reader (a recording) serves all three, so
  // everything read is recorded. Counters past the budget are not rotated either: read in the
  // same order every second, evicting the oldest reopened every file once the working set
  // passed the budget (measured: 930 opens a second at 1,000 containers, a quarter of the
  // collector's time); kept first-come, only the ones past it are opened per read. A gone
  // cgroup's descriptors are closed (forgetTarget), so a new container gets room again.
  const budget = options.descriptors ?? createDescriptorBudget();
  const reader =
    options.reader ??
    createFileReader({ root, keepOpen: true, maxOpen: budget.size, evictOldest: false, budget });
  const limitsReader =
    options.reader ??
    createFileReader({
      root,
      keepOpen: true,
      maxOpen: Math.floor(budget.size / 4),
      evictOldest: false,
      budget,
    });
  const coldReader = options.reader ?? createFileReader({ root, keepOpen: false });
  const clock = options.clock ?? defaultClock;
  const patterns = options.cgroupPaths ?? [];
  const discoverOn = options.discover ?? true;
  const limitsRefreshMs = options.limitsRefreshMs ?? 10_000;
  const discoverEveryMs = options.discoverEveryMs ?? 2000;
  const lifecycle = options.lifecycleCounters ?? true;
  const hostOomKills = createHostOomKills(reader);
  const lookup = toLookup(options.names);
  // runc state through the reader that does not keep descriptors (or the given one, recorded).
  const stateNames = createRuntimeStateNames({ reader: coldReader });
  const names = new Map<string, string>();
  const namesTriedAt = new Map<string, number>();
  let layout: CgroupLayout | null = null;
  // The host's network namespace does not change: looked up once ('' = not readable).
  let hostNetns: string | null = null;
  let targets: CgroupTarget[] | null = null;
  let discoveredAt = Number.NEGATIVE_INFINITY;
  const state = new Map<string, TargetState>();

  const getLayout = () => {
    layout ??= detectCgroupLayout(reader);
    return layout;
  };

  // Listings of the walk, kept while the directory's link count (2 + its subdirectories) has not
  // moved: at 1,000 cgroups, listing five hierarchies of 1,000 entries every 2 s was a tenth of
  // the collector's time, a stat is not. A container that goes away drops them all (a removal
  // and a creation in one interval leave the count as it was), and none is kept past 30 s.
  let listings = new Map<string, { links: number; at: number; entries: DirEntry[] | null }>();
  let usedListings = new Map<string, { links: number; at: number; entries: DirEntry[] | null }>();
  const walkReader: FileReader = {
    root: reader.root,
    read: (path, maxBytes) => reader.read(path, maxBytes),
    exists: (path) => reader.exists(path),
    forget: (prefix) => reader.forget(prefix),
    close: () => reader.close(),
    list(path) {
      const links = reader.linkCount?.(path) ?? null;
      const now = performance.now();
      const kept = listings.get(path);
      // Some filesystems (btrfs, overlayfs) say 1 for every directory: no count to trust.
      if (links !== null && links >= 2 && kept?.links === links && now - kept.at < LISTING_MAX_MS) {
        usedListings.set(path, kept);
        return kept.entries;
      }
      const entries = reader.list(path);
      if (links !== null && links >= 2) usedListings.set(path, { links, at: now, entries });
      return entries;
    },
  };

  const discover = (): CgroupTarget[] => {
    const l = getLayout();
    if (l.version === 'none') return [];
    const byPath = new Map<string, CgroupTarget>();
    usedListings = new Map();
    if (discoverOn) for (const t of discoverRuntimeCgroups(walkReader, l)) byPath.set(t.path, t);
    if (patterns.length > 0) {
      for (const t of expandConfiguredCgroups(walkReader, l, patterns)) {
        if (!byPath.has(t.path)) byPath.set(t.path, t);
      }
    }
    // Only the directories this walk listed stay kept.
    listings = usedListings;
    return [...byPath.values()];
  };

  const currentTargets = (now: number): CgroupTarget[] => {
    if (!targets || now - discoveredAt >= discoverEveryMs) {
      targets = discover();
      discoveredAt = now;
    }
    return targets;
  };

  const resolveNames = async (
    wanted: CgroupTarget[],
    signal: AbortSignal,
  ): Promise<SourceProblem[]> => {
    const problems: SourceProblem[] = [];
    const now = performance.now();
    // An id no source could name is asked about again only after a while, not on every reading.
    let unknown = wanted
      .filter((t) => !t.configured && !names.has(t.id))
      .filter((t) => now - (namesTriedAt.get(t.id) ?? Number.NEGATIVE_INFINITY) >= NAME_RETRY_MS)
      .map((t) => t.id);
    for (const [source, fn] of [
      ['names', lookup],
      ['runtime state', stateNames],
    ] as const) {
      if (!fn || unknown.length === 0) continue;
      try {
        for (const [id, name] of await fn(unknown, { signal })) names.set(id, name);
      } catch (error) {
        throwIfAborted(signal, 'container names');
        problems.push({
          source,
          message: `container names unavailable: ${(error as Error).message}`,
        });
      }
      unknown = unknown.filter((id) => !names.has(id));
    }
    for (const id of unknown) namesTriedAt.set(id, now);
    return problems;
  };

  const hostFacts = () => {
    const cpus = options.hostCpuCount ?? readOnlineCpus(reader) ?? availableParallelism();
    const memory =
      options.hostMemoryTotal !== undefined ? options.hostMemoryTotal : readMemTotal(reader);
    // The host's namespace is init's; where init's link is not ours to read (a sandbox), our own.
    hostNetns ??= netNamespaceOf(reader.root, 1) ?? netNamespaceOf(reader.root, 'self') ?? '';
    return { cpus, memory, netns: hostNetns === '' ? null : hostNetns };
  };

  const forgetTarget = (path: string) => {
    const was = state.get(path);
    state.delete(path);
    if (layout) {
      for (const dir of cgroupDirs(layout, path)) {
        reader.forget(`${dir}/`);
        if (limitsReader !== reader) limitsReader.forget(`${dir}/`);
      }
    }
    if (was?.pid != null) reader.forget(`proc/${was.pid}/`);
  };

  const readOne = (
    target: CgroupTarget,
    host: ReturnType<typeof hostFacts>,
    name: string | undefined,
    extra: SourceProblem[],
    hostOomKillsHeld = false,
  ): ContainerReading | null => {
    const l = getLayout();
    const stamp = clock();
    let st = state.get(target.path);
    if (!st) {
      st = {
        files: cgroupFiles(l, target.path),
        shortOf: null,
        short: '',
        limits: null,
        pid: null,
        readAt: Number.NEGATIVE_INFINITY,
        known: undefined,
        last: null,
      };
      state.set(target.path, st);
    }
    const before = st.limits;
    const beforePid = st.pid;
    const fresh = before !== null && stamp.monotonicMs - st.readAt < limitsRefreshMs;
    const files = st.files;
    const last = st.last;
    const read = (cached: CgroupLimits | null) =>
      readCgroupStats(reader, l, target.path, {
        limits: cached,
        limitsReader,
        procsReader: coldReader,
        files,
        previous: cached === null ? null : last,
        lifecycle,
        hostOomKillsHeld,
      });
    let stats = read(fresh ? before : null);
    if (!stats.present) {
      forgetTarget(target.path);
      return null;
    }
    // The process is looked up again whenever cgroup.procs was (limits not cached).
    const known = (fromCache: boolean) =>
      stats.pid === null
        ? undefined
        : fromCache && st.known !== undefined && st.known.pid === stats.pid
          ? st.known
          : knowProcess(reader.root, stats.pid);
    let proc = known(fresh);
    let net = readContainerNetwork(reader, stats.pid, host.netns, proc);
    if (net.gone && fresh) {
      // The cached process exited: find another one of the cgroup now rather than in 10 s.
      stats = read(null);
      proc = known(false);
      net = readContainerNetwork(reader, stats.pid, host.netns, proc);
    }
    const readAt = fresh && !net.gone ? st.readAt : stamp.monotonicMs;
    if (beforePid != null && beforePid !== stats.pid) reader.forget(`proc/${beforePid}/`);
    st.pid = stats.pid;
    st.limits = stats.limits;
    st.readAt = readAt;
    st.known = proc;
    st.last = stats;
    const problems = extra.length === 0 ? stats.problems : [...extra, ...stats.problems];
    if (net.problem) problems.push(net.problem);
    if (name === undefined && st.shortOf !== target) {
      st.shortOf = target;
      st.short = shortName(target);
    }
    return {
      monotonicMs: stamp.monotonicMs,
      time: stamp.time,
      id: target.id,
      name: name ?? names.get(target.id) ?? st.short,
      runtime: target.runtime,
      source: 'cgroup',
      cgroupPath: target.path,
      labels: {},
      cpuSeconds: stats.cpuSeconds,
      systemCpuSeconds: null,
      cpuPeriods: stats.cpuPeriods,
      cpuThrottledPeriods: stats.cpuThrottledPeriods,
      cpuThrottledSeconds: stats.cpuThrottledSeconds,
      cpuLimitCores: stats.cpuLimitCores,
      hostCpuCount: host.cpus,
      hostMemoryTotal: host.memory,
      memoryUsage: stats.memoryUsage,
      memoryWorkingSet: stats.memoryWorkingSet,
      memoryLimit: stats.memoryLimit,
      memoryOomKills: stats.memoryOomKills,
      memoryOomEvents: stats.memoryOomEvents,
      memoryLimitHits: stats.memoryLimitHits,
      memoryHighEvents: stats.memoryHighEvents,
      blockReadBytes: stats.blockReadBytes,
      blockWriteBytes: stats.blockWriteBytes,
      blockReadOps: stats.blockReadOps,
      blockWriteOps: stats.blockWriteOps,
      interfaces: net.interfaces,
      pids: stats.pids,
      pidsLimit: stats.pidsLimit,
      problems,
    };
  };

  return {
    name: 'containers',
    discover,
    async collect({ signal }) {
      throwIfAborted(signal, 'containers');
      const list = currentTargets(performance.now());
      const nameProblems = await resolveNames(list, signal);
      const host = hostFacts();
      const oomKillsHeld = lifecycle && hostOomKills.quiet();
      const readings: ContainerReading[] = [];
      const seen = new Set<string>();
      for (const target of list) {
        throwIfAborted(signal, 'containers');
        const reading = readOne(target, host, undefined, nameProblems, oomKillsHeld);
        if (!reading) continue;
        seen.add(target.path);
        readings.push(reading);
      }
      // Gone since the last reading: its series ends; close its descriptors.
      for (const path of [...state.keys()]) if (!seen.has(path)) forgetTarget(path);
      if (targets && seen.size < targets.length) {
        targets = targets.filter((t) => seen.has(t.path));
        listings = new Map();
      }
      // Names of containers long gone are dropped once they outnumber the live ones.
      if (names.size + namesTriedAt.size > 2 * list.length + 100) {
        const live = new Set(list.map((t) => t.id));
        for (const map of [names, namesTriedAt])
          for (const id of [...map.keys()]) if (!live.has(id)) map.delete(id);
      }
      return readings;
    },
    async collectContainer(id, { signal, name }) {
      throwIfAborted(signal, 'container');
      const matches = discover().filter(
        (t) => t.id === id || (id.length >= 4 && t.id.startsWith(id)),
      );
      const exact = matches.find((t) => t.id === id);
      const target = exact ?? (matches.length === 1 ? matches[0] : undefined);
      if (matches.length > 1 && !exact) {
        throw new PerfError(
          'INVALID_ARGUMENT',
          `container id prefix ${id} matches ${matches.length} containers`,
          { field: 'id' },
        );
      }
      if (!target) return null;
      const nameProblems = name === undefined ? await resolveNames([target], signal) : [];
      return readOne(target, hostFacts(), name, nameProblems);
    },
    close() {
      if (ownReader) {
        reader.close();
        limitsReader.close();
        coldReader.close();
      } else for (const path of [...state.keys()]) forgetTarget(path);
      state.clear();
      targets = null;
    },
  };
}

function shortName(target: CgroupTarget): string {
  if (target.runtime === 'cgroup')
    return target.path.split('/').filter(Boolean).at(-1) ?? target.path;
  return /^[0-9a-f]{64}$/.test(target.id) ? target.id.slice(0, 12) : target.id;
}

function toLookup(
  names: ContainerNameLookup | ContainerLister | undefined,
): ContainerNameLookup | null {
  if (!names) return null;
  if (typeof names === 'function') return names;
  return async (ids, { signal }) => {
    const wanted = new Set(ids);
    const out = new Map<string, string>();
    for (const c of await names.listContainers({ signal }))
      if (wanted.has(c.id)) out.set(c.id, c.name);
    return out;
  };
}

/** Online CPUs from `sys/devices/system/cpu/online` (`0-1`, `0,2-3`). */
function readOnlineCpus(reader: FileReader): number | null {
  let text: string | null;
  try {
    text = reader.read('sys/devices/system/cpu/online');
  } catch {
    return null;
  }
  if (!text) return null;
  let n = 0;
  for (const part of text.trim().split(',')) {
    // A range written otherwise (`1.5`, `3-1`, `-2`) is no CPU list: the caller falls back.
    const range = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(part);
    if (!range) return null;
    const a = Number(range[1]);
    const b = range[2] === undefined ? a : Number(range[2]);
    if (b < a) return null;
    n += b - a + 1;
  }
  return n > 0 ? n : null;
}

function readMemTotal(reader: FileReader): number | null {
  let text: string | null;
  try {
    text = reader.read('proc/meminfo');
  } catch {
    return null;
  }
  const m = text ? /^MemTotal:\s+(\d+)\s*kB/m.exec(text) : null;
  const kib = parseCounter(m?.[1]);
  return kib !== null && kib <= MAX_COUNTER / 1024 ? kib * 1024 : null;
}
