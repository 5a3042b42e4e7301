import { performance } from 'node:perf_hooks';
import { PerfError, type SourceProblem, withTimeout } from '@arcbox/perf-core';

/** The statfs fields a filesystem reading needs, as `fs.promises.statfs` returns them. */
export interface StatfsResult {
  /** f_bsize: on macOS the block size f_blocks, f_bfree and f_bavail count in. */
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** `fs.promises.statfs`, or a stand-in for tests and replays. */
export type StatfsFunction = (path: string) => Promise<StatfsResult>;

export type StatfsOutcome =
  | { ok: true; value: StatfsResult }
  | { ok: false; problem: SourceProblem };

export interface BoundedStatfs {
  /**
   * statfs of `path`, settled within the timeout; never rejects. A call still running from an
   * earlier reading is not repeated: the outcome is a TIMEOUT problem until that call returns.
   */
  read(path: string): Promise<StatfsOutcome>;
  /** Paths whose statfs has not returned yet. */
  pending(): string[];
}

/**
 * A statfs that cannot hang a reading. Node cannot cancel a statfs: a call on a dead network
 * mount holds one of libuv's four threadpool threads until the kernel gives up. So a call that
 * times out is left to finish on its own, and its path is not asked again until it has, lest
 * every reading take one more thread and starve all file I/O of the process.
 */
export function createBoundedStatfs(statfs: StatfsFunction, timeoutMs: number): BoundedStatfs {
  const running = new Map<string, { call: Promise<StatfsResult>; since: number }>();

  return {
    pending: () => [...running.keys()],
    async read(path) {
      const earlier = running.get(path);
      if (earlier !== undefined) {
        const waited = Math.round(performance.now() - earlier.since);
        return {
          ok: false,
          problem: {
            source: 'statfs',
            code: 'TIMEOUT',
            message: `statfs ${path} has not returned for ${waited} ms; not asked again until it does`,
          },
        };
      }
      // A stand-in that throws synchronously becomes a rejection like any other failure.
      const call = Promise.resolve().then(() => statfs(path));
      const entry = { call, since: performance.now() };
      running.set(path, entry);
      const release = () => {
        if (running.get(path) === entry) running.delete(path);
      };
      call.then(release, release);
      try {
        return { ok: true, value: await withTimeout(() => call, timeoutMs, `statfs ${path}`) };
      } catch (error) {
        const e = PerfError.from(error, 'READ_ERROR', `statfs ${path} failed`);
        return { ok: false, problem: { source: 'statfs', message: e.message, code: e.code } };
      }
    },
  };
}
