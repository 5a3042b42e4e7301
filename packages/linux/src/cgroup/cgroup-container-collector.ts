import { availableParallelism } from 'node:os';
import {
  type CollectOptions,
  type Collector,
  type ContainerReading,
  PerfError,
  type SourceProblem,
  throwIfAborted,
} from '@arcbox/perf-core';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { type CgroupLayout, detectCgroupLayout } from './cgroup-layout.js';
import {
  type CgroupTarget,
  discoverRuntimeCgroups,
  expandConfiguredCgroups,
} from './discover-cgroups.js';
import { netNamespaceOf, readContainerNetwork } from './read-container-network.js';
import { cgroupDirs, readCgroupStats } from './read-cgroup-stats.js';
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

const defaultClock = () => ({ monotonicMs: performance.now(), time: Date.now() });

/**
 * Per-container readings from cgroups (v1, v2, or v1 with a cgroup2 mount), everything read
 * through the FileReader so a recording replays. A cgroup gone between two readings is left out
 * (its series ends) and its kept descriptors are closed.
 */
export function createCgroupContainerCollector(
  options: CgroupContainerCollectorOptions = {},
): CgroupContainerCollector {
  const ownReader = options.reader === undefined;
  const reader = options.reader ?? createFileReader({ root: options.root ?? '/', keepOpen: true });
  const clock = options.clock ?? defaultClock;
  const patterns = options.cgroupPaths ?? [];
  const discoverOn = options.discover ?? true;
  const lookup = toLookup(options.names);
  const stateNames = createRuntimeStateNames({ root: reader.root });
  const names = new Map<string, string>();
  let layout: CgroupLayout | null = null;
  let previous = new Map<string, { target: CgroupTarget; pid: number | null }>();

  const getLayout = () => {
    layout ??= detectCgroupLayout(reader);
    return layout;
  };

  const discover = (): CgroupTarget[] => {
    const l = getLayout();
    if (l.version === 'none') return [];
    const byPath = new Map<string, CgroupTarget>();
    if (discoverOn) for (const t of discoverRuntimeCgroups(reader, l)) byPath.set(t.path, t);
    if (patterns.length > 0)
      for (const t of expandConfiguredCgroups(reader, l, patterns))
        if (!byPath.has(t.path)) byPath.set(t.path, t);
    return [...byPath.values()];
  };

  const resolveNames = async (
    targets: CgroupTarget[],
    signal: AbortSignal,
  ): Promise<SourceProblem[]> => {
    const problems: SourceProblem[] = [];
    let unknown = targets.filter((t) => !t.configured && !names.has(t.id)).map((t) => t.id);
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
    return problems;
  };

  const hostFacts = () => {
    const cpus = options.hostCpuCount ?? readOnlineCpus(reader) ?? availableParallelism();
    const memory =
      options.hostMemoryTotal !== undefined ? options.hostMemoryTotal : readMemTotal(reader);
    // The host's namespace is init's; where init's link is not ours to read (a sandbox), our own.
    return {
      cpus,
      memory,
      netns: netNamespaceOf(reader.root, 1) ?? netNamespaceOf(reader.root, 'self'),
    };
  };

  const readOne = (
    target: CgroupTarget,
    host: ReturnType<typeof hostFacts>,
    name: string | undefined,
    extra: SourceProblem[],
  ): { reading: ContainerReading; pid: number | null } | null => {
    const l = getLayout();
    const stamp = clock();
    const stats = readCgroupStats(reader, l, target.path);
    if (!stats.present) return null;
    const before = previous.get(target.path);
    if (before?.pid != null && before.pid !== stats.pid) reader.forget(`proc/${before.pid}/`);
    const net = readContainerNetwork(reader, stats.pid, host.netns);
    const problems = [...extra, ...stats.problems];
    if (net.problem) problems.push(net.problem);
    const { present: _present, pid, problems: _p, ...figures } = stats;
    return {
      pid,
      reading: {
        monotonicMs: stamp.monotonicMs,
        time: stamp.time,
        id: target.id,
        name: name ?? names.get(target.id) ?? shortName(target),
        runtime: target.runtime,
        source: 'cgroup',
        cgroupPath: target.path,
        labels: {},
        systemCpuSeconds: null,
        hostCpuCount: host.cpus,
        hostMemoryTotal: host.memory,
        interfaces: net.interfaces,
        ...figures,
        problems,
      },
    };
  };

  const forgetTarget = (path: string, pid: number | null) => {
    const l = layout;
    if (l) for (const dir of cgroupDirs(l, path)) reader.forget(`${dir}/`);
    if (pid !== null) reader.forget(`proc/${pid}/`);
  };

  return {
    name: 'containers',
    discover,
    async collect({ signal }) {
      throwIfAborted(signal, 'containers');
      const targets = discover();
      const nameProblems = await resolveNames(targets, signal);
      const host = hostFacts();
      const next = new Map<string, { target: CgroupTarget; pid: number | null }>();
      const readings: ContainerReading[] = [];
      for (const target of targets) {
        throwIfAborted(signal, 'containers');
        const got = readOne(target, host, undefined, nameProblems);
        if (!got) continue;
        next.set(target.path, { target, pid: got.pid });
        readings.push(got.reading);
      }
      for (const [path, was] of previous) if (!next.has(path)) forgetTarget(path, was.pid);
      previous = next;
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
      const got = readOne(target, hostFacts(), name, nameProblems);
      if (!got) {
        forgetTarget(target.path, previous.get(target.path)?.pid ?? null);
        return null;
      }
      return got.reading;
    },
    close() {
      if (ownReader) reader.close();
      else for (const [path, was] of previous) forgetTarget(path, was.pid);
      previous = new Map();
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
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) return null;
    n += b === undefined ? 1 : b - a + 1;
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
  return m?.[1] ? Number(m[1]) * 1024 : null;
}
