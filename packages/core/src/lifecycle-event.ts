import { formatBytes } from './units.js';

/**
 * What happened to a series, as opposed to how much of something it used: an OOM kill counted by
 * its cgroup, a restart counted by its engine, or an engine's own event (`die`, `oom`, ...).
 */
export type LifecycleEventType =
  | 'oom-kill'
  | 'restart'
  | 'die'
  | 'oom'
  | 'start'
  | 'pause'
  | 'unpause';

export const LIFECYCLE_EVENT_TYPES: readonly LifecycleEventType[] = [
  'oom-kill',
  'restart',
  'die',
  'oom',
  'start',
  'pause',
  'unpause',
];

export type LifecycleEventSource = 'counter' | 'engine' | 'counter+engine';

export const LIFECYCLE_EVENT_SOURCES: readonly LifecycleEventSource[] = [
  'counter',
  'engine',
  'counter+engine',
];

export interface LifecycleEvent {
  /** Wall-clock time, ms since the epoch: the reading that saw it, or the engine's stamp. */
  time: number;
  type: LifecycleEventType;
  /** The kind of series (`container`). */
  kind: string;
  id: string;
  name: string;
  /**
   * `counter`: seen as a counter's move between two readings; `engine`: the engine said so;
   * `counter+engine`: both saw the same OOM kill (SEMANTICS.md, Container lifecycle).
   */
  source: LifecycleEventSource;
  /** How many (kills, restarts) the counter moved by; 1 for an engine's event. */
  count: number;
  /** The memory limit at the time, bytes; null when unlimited or unknown. */
  memoryLimit: number | null;
  /** A `die`'s exit code; null otherwise. */
  exitCode: number | null;
}

/** One line for people: "web-1 OOM-killed (2 processes), limit 256 MiB". */
export function describeLifecycleEvent(event: LifecycleEvent): string {
  const limit = event.memoryLimit === null ? '' : `, limit ${formatBytes(event.memoryLimit)}`;
  const times = event.count > 1 ? ` (${event.count}×)` : '';
  switch (event.type) {
    case 'oom-kill':
      return `${event.name} OOM-killed${event.count > 1 ? ` (${event.count} processes)` : ''}${limit}`;
    case 'restart':
      return `${event.name} restarted${times}`;
    case 'die':
      return `${event.name} exited${event.exitCode === null ? '' : ` with code ${event.exitCode}`}`;
    case 'oom':
      return `${event.name} ran out of memory${limit}`;
    default:
      return `${event.name} ${event.type}${event.type.endsWith('e') ? 'd' : 'ed'}`;
  }
}

/** "2 min ago", for a list of recent events. */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}
