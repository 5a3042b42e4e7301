import { join } from 'node:path';
import {
  type Collector,
  DEFAULT_COLLECTOR_TIMEOUT_MS,
  type FilesystemReading,
  PerfError,
  type ReadingStamp,
  throwIfAborted,
} from '@arcbox/perf-core';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { systemClock } from '../host/read-linux-system.js';
import { type MountinfoEntry, parseMountinfo } from './parse-mountinfo.js';
import { isReadOnlyMount, selectMounts } from './select-mounts.js';
import { defaultStatfs, type Statfs, statfsFigures } from './statfs-figures.js';
import { createStatfsGuard, type StatfsGuard, type StatfsOutcome } from './statfs-guard.js';

export interface LinuxFilesystemCollectorOptions {
  /** Root the mount points are resolved under for statfs, and of proc when no reader is given. */
  root?: string;
  /** Reads `proc/self/mountinfo` (`proc/1/mountinfo` under another root); a kept-open reader of `root` by default (closed by `close()`). */
  reader?: FileReader;
  /** `fs.promises.statfs(path, { bigint: true })` by default. */
  statfs?: Statfs;
  clock?: () => ReadingStamp;
  /** How long one statfs may take (default 1000 ms); below the registry's 5 s default timeout. */
  statfsTimeoutMs?: number;
  /** Most statfs calls outstanding at once, stuck ones included (default 2 of libuv's 4 threads). */
  maxStatfsInFlight?: number;
}

export interface LinuxFilesystemCollector extends Collector<FilesystemReading[]> {
  /** Mount points whose statfs timed out and has not returned: not asked until it does. */
  stuckMounts(): string[];
  close(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export const DEFAULT_STATFS_TIMEOUT_MS = 1_000;
export const DEFAULT_MAX_STATFS_IN_FLIGHT = 2;

/** The `filesystems` collector of a Linux host: mountinfo, then one statfs per mount. */
export function createLinuxFilesystemCollector(
  options: LinuxFilesystemCollectorOptions = {},
): LinuxFilesystemCollector {
  const root = options.root ?? '/';
  const timeoutMs = options.statfsTimeoutMs ?? DEFAULT_STATFS_TIMEOUT_MS;
  const maxInFlight = options.maxStatfsInFlight ?? DEFAULT_MAX_STATFS_IN_FLIGHT;
  if (!(timeoutMs > 0 && timeoutMs < DEFAULT_COLLECTOR_TIMEOUT_MS)) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `statfsTimeoutMs must be above 0 and below ${DEFAULT_COLLECTOR_TIMEOUT_MS}, the collector timeout: ${timeoutMs}`,
    );
  }
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) {
    throw new PerfError('INVALID_ARGUMENT', `maxStatfsInFlight must be 1 or more: ${maxInFlight}`);
  }
  const owned = options.reader === undefined;
  const reader = options.reader ?? createFileReader({ root, keepOpen: true });
  const clock = options.clock ?? systemClock;
  const statfs = options.statfs ?? defaultStatfs;
  // Keyed by mount point, so stuck mounts are named as mountinfo names them.
  const guard: StatfsGuard = createStatfsGuard({
    statfs: (mountPoint) => statfs(join(root, mountPoint)),
    timeoutMs,
    maxInFlight,
  });

  // Under another root (the host's /proc mounted at /host/proc), `self` would be this process's
  // own mount namespace: the host's mounts are init's, as node_exporter reads them.
  const mountinfo = root === '/' ? 'proc/self/mountinfo' : 'proc/1/mountinfo';
  const readMounts = (): MountinfoEntry[] => {
    const file = join(reader.root, mountinfo);
    const text = reader.read(mountinfo);
    if (text === null) throw new PerfError('MISSING_FILE', 'no mountinfo', { file });
    return parseMountinfo(text, { file });
  };

  const close = () => {
    if (owned) reader.close();
  };

  return {
    name: 'filesystems',
    async collect({ signal }) {
      throwIfAborted(signal, 'filesystems collector');
      const stamp = clock();
      const mounts = selectMounts(readMounts());
      const outcomes = await untilAborted(
        guard.readAll(
          mounts.map((m) => m.mountPoint),
          signal,
        ),
        signal,
      );
      // An unmount usually leaves its directory, and statfs then reads the filesystem beneath:
      // only mounts still listed after the statfs round are reported.
      const listed = new Set(readMounts().map((m) => `${m.mountId} ${m.mountPoint}`));
      return mounts.flatMap((m, i) => {
        const outcome = outcomes[i]!;
        if (outcome.kind === 'gone' || !listed.has(`${m.mountId} ${m.mountPoint}`)) return [];
        return [readingOf(m, outcome, stamp)];
      });
    },
    stuckMounts: () => guard.stuck(),
    close,
    [Symbol.asyncDispose]: async () => close(),
  };
}

function readingOf(m: MountinfoEntry, outcome: StatfsOutcome, stamp: ReadingStamp) {
  const reading: FilesystemReading = {
    ...stamp,
    mountPoint: m.mountPoint,
    device: m.source,
    fsType: m.fsType,
    readOnly: isReadOnlyMount(m),
    sizeBytes: null,
    freeBytes: null,
    availableBytes: null,
    inodesTotal: null,
    inodesFree: null,
    sharedSpace: null,
    problems: [],
  };
  if (outcome.kind === 'read') return Object.assign(reading, statfsFigures(outcome.result));
  if (outcome.kind === 'problem') {
    const { code, message } = outcome;
    reading.problems.push({ source: `statfs ${m.mountPoint}`, message, code });
  }
  return reading;
}

/** Rejects as soon as `signal` aborts; the statfs calls already out run on, tracked by the guard. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      try {
        throwIfAborted(signal, 'filesystems collector');
      } catch (error) {
        reject(error);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
  });
}
