import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileReader } from './file-reader.js';

/**
 * Wraps a reader and copies everything it reads into `dir`, under the same relative paths,
 * so the folder can be read back with `createFileReader({ root: dir, keepOpen: false })`.
 * Directories that were checked or listed are created, so existence checks replay too.
 */
export function createRecordingReader(inner: FileReader, dir: string): FileReader {
  const ensureDir = (path: string) => mkdirSync(join(dir, path), { recursive: true });
  return {
    root: inner.root,
    read(path) {
      const text = inner.read(path);
      if (text !== null) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
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
