import type { Collector, LifecycleEvent } from '@arcbox/perf-core';
import type { MonitorCollectors } from '../monitor-collectors.js';

/** The collectors one config builds on this platform, each with the timeout the config gives it. */
export interface PlatformSources {
  /** By each kind's sample key: `system`, `containers`, `vms`, `filesystems`. */
  collectors: MonitorCollectors;
  timeouts: Record<string, number>;
  /** Kinds read less often than every round (filesystems), ms by sample key. */
  intervals: Record<string, number>;
  /** What samples, history, alerts and export keep of a kind, by sample key (processes: the top N). */
  selections: Record<string, (metrics: readonly never[]) => unknown[]>;
  /** What was looked for and not found (a missing VM directory, no engine socket), for people. */
  notes: string[];
  /** Sources of lifecycle events (an engine's `/events`), run while the monitor samples. */
  eventSources: LifecycleEventSource[];
  close(): Promise<void>;
}

/** Follows a source of lifecycle events until the signal aborts; never rejects. */
export type LifecycleEventSource = (options: {
  signal: AbortSignal;
  publish: (event: LifecycleEvent) => void;
}) => Promise<void>;

/** Closes every collector, waiting for each; one that fails to close does not keep the others open. */
export async function closeCollectors(collectors: MonitorCollectors): Promise<void> {
  await Promise.allSettled(
    Object.values(collectors).map((c) => (c as Collector<unknown> | undefined)?.close?.()),
  );
}
