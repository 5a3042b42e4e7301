import { type ContainerState, throwIfAborted } from '@arcbox/perf-core';
import type { DockerClient } from './docker-client.js';
import { lifecycleFromInspect } from './lifecycle-from-inspect.js';

/** What a reading gains from the engine's inspect (SEMANTICS.md, Container lifecycle). */
export interface EngineLifecycleFields {
  state: ContainerState | null;
  exitCode: number | null;
  oomKilled: boolean | null;
  restartCount: number | null;
}

export interface EngineLifecycleOptions {
  client: Pick<DockerClient, 'inspect'>;
  /** A container's inspect is read again at least this often, ms; 10 s by default. */
  refreshMs?: number;
  /**
   * Containers whose refresh is due read per round at most (the oldest first), besides those
   * an engine event named; 64 by default, so 1,000 containers first seen together spread over
   * rounds instead of costing 1,000 inspects every 10 s in one.
   */
  maxRefreshPerRound?: number;
  now?: () => number;
}

/**
 * Keeps each container's state, exit code, OOMKilled and restart count fresh from the engine's
 * inspect: read at first sight, again on the round after an engine event names the container
 * (`invalidate`, fed by `/events`), and at least every `refreshMs` otherwise (an engine whose
 * events were missed). A failed inspect keeps the last figures; a container the engine does not
 * know (a cgroup of another runtime) gets nulls and is asked again only at the next refresh.
 */
export interface EngineLifecycle {
  annotate<R extends { id: string }>(
    readings: readonly R[],
    /** `partial`: the readings are not every container (one asked for): forget none. */
    options: { signal: AbortSignal; partial?: boolean },
  ): Promise<(R & EngineLifecycleFields)[]>;
  /** The engine told of something that happened to this container: read it next round. */
  invalidate(id: string): void;
  /** Containers tracked (those of the last round). */
  readonly size: number;
}

const NONE: EngineLifecycleFields = {
  state: null,
  exitCode: null,
  oomKilled: null,
  restartCount: null,
};

export function createEngineLifecycle(options: EngineLifecycleOptions): EngineLifecycle {
  const refreshMs = options.refreshMs ?? 10_000;
  const maxPerRound = Math.max(1, options.maxRefreshPerRound ?? 64);
  const now = options.now ?? (() => performance.now());
  const known = new Map<string, { fields: EngineLifecycleFields; at: number; dirty: boolean }>();

  const read = async (id: string, signal: AbortSignal, at: number) => {
    try {
      const inspect = await options.client.inspect(id, { signal });
      known.set(id, { fields: inspect ? lifecycleFromInspect(inspect) : NONE, at, dirty: false });
    } catch {
      throwIfAborted(signal, 'engine inspect');
      // The last figures stand; asked again next round.
      const kept = known.get(id);
      if (!kept) known.set(id, { fields: NONE, at: Number.NEGATIVE_INFINITY, dirty: true });
    }
  };

  return {
    async annotate(readings, { signal, partial = false }) {
      const at = now();
      const due: string[] = [];
      const stale: { id: string; at: number }[] = [];
      for (const r of readings) {
        const k = known.get(r.id);
        if (!k || k.dirty) due.push(r.id);
        else if (at - k.at >= refreshMs) stale.push({ id: r.id, at: k.at });
      }
      stale.sort((a, b) => a.at - b.at);
      for (const s of stale.slice(0, maxPerRound)) due.push(s.id);
      await Promise.all(due.map((id) => read(id, signal, at)));
      if (!partial) {
        const live = new Set(readings.map((r) => r.id));
        for (const id of known.keys()) if (!live.has(id)) known.delete(id);
      }
      // Object.assign, not a spread of both: adding fields after a spread copy made each object
      // a new shape, ~10 µs a container (bench/lifecycle-bench.mjs).
      return readings.map((r) => Object.assign({}, r, known.get(r.id)?.fields ?? NONE));
    },
    invalidate(id) {
      const k = known.get(id);
      if (k) k.dirty = true;
    },
    get size() {
      return known.size;
    },
  };
}
