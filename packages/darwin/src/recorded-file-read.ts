import { readFile } from 'node:fs/promises';
import { PerfError } from '@arcbox/perf-core';

/**
 * Reads one recorded file: its text, or null when it was not recorded. Injected so a caller
 * that replays untrusted recordings (`@arcbox/perf`'s `openRecording`) can refuse symlinks,
 * FIFOs and oversized files; the default reads the file as it is.
 */
export type RecordedFileRead = (
  file: string,
  options: { signal: AbortSignal },
) => Promise<string | null>;

/** `readFile` bounded by the signal; a missing file is null, any other failure a PerfError. */
export const plainRecordedFileRead: RecordedFileRead = async (file, { signal }) => {
  try {
    return await readFile(file, { encoding: 'utf8', signal });
  } catch (error) {
    const errno = (error as { code?: unknown }).code;
    if (errno === 'ENOENT') return null;
    throw new PerfError(errno === 'ABORT_ERR' ? 'ABORTED' : 'READ_ERROR', `cannot read ${file}`, {
      cause: error,
      file,
    });
  }
};
