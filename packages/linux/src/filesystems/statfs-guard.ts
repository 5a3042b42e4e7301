import type { PerfErrorCode } from '@arcbox/perf-core';
import type { Statfs, StatfsResult } from './statfs-figures.js';

export type StatfsOutcome =
  | { kind: 'read'; result: StatfsResult }
  /** The path is gone (unmounted and removed): its series ends, it is not a problem. */
  | { kind: 'gone' }
  | { kind: 'problem'; code: PerfErrorCode; message: string };

export interface StatfsGuardOptions {
  statfs: Statfs;
  /** How long one call may take before its mount is reported stuck. */
  timeoutMs: number;
  /** Most calls outstanding at once, stuck ones included: the libuv threads this may hold. */
  maxInFlight: number;
  now?: () => number;
}

export interface StatfsGuard {
  /** One outcome per path, in order. Never rejects; stops asking once `signal` aborts. */
  readAll(paths: readonly string[], signal?: AbortSignal): Promise<StatfsOutcome[]>;
  /** Paths whose call timed out and has not returned yet: they are not asked again until then. */
  stuck(): string[];
  /** Calls outstanding now, stuck ones included. */
  inFlight(): number;
}

const GONE = new Set(['ENOENT', 'ENOTDIR']);

/**
 * statfs with node_exporter's "stuck mounts" rule. A call cannot be cancelled: a dead NFS or
 * FUSE server keeps its libuv thread until the kernel gives up. So a mount whose call timed out
 * is not asked again while that call is outstanding, and calls go out on at most `maxInFlight`
 * lanes: a lane whose call got stuck stops, so stuck mounts can never take the whole pool.
 */
export function createStatfsGuard(options: StatfsGuardOptions): StatfsGuard {
  const { statfs, timeoutMs, maxInFlight } = options;
  const now = options.now ?? (() => performance.now());
  const stuckSince = new Map<string, number>();
  let inFlight = 0;

  const readOne = (path: string) =>
    new Promise<{ outcome: StatfsOutcome; timedOut: boolean }>((resolve) => {
      inFlight += 1;
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        stuckSince.set(path, now());
        const message = `statfs did not return within ${timeoutMs} ms; not asked again until it does`;
        resolve({ outcome: { kind: 'problem', code: 'TIMEOUT', message }, timedOut: true });
      }, timeoutMs);
      const settle = (outcome: StatfsOutcome) => {
        clearTimeout(timer);
        inFlight -= 1;
        stuckSince.delete(path);
        if (!late) resolve({ outcome, timedOut: false });
      };
      Promise.resolve()
        .then(() => statfs(path))
        .then(
          (result) => settle({ kind: 'read', result }),
          (error: NodeJS.ErrnoException) =>
            settle(
              error?.code !== undefined && GONE.has(error.code)
                ? { kind: 'gone' }
                : { kind: 'problem', code: 'READ_ERROR', message: String(error?.message ?? error) },
            ),
        );
    });

  const stuckOutcome = (since: number): StatfsOutcome => ({
    kind: 'problem',
    code: 'TIMEOUT',
    message: `statfs has not returned for ${Math.round(now() - since)} ms; not asked again until it does`,
  });

  return {
    async readAll(paths, signal) {
      const outcomes: Array<StatfsOutcome | undefined> = paths.map(() => undefined);
      let next = 0;
      const lane = async () => {
        while (next < paths.length && !signal?.aborted) {
          const i = next++;
          const path = paths[i]!;
          const since = stuckSince.get(path);
          if (since !== undefined) {
            outcomes[i] = stuckOutcome(since);
            continue;
          }
          const { outcome, timedOut } = await readOne(path);
          outcomes[i] = outcome;
          if (timedOut) return;
        }
      };
      await Promise.all(Array.from({ length: Math.max(0, maxInFlight - inFlight) }, lane));
      return outcomes.map((o, i) => {
        if (o !== undefined) return o;
        const since = stuckSince.get(paths[i]!);
        if (since !== undefined) return stuckOutcome(since);
        const message = `not asked: ${inFlight} statfs calls on other mounts have not returned`;
        return { kind: 'problem', code: 'TIMEOUT', message };
      });
    },
    stuck: () => [...stuckSince.keys()],
    inFlight: () => inFlight,
  };
}
