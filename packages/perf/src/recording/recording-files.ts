import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  opendirSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
} from 'node:fs';
import { resolve, sep } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { defaultRecordingLimits, type RecordingLimits } from './recording-limits.js';

export interface RecordedEntry {
  name: string;
  isDirectory: boolean;
}

/**
 * Read access to a recording that treats it as untrusted input: every path is resolved inside
 * the recording's root, symbolic links and anything but regular files and folders are refused
 * (so a FIFO cannot block and `/dev/zero` is never read), and file sizes, folder sizes and what
 * one reading reads are capped. A refusal is a `READ_ERROR` naming the file; each is also kept in
 * `refusals`, so a caller whose collectors swallow read errors still sees them.
 */
export interface RecordedTree {
  /** The folder paths are resolved in. */
  readonly root: string;
  /** A file's text (path relative to the root, or absolute inside it); null when missing. */
  readText(path: string): string | null;
  /** A folder's entries; null when missing. A symbolic link entry is never a folder. */
  list(path: string): RecordedEntry[] | null;
  /** Whether a file or folder is there; a refused one is not (and is kept in `refusals`). */
  exists(path: string): boolean;
}

export interface RecordingFiles extends RecordedTree {
  /**
   * The same access confined to a folder of the recording (a reading's): a path that leaves it
   * is refused even when it stays inside the recording.
   */
  at(folder: string): RecordedTree;
  /** Starts a new reading's budget of files and bytes. */
  startReading(): void;
  readonly refusals: readonly PerfError[];
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
// Opening a FIFO for reading blocks until a writer comes; non-blocking, it returns at once.
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Opens a recording for reading. The root itself may be reached through a symbolic link (the
 * user named it); inside it nothing is followed.
 */
export function openRecordingFiles(
  dir: string,
  limits: Partial<RecordingLimits> = {},
): RecordingFiles {
  const bounds = { ...defaultRecordingLimits(), ...limits };
  let root: string;
  try {
    root = realpathSync(resolve(dir));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new PerfError(
      code === 'ENOENT' ? 'MISSING_FILE' : 'READ_ERROR',
      'cannot open the recording',
      { file: resolve(dir), cause },
    );
  }
  if (!lstatSync(root).isDirectory())
    throw new PerfError('INVALID_ARGUMENT', 'a recording is a folder', { file: root });
  const refusals: PerfError[] = [];
  let filesRead = 0;
  let bytesRead = 0;

  const refuse = (file: string, why: string): never => {
    const error = new PerfError('READ_ERROR', `recording file refused: ${why}`, { file });
    refusals.push(error);
    throw error;
  };

  /** The absolute path of `path` under `top`, refused when it leaves `top`. */
  const inside = (path: string, top: string): string => {
    if (path.includes('\0')) refuse(path, 'the path holds a NUL byte');
    const full = resolve(top, path);
    if (full !== top && !full.startsWith(top + sep))
      refuse(full, `the path leaves ${top === root ? 'the recording' : top}`);
    return full;
  };

  /**
   * lstat of every component below the root: null when one is missing or is not a folder (the
   * live readers' "gone"), a refusal at the first symbolic link.
   */
  const walk = (full: string): Stats | null => {
    if (full === root) return lstatSync(root);
    const parts = full.slice(root.length + 1).split(sep);
    let current = root;
    let stats: Stats | undefined;
    for (const [i, part] of parts.entries()) {
      current = `${current}${sep}${part}`;
      try {
        stats = lstatSync(current, { throwIfNoEntry: false });
      } catch (cause) {
        throw new PerfError('READ_ERROR', 'cannot read the recording', { file: current, cause });
      }
      if (stats === undefined) return null;
      if (stats.isSymbolicLink())
        refuse(current, 'it is a symbolic link (nothing in a recording is followed)');
      if (i < parts.length - 1 && !stats.isDirectory()) return null;
    }
    return stats ?? null;
  };

  const spend = (file: string, bytes: number) => {
    filesRead += 1;
    bytesRead += bytes;
    if (filesRead > bounds.maxFilesPerReading)
      refuse(file, `more than ${bounds.maxFilesPerReading} files read for one reading`);
    if (bytesRead > bounds.maxBytesPerReading)
      refuse(file, `more than ${bounds.maxBytesPerReading} bytes read for one reading`);
  };

  const readRegular = (full: string, seen: Stats): string => {
    let fd: number;
    try {
      fd = openSync(full, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') return refuse(full, 'it is a symbolic link');
      throw new PerfError('READ_ERROR', 'cannot read recording file', { file: full, cause });
    }
    try {
      // The file opened must be the one checked: not swapped for a FIFO or device in between.
      const opened = fstatSync(fd);
      if (!opened.isFile() || opened.ino !== seen.ino || opened.dev !== seen.dev)
        refuse(full, 'it changed while being opened');
      if (opened.size > bounds.maxFileBytes)
        refuse(full, `larger than ${bounds.maxFileBytes} bytes (${opened.size})`);
      // Read to the end, but never past the cap: the size may grow after fstat.
      const buffer = Buffer.allocUnsafe(Math.min(bounds.maxFileBytes + 1, opened.size + 1));
      let length = 0;
      for (;;) {
        if (length === buffer.length) refuse(full, `larger than ${bounds.maxFileBytes} bytes`);
        const n = readSync(fd, buffer, length, buffer.length - length, length);
        if (n === 0) break;
        length += n;
      }
      spend(full, length);
      return buffer.toString('utf8', 0, length);
    } finally {
      closeSync(fd);
    }
  };

  const tree = (top: string): RecordedTree => ({
    root: top,
    readText(path) {
      const full = inside(path, top);
      const stats = walk(full);
      if (stats === null) return null;
      if (!stats.isFile()) refuse(full, `it is not a regular file (${typeOf(stats)})`);
      if (stats.size > bounds.maxFileBytes)
        refuse(full, `larger than ${bounds.maxFileBytes} bytes (${stats.size})`);
      return readRegular(full, stats);
    },
    list(path) {
      const full = inside(path, top);
      const stats = walk(full);
      if (stats === null || !stats.isDirectory()) return null;
      const dir = opendirSync(full);
      const entries: RecordedEntry[] = [];
      try {
        for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
          if (entries.length >= bounds.maxDirEntries)
            refuse(full, `more than ${bounds.maxDirEntries} entries`);
          entries.push({ name: entry.name, isDirectory: entry.isDirectory() });
        }
      } finally {
        dir.closeSync();
      }
      spend(full, 0);
      return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    exists(path) {
      try {
        const full = inside(path, top);
        const stats = walk(full);
        if (stats === null) return false;
        if (!stats.isFile() && !stats.isDirectory())
          refuse(full, `it is not a regular file (${typeOf(stats)})`);
        return true;
      } catch (error) {
        if (PerfError.isInstance(error) && refusals.includes(error)) return false;
        throw error;
      }
    },
  });

  return {
    ...tree(root),
    refusals,
    at: (folder) => tree(inside(folder, root)),
    startReading() {
      filesRead = 0;
      bytesRead = 0;
    },
  };
}

function typeOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
