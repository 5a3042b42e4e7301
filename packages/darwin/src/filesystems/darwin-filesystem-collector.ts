import { statfs as nodeStatfs } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  type Collector,
  type FilesystemReading,
  PerfError,
  type ReadingStamp,
  type SourceProblem,
  throwIfAborted,
} from '@arcbox/perf-core';
import { type CommandRunner, createExecFileRunner } from '../command-runner.js';
import { DEFAULT_DARWIN_COMMAND_TIMEOUT_MS } from '../darwin-system-collector.js';
import { apfsContainerOf } from './apfs-container.js';
import {
  createBoundedStatfs,
  type StatfsFunction,
  type StatfsOutcome,
  type StatfsResult,
} from './bounded-statfs.js';
import { type DarwinMount, parseMountList } from './parse-mount-list.js';
import { selectDarwinMounts } from './select-darwin-mounts.js';

export interface DarwinFilesystemCollectorOptions {
  /** Runs `mount`; default: execFile, no shell. */
  run?: CommandRunner;
  /** statfs of one mount point; default `fs.promises.statfs`. */
  statfs?: StatfsFunction;
  clock?: () => ReadingStamp;
  /** The `mount` command's timeout, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Each statfs call's timeout, in milliseconds (default 1000). */
  statfsTimeoutMs?: number;
}

export const DEFAULT_DARWIN_STATFS_TIMEOUT_MS = 1000;

/**
 * `mount` with no arguments lists getmntinfo(MNT_NOWAIT): the kernel's table, without asking any
 * filesystem, so a dead network mount cannot hang the list (df asks each one). macOS mount has
 * no `-p`.
 */
export const darwinMountCommand = { command: 'mount', args: [] as readonly string[] };

/**
 * The macOS filesystems collector ('filesystems'): one reading per mounted volume with storage
 * (see `selectDarwinMounts`), sizes from statfs. One reading starts ONE process (`mount`); the
 * statfs calls run in this process, concurrently, each under its own timeout. A statfs that
 * fails or does not return leaves that mount's figures null with a problem; one still running
 * from an earlier reading is not repeated (see `createBoundedStatfs`). APFS volumes carry their
 * container as `sharedSpace`. Rejects when `mount` cannot run, fails or prints nothing readable,
 * and when the signal aborts.
 */
export function createDarwinFilesystemCollector(
  options: DarwinFilesystemCollectorOptions = {},
): Collector<FilesystemReading[]> {
  const run = options.run ?? createExecFileRunner();
  const clock = options.clock ?? (() => ({ monotonicMs: performance.now(), time: Date.now() }));
  const timeoutMs = options.timeoutMs ?? DEFAULT_DARWIN_COMMAND_TIMEOUT_MS;
  const sizes = createBoundedStatfs(
    options.statfs ?? ((path) => nodeStatfs(path)),
    options.statfsTimeoutMs ?? DEFAULT_DARWIN_STATFS_TIMEOUT_MS,
  );

  return {
    name: 'filesystems',
    async collect({ signal }) {
      throwIfAborted(signal, 'darwin filesystem collector');
      const { command, args } = darwinMountCommand;
      const out = await run.run(command, args, { signal, timeoutMs });
      throwIfAborted(signal, 'darwin filesystem collector');
      if (out.exitCode !== 0) {
        const detail = out.stderr.trim().split('\n')[0] ?? '';
        throw new PerfError(
          'COMMAND_FAILED',
          `${command} exited with ${out.exitCode}${detail ? `: ${detail}` : ''}`,
        );
      }
      const listed = parseMountList(out.stdout);
      // Every Mac has / mounted: output with no line read is a layout never seen, not "no mounts".
      if (listed.length === 0) {
        throw new PerfError('PARSE_ERROR', 'no "<device> on <mount point> (<type>...)" line', {
          file: command,
        });
      }
      const mounts = selectDarwinMounts(listed);
      const stamp = clock();
      const outcomes = await abortable(
        Promise.all(mounts.map((m) => sizes.read(m.mountPoint))),
        signal,
        'darwin filesystem collector',
      );
      return mounts.map((m, i) => toReading(m, outcomes[i]!, stamp));
    },
  };
}

/**
 * `work`, or an ABORTED rejection as soon as `signal` aborts. One listener on the caller's signal
 * however many mounts there are (one per statfs would pass Node's limit of 10 and warn).
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      try {
        throwIfAborted(signal, what);
      } catch (error) {
        reject(error);
      }
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

function toReading(m: DarwinMount, outcome: StatfsOutcome, stamp: ReadingStamp): FilesystemReading {
  const problems: SourceProblem[] = [];
  const figures = outcome.ok ? figuresOf(outcome.value, problems) : null;
  if (!outcome.ok) problems.push(outcome.problem);
  return {
    monotonicMs: stamp.monotonicMs,
    time: stamp.time,
    mountPoint: m.mountPoint,
    device: m.device,
    fsType: m.fsType,
    readOnly: m.readOnly,
    sizeBytes: figures?.size ?? null,
    freeBytes: figures?.free ?? null,
    availableBytes: figures?.available ?? null,
    inodesTotal: figures?.inodes ?? null,
    inodesFree: figures?.inodesFree ?? null,
    sharedSpace: apfsContainerOf(m.device, m.fsType),
    problems,
  };
}

interface Figures {
  size: number | null;
  free: number | null;
  available: number | null;
  inodes: number | null;
  inodesFree: number | null;
}

function figuresOf(s: StatfsResult, problems: SourceProblem[]): Figures {
  const count = (n: number) => (Number.isSafeInteger(n) && n >= 0 ? n : null);
  const bsize = count(s.bsize);
  // Apple's df assumes 512 for a zero block size; a made-up unit is no figure here.
  if (bsize === null || bsize === 0) {
    problems.push({
      source: 'statfs',
      code: 'PARSE_ERROR',
      message: `statfs reported a block size of ${s.bsize}: no space figures`,
    });
  }
  const bytes = (blocks: number) => {
    const n = count(blocks);
    return n === null || bsize === null || bsize === 0 ? null : n * bsize;
  };
  const inodes = count(s.files);
  return {
    size: bytes(s.blocks),
    free: bytes(s.bfree),
    available: bytes(s.bavail),
    // Some network filesystems report 0 inodes: no figure, not a full table.
    inodes: inodes === 0 ? null : inodes,
    inodesFree: inodes === 0 || inodes === null ? null : count(s.ffree),
  };
}
