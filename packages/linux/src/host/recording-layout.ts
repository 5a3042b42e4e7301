import { join } from 'node:path';

/** `DIR/recording.json`: what a recording holds. */
export interface RecordingManifest {
  platform: 'linux';
  readings: number;
}

/** `DIR/readings/0001/reading.json`: when that reading was taken. */
export interface RecordedStamp {
  monotonicMs: number;
  /** ISO 8601 wall-clock time. */
  time: string;
}

/** Folder of reading `index` (1-based): `DIR/readings/0001`. */
export function readingDir(dir: string, index: number): string {
  return join(dir, 'readings', String(index).padStart(4, '0'));
}
