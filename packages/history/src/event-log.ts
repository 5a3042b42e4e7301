import { type LifecycleEvent, PerfError } from '@arcbox/perf-core';

export interface EventLogOptions {
  /** Events older than this (ms) are dropped; the history's retention. Default 24 h. */
  maxAgeMs?: number;
  /** At most this many events are kept (the oldest go first). Default 10,000. */
  maxEvents?: number;
}

/** Lifecycle events (OOM kills, restarts, engine events) kept for the retention period. */
export interface EventLog {
  append(event: LifecycleEvent): void;
  /** Events at or after `since` (ms since the epoch), oldest first, at most `limit`. */
  since(since: number, limit?: number): LifecycleEvent[];
  /** Drops what aged out as of `now`. */
  sweep(now?: number): void;
  readonly size: number;
  clear(): void;
  /** Listens to every appended event (the SQLite history persists them); returns unsubscribe. */
  subscribe(listener: (event: LifecycleEvent) => void): () => void;
}

export const DEFAULT_MAX_EVENTS = 10_000;

export function createEventLog(options: EventLogOptions = {}): EventLog {
  const maxAgeMs = options.maxAgeMs ?? 86_400_000;
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  if (!(maxEvents >= 1) || !(maxAgeMs > 0)) {
    throw new PerfError('INVALID_ARGUMENT', 'maxEvents and maxAgeMs must be positive', {
      field: 'maxEvents',
    });
  }
  // Kept in time order: an engine's stamp can be a little older than the last counter event.
  let events: LifecycleEvent[] = [];
  const listeners = new Set<(event: LifecycleEvent) => void>();
  const sweep = (now = Date.now()) => {
    const cutoff = now - maxAgeMs;
    let drop = 0;
    while (drop < events.length && events[drop]!.time < cutoff) drop += 1;
    if (events.length - drop > maxEvents) drop = events.length - maxEvents;
    if (drop > 0) events = events.slice(drop);
  };
  return {
    append(event) {
      let at = events.length;
      while (at > 0 && events[at - 1]!.time > event.time) at -= 1;
      events.splice(at, 0, event);
      if (events.length > maxEvents) sweep(event.time);
      for (const l of listeners) l(event);
    },
    since(since, limit = maxEvents) {
      let lo = 0;
      let hi = events.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (events[mid]!.time < since) lo = mid + 1;
        else hi = mid;
      }
      return events.slice(lo, lo + Math.max(0, limit));
    },
    sweep,
    get size() {
      return events.length;
    },
    clear() {
      events = [];
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
