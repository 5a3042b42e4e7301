import type { LifecycleEvent } from '@arcbox/perf-core';
import type { MonitorCollectors } from '../monitor-collectors.js';
import type { RecordedSources } from './recorded-sources.js';

/** A platform's collectors reading live sources and writing what they read into each reading. */
export interface RecordingSources {
  /** By sample key, as the live composition builds them. */
  collectors: MonitorCollectors;
  timeouts: Record<string, number>;
  /** What `sources.json` says about this recording. */
  sources: RecordedSources;
  /** What was looked for and not found, as the live composition notes it. */
  notes: string[];
  /** Writes what a reading keeps besides the collectors' own files (statfs.json, os/). */
  finishReading(folder: string): Promise<void>;
  close(): Promise<void>;
}

/** A platform's collectors reading the reading being replayed. */
export interface ReplaySources {
  collectors: MonitorCollectors;
  /** Loads what the selected reading's collectors take from memory (darwin's node:os values). */
  prepareReading(options: { signal: AbortSignal }): Promise<void>;
  /** The engine's `/events` the selected reading recorded (none where it has none). */
  events?(): LifecycleEvent[];
  close(): Promise<void>;
}
