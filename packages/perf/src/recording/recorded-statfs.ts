import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { ReadingCursor } from './reading-cursor.js';
import type { RecordedTree } from './recording-files.js';
import { STATFS_FILE } from './recording-layout.js';

// `statfs.json` in a reading folder, one entry per mount point asked in that reading:
//   "/": { "result": { "bsize": "4096", "blocks": "...", ... } }   what statfs returned (decimal
//                                  strings: the Linux figures are 64-bit, past a double's range)
//   "/gone": { "error": { "code": "ENOENT", "message": "..." } }   what it failed with
//   "/nfs": { "pending": true }   it had not returned when the reading ended (a hung mount)

const FIELDS = ['bsize', 'frsize', 'blocks', 'bfree', 'bavail', 'files', 'ffree'] as const;
type Field = (typeof FIELDS)[number];
/** A statfs result as recorded: each field's decimal digits. */
export type RecordedStatfs = Partial<Record<Field, string>>;
type Entry =
  | { result: RecordedStatfs }
  | { error: { code: string | null; message: string } }
  | { pending: true };

const MAX_ENTRIES = 100_000;
const DIGITS = /^\d{1,20}$/;

export interface StatfsRecorder<T> {
  /** The live statfs; each outcome is kept for the reading the call was made in. */
  statfs(path: string): Promise<T>;
  /** Writes `statfs.json` of the current reading; calls still out are `pending`. */
  write(folder: string): Promise<void>;
}

/** Records what a filesystem collector's statfs calls gave, keyed by `keyOf(path)`. */
export function createStatfsRecorder<T extends object>(
  live: (path: string) => Promise<T>,
  keyOf: (path: string) => string,
  cursor: ReadingCursor,
): StatfsRecorder<T> {
  let reading = -1;
  let slots = new Map<string, { entry?: Entry }>();
  return {
    statfs(path) {
      if (cursor.index !== reading) {
        reading = cursor.index;
        slots = new Map();
      }
      const slot: { entry?: Entry } = {};
      slots.set(keyOf(path), slot);
      return live(path).then(
        (result) => {
          slot.entry = { result: fieldsOf(result) };
          return result;
        },
        (error: NodeJS.ErrnoException) => {
          const code = typeof error?.code === 'string' ? error.code : null;
          slot.entry = { error: { code, message: String(error?.message ?? error) } };
          throw error;
        },
      );
    },
    async write(folder) {
      const entries = cursor.index === reading ? [...slots] : [];
      const out = Object.fromEntries(
        entries.map(([key, slot]) => [key, slot.entry ?? { pending: true }]),
      );
      await writeFile(join(folder, STATFS_FILE), `${JSON.stringify(out, null, 1)}\n`);
    },
  };
}

function fieldsOf(result: object): RecordedStatfs {
  const out: RecordedStatfs = {};
  for (const field of FIELDS) {
    const value = (result as Record<string, unknown>)[field];
    if (typeof value === 'bigint' || typeof value === 'number') out[field] = String(value);
  }
  return out;
}

/**
 * A statfs answering from the reading being replayed. A mount recorded `pending` (or not asked
 * in that reading) does not answer until a later reading asked it again, so the collector's own
 * timeout and stuck-mount rule run as they did live (only the waited times in their messages
 * differ: they are measured again).
 */
export function createStatfsReplay<T>(
  cursor: ReadingCursor,
  tree: () => RecordedTree,
  keyOf: (path: string) => string,
  decode: (recorded: RecordedStatfs) => T,
): (path: string) => Promise<T> {
  let loaded = { index: -1, entries: new Map<string, Entry>() };
  const entries = (): Map<string, Entry> => {
    if (loaded.index !== cursor.index)
      loaded = { index: cursor.index, entries: parseStatfsFile(tree()) };
    return loaded.entries;
  };
  return async (path) => {
    const key = keyOf(path);
    const entry = entries().get(key);
    if (entry === undefined || 'pending' in entry) {
      // Still out while later readings did not ask again (live, it was stuck); it returns, too
      // late for any reading, once a reading asked again, as the live call had returned by then.
      do await cursor.left();
      while (!entries().has(key));
      throw new Error('statfs returned after its reading ended');
    }
    if ('error' in entry) {
      throw Object.assign(
        new Error(entry.error.message),
        entry.error.code === null ? {} : { code: entry.error.code },
      );
    }
    return decode(entry.result);
  };
}

function parseStatfsFile(tree: RecordedTree): Map<string, Entry> {
  const text = tree.readText(STATFS_FILE);
  const out = new Map<string, Entry>();
  if (text === null) return out;
  const file = join(tree.root, STATFS_FILE);
  const fail = (field: string | undefined, message: string): never => {
    throw new PerfError('PARSE_ERROR', message, { file, ...(field ? { field } : {}) });
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PerfError('PARSE_ERROR', 'not JSON', { file, cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(undefined, 'expected a JSON object');
  const keys = Object.keys(value as object);
  if (keys.length > MAX_ENTRIES) fail(undefined, `more than ${MAX_ENTRIES} mounts`);
  for (const key of keys) {
    const e = (value as Record<string, unknown>)[key] as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) fail(key, 'not an object');
    const entry = e as Record<string, unknown>;
    if (entry.pending === true) out.set(key, { pending: true });
    else if ('error' in entry) {
      const err = entry.error as { code?: unknown; message?: unknown } | null;
      if (err === null || typeof err !== 'object' || typeof err.message !== 'string')
        fail(key, 'error without a message');
      const code = (err as { code?: unknown }).code;
      out.set(key, {
        error: {
          code: typeof code === 'string' && /^E[A-Z]{1,15}$/.test(code) ? code : null,
          message: (err as { message: string }).message.slice(0, 1000),
        },
      });
    } else if (entry.result !== null && typeof entry.result === 'object') {
      const result: RecordedStatfs = {};
      for (const [field, digits] of Object.entries(entry.result as object)) {
        if (
          !(FIELDS as readonly string[]).includes(field) ||
          typeof digits !== 'string' ||
          !DIGITS.test(digits)
        )
          fail(key, `${field} is not a count`);
        result[field as Field] = digits as string;
      }
      out.set(key, { result });
    } else fail(key, 'neither result, error nor pending');
  }
  return out;
}

/** Linux's `fs.statfs(path, { bigint: true })` shape; a missing count is a PARSE_ERROR. */
export function bigintStatfs(recorded: RecordedStatfs) {
  const n = (field: Field): bigint => {
    const digits = recorded[field];
    if (digits === undefined)
      throw new PerfError('PARSE_ERROR', `recorded statfs has no ${field}`, { field });
    return BigInt(digits);
  };
  return {
    bsize: n('bsize'),
    ...(recorded.frsize === undefined ? {} : { frsize: n('frsize') }),
    blocks: n('blocks'),
    bfree: n('bfree'),
    bavail: n('bavail'),
    files: n('files'),
    ffree: n('ffree'),
  };
}

/** macOS's `fs.statfs(path)` shape (numbers); a missing count is a PARSE_ERROR. */
export function numberStatfs(recorded: RecordedStatfs) {
  const b = bigintStatfs(recorded);
  return {
    bsize: Number(b.bsize),
    blocks: Number(b.blocks),
    bfree: Number(b.bfree),
    bavail: Number(b.bavail),
    files: Number(b.files),
    ffree: Number(b.ffree),
  };
}
