import { closeSync, type Dirent, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { DescriptorBudget } from './descriptor-budget.js';

export interface DirEntry {
  name: string;
  isDirectory: boolean;
}

/**
 * Reads kernel files (procfs, sysfs, cgroupfs) under a root. Paths are relative to the root
 * (`proc/stat`), so the same collector reads `/`, a host mount at `/host`, or a recording.
 */
export interface FileReader {
  readonly root: string;
  /**
   * The file's text, or null when it (or its process or cgroup) does not exist. With `maxBytes`,
   * at most that many bytes are read (a process's command line can be megabytes long).
   */
  read(path: string, maxBytes?: number): string | null;
  /** Whether a directory (or file) exists; a recording re-creates it as a directory. */
  exists(path: string): boolean;
  /** Entries of a directory, or null when it does not exist. A recording keeps only the subdirectories and the files that were read. */
  list(path: string): DirEntry[] | null;
  /**
   * A directory's link count (2 + its subdirectories on cgroupfs, ext4, tmpfs), null when it
   * cannot be read. Optional: a reader without it (a recording) has every listing taken again.
   */
  linkCount?(path: string): number | null;
  /**
   * The file's bytes handed to `scan` (valid only during the call), its answer returned; null
   * when the file does not exist, errors as `read`. Optional, and not enumerable on the readers
   * that have it: a wrapper made by spreading a reader and replacing `read` does not inherit a
   * way around its own `read`. Callers keep the `read` path for readers without it.
   */
  readWith?<A, T>(path: string, scan: ByteScanner<A, T>, arg: A): T | null;
  /** Drops kept descriptors under a path prefix (a cgroup or process that went away). */
  forget(prefix: string): void;
  close(): void;
}

/** Reads what it needs from `bytes[0, length)`; must not keep `bytes`, which is reused. */
export type ByteScanner<A, T> = (bytes: Uint8Array, length: number, arg: A) => T;

export interface FileReaderOptions {
  /** Root the paths are relative to; `/` by default. */
  root?: string;
  /**
   * Keep descriptors open and re-read at position 0: about half the cost of readFileSync for
   * kernel files, which are regenerated on every read (TOOLCHAIN.md). Off for regular files.
   */
  keepOpen?: boolean;
  /** Most descriptors kept at once; the oldest are closed past it. */
  maxOpen?: number;
  /**
   * What happens to a new file once maxOpen are kept: true (default) closes the oldest kept one
   * and keeps the new one; false keeps the ones already kept and closes the new one after its
   * read. For files read in rotation (limits of many cgroups), closing the oldest would reopen
   * every file on every pass; keeping the first ones saves their opens at least.
   */
  evictOldest?: boolean;
  /**
   * A budget shared with other readers: a descriptor is kept only if one can be taken from it
   * (besides maxOpen), and given back when closed.
   */
  budget?: DescriptorBudget;
}

function isDirectoryAt(full: string): boolean {
  try {
    return statSync(full).isDirectory();
  } catch {
    return false;
  }
}

const gone = new Set(['ENOENT', 'ESRCH', 'ENODEV', 'ENOTDIR']);

/**
 * readdirSync with file types. Node stats an entry whose type the directory does not give, and
 * an entry that vanished in between (a process exiting while /proc is listed) makes the whole
 * call fail with ENOENT though the directory is there: measured here, 4 in 17,000 listings of
 * /proc while 3,000 processes came and went. Such a listing is taken again (three tries).
 */
function listTyped(full: string): Dirent[] {
  for (let attempt = 1; ; attempt++) {
    try {
      return readdirSync(full, { withFileTypes: true });
    } catch (error) {
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // The directory itself gone: no retry.
      if (!isDirectoryAt(full)) throw error;
    }
  }
}

/**
 * Synchronous on purpose: procfs, sysfs and cgroupfs are served from kernel memory and never
 * wait on a device, so these reads do not stall the event loop (TOOLCHAIN.md measures them).
 */
export function createFileReader(options: FileReaderOptions = {}): FileReader {
  const root = options.root ?? '/';
  const keepOpen = options.keepOpen ?? true;
  const maxOpen = options.maxOpen ?? 8192;
  const evictOldest = options.evictOldest ?? true;
  const budget = options.budget;
  const fds = new Map<string, number>();
  // Kept paths by their directory, and directories by their parent (`a/b/` under `a/`): forget
  // of a cgroup's or a process's directory walks its own subtree, not every kept path (at 1,000
  // containers a pass per forgotten container took seconds when they all went at once). Each path
  // and directory is held once: an index by every ancestor held each path at every level (2.5 MB
  // at 1,000 containers on cgroup v1, against 0.2 MB for the descriptors themselves).
  const files = new Map<string, Set<string>>();
  const subdirs = new Map<string, Set<string>>();
  let buffer = Buffer.allocUnsafe(64 * 1024);

  const keep = (path: string, fd: number) => {
    fds.set(path, fd);
    let dir = parentOf(path);
    const kept = files.get(dir);
    if (kept !== undefined) {
      kept.add(path);
      return;
    }
    files.set(dir, new Set([path]));
    // A directory new to the index: link it, and any new parent, up to one already linked.
    while (dir !== '') {
      const parent = parentOf(dir);
      const children = subdirs.get(parent);
      if (children?.has(dir)) break;
      if (children === undefined) subdirs.set(parent, new Set([dir]));
      else children.add(dir);
      if (files.has(parent) || children !== undefined) break;
      dir = parent;
    }
  };

  /** Unlinks directories left with no kept path in or below them, from `dir` up. */
  const prune = (start: string) => {
    let dir = start;
    while (dir !== '' && !files.has(dir) && !subdirs.has(dir)) {
      const parent = parentOf(dir);
      const children = subdirs.get(parent);
      if (children?.delete(dir) && children.size === 0) subdirs.delete(parent);
      dir = parent;
    }
  };

  const closeFd = (path: string) => {
    const fd = fds.get(path);
    if (fd === undefined) return;
    fds.delete(path);
    const dir = parentOf(path);
    const kept = files.get(dir);
    if (kept?.delete(path) && kept.size === 0) {
      files.delete(dir);
      prune(dir);
    }
    budget?.give();
    try {
      closeSync(fd);
    } catch {
      // already gone with its cgroup or process
    }
  };

  // A short read means end of file: seq_file fills the whole buffer when it has more.
  const readFd = (fd: number, maxBytes: number): number => {
    let length = 0;
    for (;;) {
      const room = Math.min(buffer.length, maxBytes) - length;
      const n = readSync(fd, buffer, length, room, length);
      length += n;
      if (n < room || length >= maxBytes) break;
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    return length;
  };

  const fail = (path: string, cause: unknown): never => {
    throw new PerfError('READ_ERROR', `cannot read ${path}`, { file: join(root, path), cause });
  };

  /** The file's length in `buffer` after reading it, or null when it does not exist. */
  const readRaw = (path: string, maxBytes: number): number | null => {
    let fd = fds.get(path);
    const kept = fd !== undefined;
    try {
      if (fd === undefined) fd = openSync(join(root, path), 'r');
      const length = readFd(fd, maxBytes);
      if (keepOpen && !kept) {
        if (fds.size < maxOpen && (budget === undefined || budget.take())) keep(path, fd);
        else if (evictOldest && fds.size > 0) {
          // Closing our oldest gives one back to the budget, taken again for the new one.
          closeFd(fds.keys().next().value as string);
          budget?.take();
          keep(path, fd);
        } else closeSync(fd);
      } else if (!keepOpen) closeSync(fd);
      return length;
    } catch (error) {
      if (kept) closeFd(path);
      else if (fd !== undefined) {
        // Opened for this read and not kept yet (in either mode): close it, or it leaks.
        try {
          closeSync(fd);
        } catch {
          // already gone with its cgroup or process
        }
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code && gone.has(code)) return null;
      return fail(path, error);
    }
  };

  const reader: FileReader = {
    root,
    read(path, maxBytes = Number.POSITIVE_INFINITY) {
      const length = readRaw(path, maxBytes);
      return length === null ? null : buffer.toString('utf8', 0, length);
    },
    exists(path) {
      try {
        statSync(join(root, path));
        return true;
      } catch {
        return false;
      }
    },
    linkCount(path) {
      try {
        return statSync(join(root, path)).nlink;
      } catch {
        return null;
      }
    },
    list(path) {
      let entries: Dirent[];
      try {
        entries = listTyped(join(root, path));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code && gone.has(code)) return null;
        return fail(path, error);
      }
      // sysfs lists devices as symlinks to directories (sys/class/net/eth0): follow them.
      return entries.map((e) => ({
        name: e.name,
        isDirectory:
          e.isDirectory() || (e.isSymbolicLink() && isDirectoryAt(join(root, path, e.name))),
      }));
    },
    forget(prefix) {
      if (prefix.endsWith('/')) {
        const gone: string[] = [];
        const dirs = [prefix];
        for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
          for (const path of files.get(dir) ?? []) gone.push(path);
          for (const sub of subdirs.get(dir) ?? []) dirs.push(sub);
        }
        for (const path of gone) closeFd(path);
        return;
      }
      for (const path of [...fds.keys()]) if (path.startsWith(prefix)) closeFd(path);
    },
    close() {
      for (const path of [...fds.keys()]) closeFd(path);
    },
  };
  Object.defineProperty(reader, 'readWith', {
    enumerable: false,
    value<A, T>(path: string, scan: ByteScanner<A, T>, arg: A): T | null {
      const length = readRaw(path, Number.POSITIVE_INFINITY);
      return length === null ? null : scan(buffer, length, arg);
    },
  });
  return reader;
}

/** `a/b/` of `a/b/c` and of `a/b/c/`; '' at the top. */
function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/', path.length - 2) + 1);
}
