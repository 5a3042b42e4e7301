import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { FileReader } from './file-reader.js';

/**
 * Wraps a reader and copies everything it reads into `dir`, under the same relative paths,
 * so the folder can be read back with `createFileReader({ root: dir, keepOpen: false })`.
 * Directories that were checked or listed are created, so existence checks replay too.
 *
 * Each path is read once: a second read (the host and the containers collectors both read
 * /proc/meminfo in one reading) gets the text the first read recorded, so every collector of the
 * reading computed from exactly what its replay will read.
 */
export function createRecordingReader(inner: FileReader, dir: string): FileReader {
  const top = resolve(dir);
  // A path with `..` (a configured cgroup glob, say) would write beside the recording.
  const inside = (path: string): string => {
    const full = resolve(top, path);
    if (full !== top && !full.startsWith(top + sep)) {
      throw new PerfError('INVALID_ARGUMENT', 'not recorded: the path leaves the recording', {
        file: path,
      });
    }
    return full;
  };
  const ensureDir = (path: string) => mkdirSync(inside(path), { recursive: true });
  const read = new Map<string, string | null>();
  return {
    root: inner.root,
    read(path, maxBytes) {
      const target = inside(path);
      const known = read.get(target);
      if (known !== undefined) return known;
      const text = inner.read(path, maxBytes);
      read.set(target, text);
      if (text !== null) {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
      }
      return text;
    },
    exists(path) {
      const found = inner.exists(path);
      if (found) ensureDir(path);
      return found;
    },
    list(path) {
      const entries = inner.list(path);
      if (entries) {
        ensureDir(path);
        for (const e of entries) if (e.isDirectory) ensureDir(join(path, e.name));
      }
      return entries;
    },
    forget: (prefix) => inner.forget(prefix),
    close: () => inner.close(),
  };
}
