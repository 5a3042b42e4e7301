import type { FileReader } from '@arcbox/perf-linux';
import type { RecordedTree } from './recording-files.js';

/**
 * perf-linux's FileReader over the reading being replayed, so the Linux collectors read a
 * recorded /proc, /sys and cgroup tree through the recording's checks. `tree` is asked for at
 * every call: one collector follows the readings as they are selected.
 */
export function recordedFileReader(tree: () => RecordedTree): FileReader {
  return {
    get root() {
      return tree().root;
    },
    read: (path) => tree().readText(path),
    exists: (path) => tree().exists(path),
    list: (path) => tree().list(path),
    // Nothing is kept open: each read opens, checks and closes its file.
    forget() {},
    close() {},
  };
}
