/**
 * Bounds on what a replay reads from a recording. A recording is untrusted input (it arrives
 * attached to a bug report): these keep a crafted one from exhausting memory or time.
 */
export interface RecordingLimits {
  /** Largest file read, bytes: a bigger one is refused, never read to its end. */
  maxFileBytes: number;
  /** Most entries one listed folder may hold. */
  maxDirEntries: number;
  /** Most files read for one reading (every kind together). */
  maxFilesPerReading: number;
  /** Most bytes read for one reading (every kind together). */
  maxBytesPerReading: number;
}

/**
 * Generous for real recordings: the largest kernel file read (`/proc/net/unix` on a busy host,
 * mountinfo with thousands of mounts) is a few MiB, and a host with 1000 containers reads about
 * 20 files each.
 */
export function defaultRecordingLimits(): RecordingLimits {
  return {
    maxFileBytes: 16 * 1024 * 1024,
    maxDirEntries: 100_000,
    maxFilesPerReading: 200_000,
    maxBytesPerReading: 512 * 1024 * 1024,
  };
}
