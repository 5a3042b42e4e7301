import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { PerfError } from '@arcbox/perf-core';

/** The file is a few lines; anything larger is not ours. */
export const MAX_ACK_FILE_BYTES = 64 * 1024;
/** Receivers remembered at most (the agent allows 16; old ones are forgotten first). */
export const MAX_ACK_TARGETS = 64;
/** An acknowledged time this far ahead of the clock is not believed. */
const MAX_FUTURE_MS = 86_400_000;

export interface AckFile {
  readonly path: string;
  /** The newest round time the receiver at `url` acknowledged; null when unknown. */
  get(url: string): number | null;
  /** Records it; written soon (at most once per `minWriteMs`), atomically. */
  set(url: string, timeMs: number): void;
  /** Writes what is pending now. */
  flush(): Promise<void>;
}

export interface AckFileOptions {
  path: string;
  log: (line: string) => void;
  /** Fewest ms between two writes; default 1000. */
  minWriteMs?: number;
  now?: () => number;
}

/**
 * How far each remote write receiver acknowledged, kept in a small JSON file in the agent's
 * state dir so a restarted agent knows what to catch up from history. Receivers are keyed by a
 * hash of their URL (a URL may carry a secret). Written to a temporary file, synced, then
 * renamed over the old one: a crash leaves the old file or the new one, never half of either.
 * A file that is too large, not JSON or holds odd entries is ignored with one log line (the
 * agent then sends from its first round on, as it would the first time).
 */
export async function openAckFile(options: AckFileOptions): Promise<AckFile> {
  const now = options.now ?? Date.now;
  const acks = await readAcks(options.path, now()).catch((error: unknown) => {
    options.log(
      `remote write acknowledgements in ${options.path} ignored: ${(error as Error).message}`,
    );
    return new Map<string, number>();
  });
  const minWriteMs = options.minWriteMs ?? 1000;
  let dirty = false;
  let lastWrite = 0;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const write = () => {
    timer = null;
    if (!dirty) return writing;
    dirty = false;
    lastWrite = now();
    const text = `${JSON.stringify({ version: 1, targets: Object.fromEntries(acks) })}\n`;
    writing = writing
      .then(() => writeAtomically(options.path, text))
      .catch((error: unknown) =>
        options.log(
          `remote write acknowledgements not saved to ${options.path}: ${(error as Error).message}`,
        ),
      );
    return writing;
  };

  return {
    path: options.path,
    get: (url) => acks.get(keyOf(url)) ?? null,
    set(url, timeMs) {
      const key = keyOf(url);
      acks.delete(key);
      acks.set(key, timeMs);
      while (acks.size > MAX_ACK_TARGETS) acks.delete(acks.keys().next().value!);
      dirty = true;
      if (timer) return;
      timer = setTimeout(write, Math.max(0, lastWrite + minWriteMs - now()));
      timer.unref?.();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      await write();
    },
  };
}

const keyOf = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 32);

async function readAcks(path: string, nowMs: number): Promise<Map<string, number>> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  let text: string;
  try {
    const size = (await handle.stat()).size;
    if (size > MAX_ACK_FILE_BYTES)
      throw new PerfError('PARSE_ERROR', `${size} bytes, more than ${MAX_ACK_FILE_BYTES}`);
    const buffer = Buffer.alloc(size);
    await handle.read(buffer, 0, size, 0);
    text = buffer.toString('utf8');
  } finally {
    await handle.close();
  }
  return parseAcks(text, nowMs);
}

/** The acknowledgements a file holds; PerfError PARSE_ERROR on anything odd. */
export function parseAcks(text: string, nowMs: number): Map<string, number> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new PerfError('PARSE_ERROR', 'not JSON');
  }
  const d = data as { version?: unknown; targets?: unknown };
  if (typeof d !== 'object' || d === null || d.version !== 1)
    throw new PerfError('PARSE_ERROR', 'not a version 1 acknowledgement file');
  if (typeof d.targets !== 'object' || d.targets === null || Array.isArray(d.targets))
    throw new PerfError('PARSE_ERROR', 'targets is not an object');
  const entries = Object.entries(d.targets);
  if (entries.length > MAX_ACK_TARGETS)
    throw new PerfError('PARSE_ERROR', `more than ${MAX_ACK_TARGETS} targets`);
  const out = new Map<string, number>();
  for (const [key, ms] of entries) {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new PerfError('PARSE_ERROR', 'a target key is odd');
    if (!Number.isSafeInteger(ms) || (ms as number) < 0 || (ms as number) > nowMs + MAX_FUTURE_MS)
      throw new PerfError('PARSE_ERROR', 'an acknowledged time is not a plausible ms timestamp');
    out.set(key, ms as number);
  }
  return out;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
