import {
  LIFECYCLE_EVENT_SOURCES,
  LIFECYCLE_EVENT_TYPES,
  type LifecycleEvent,
} from '@arcbox/perf-core';
import { DEFAULT_MAX_EVENTS } from '../event-log.js';
import type { SqliteDatabase, SqliteRow } from './sqlite-driver.js';

/** Events kept in the file at most; the oldest go first (a crash-looping fleet's restarts). */
export const MAX_STORED_EVENTS = 50_000;
/** Longest id or name read back: the file is not ours to trust. */
const MAX_TEXT = 1024;

export interface EventStore {
  /** Events since `since` (ms), oldest first, at most `limit`; rows that make no sense skipped. */
  load(since: number, limit: number): LifecycleEvent[];
  /** Queues an event for the next flush (at most the event log's size wait). */
  add(event: LifecycleEvent): void;
  pending(): number;
  /** Takes the queued events for a flush. */
  take(): LifecycleEvent[];
  /** A failed flush's events, back in front of those queued since. */
  putBack(events: LifecycleEvent[]): void;
  /** Inserts events and drops what aged out as of `newest`; inside the flush's transaction. */
  write(events: readonly LifecycleEvent[], newest: number): void;
}

/** The `events` table (schema 3) of a history file. */
export function createEventStore(db: SqliteDatabase, options: { maxAgeMs: number }): EventStore {
  const insert = db.prepare(
    'INSERT INTO events (time, type, kind, id, name, source, count, memory_limit, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const deleteOld = db.prepare('DELETE FROM events WHERE time < ?');
  const deleteOver = db.prepare(
    'DELETE FROM events WHERE time < (SELECT time FROM events ORDER BY time DESC LIMIT 1 OFFSET ?)',
  );
  const select = db.prepare(
    'SELECT time, type, kind, id, name, source, count, memory_limit, exit_code FROM events WHERE time >= ? ORDER BY time DESC LIMIT ?',
  );
  let queue: LifecycleEvent[] = [];
  const bound = () => {
    if (queue.length > DEFAULT_MAX_EVENTS) queue = queue.slice(queue.length - DEFAULT_MAX_EVENTS);
  };
  return {
    load(since, limit) {
      const out: LifecycleEvent[] = [];
      for (const row of select.all(since, Math.max(0, Math.min(limit, MAX_STORED_EVENTS)))) {
        const event = eventOf(row);
        if (event) out.push(event);
      }
      return out.reverse();
    },
    add(event) {
      queue.push(event);
      bound();
    },
    pending: () => queue.length,
    take() {
      const taken = queue;
      queue = [];
      return taken;
    },
    putBack(events) {
      queue = [...events, ...queue];
      bound();
    },
    write(events, newest) {
      for (const e of events)
        insert.run(
          e.time,
          e.type,
          e.kind,
          e.id,
          e.name,
          e.source,
          e.count,
          e.memoryLimit,
          e.exitCode,
        );
      if (!Number.isNaN(newest)) deleteOld.run(newest - options.maxAgeMs);
      if (events.length > 0) deleteOver.run(MAX_STORED_EVENTS - 1);
    },
  };
}

const types = new Set<string>(LIFECYCLE_EVENT_TYPES);
const sources = new Set<string>(LIFECYCLE_EVENT_SOURCES);

/** A row as an event, or null when a field is missing, of the wrong type or out of bounds. */
function eventOf(row: SqliteRow): LifecycleEvent | null {
  const { time, type, kind, id, name, source, count } = row;
  const memoryLimit = row.memory_limit ?? null;
  const exitCode = row.exit_code ?? null;
  const text = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
  const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
  const n = num(count);
  const limit = num(memoryLimit);
  const exit = num(exitCode);
  if (
    typeof time !== 'number' ||
    !Number.isFinite(time) ||
    typeof type !== 'string' ||
    !types.has(type) ||
    !text(kind) ||
    !text(id) ||
    !text(name) ||
    typeof source !== 'string' ||
    !sources.has(source) ||
    typeof n !== 'number' ||
    !Number.isSafeInteger(n) ||
    n < 0 ||
    (limit !== null && (typeof limit !== 'number' || !(limit >= 0))) ||
    (exit !== null && (typeof exit !== 'number' || !Number.isSafeInteger(exit)))
  )
    return null;
  return {
    time,
    type: type as LifecycleEvent['type'],
    kind,
    id,
    name,
    source: source as LifecycleEvent['source'],
    count: n,
    memoryLimit: limit as number | null,
    exitCode: exit as number | null,
  };
}
