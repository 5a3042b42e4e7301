import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PerfError, type PerfErrorCode } from '@arcbox/perf-core';
import type { RecordedTree } from './recording-files.js';

/**
 * One recorded reply of an API (a Docker-compatible engine, a VMM's REST socket), as QMP replies
 * are kept: `{"return": <value>}`, or `{"error": {"code", "message"}}` for a call that failed, so
 * a replay fails the same way and the same code handles it.
 */
export type RecordedReply =
  | { return: unknown }
  | { error: { code: PerfErrorCode; message: string } };

// Failures a live call can end in; anything else read back is taken as a protocol error.
const REPLAYED_CODES = new Set<PerfErrorCode>([
  'TIMEOUT',
  'CONNECTION_ERROR',
  'PROTOCOL_ERROR',
  'PARSE_ERROR',
  'COMMAND_FAILED',
  'READ_ERROR',
  'MISSING_FILE',
  'INVALID_ARGUMENT',
]);
const MAX_MESSAGE_CHARS = 1000;

/** Runs a live call and writes its reply (or its failure) to `file`; an abort is not a reply. */
export async function recordReply<T>(
  file: string,
  call: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  let value: T;
  try {
    value = await call();
  } catch (error) {
    if (!signal?.aborted) {
      const e = PerfError.from(error, 'PROTOCOL_ERROR', 'request failed');
      if (e.code !== 'ABORTED')
        await writeReply(file, { error: { code: e.code, message: e.message } });
    }
    throw error;
  }
  await writeReply(file, { return: value });
  return value;
}

async function writeReply(file: string, reply: RecordedReply): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(reply)}\n`);
}

/**
 * The value a recorded reply returned, or its failure thrown again. `undefined` when the call was
 * not recorded (the live collector did not make it).
 */
export function replayReply(tree: RecordedTree, path: string): { value: unknown } | undefined {
  const text = tree.readText(path);
  if (text === null) return undefined;
  const file = `${tree.root}/${path}`;
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch (cause) {
    throw new PerfError('PARSE_ERROR', 'recorded reply is not JSON', { file, cause });
  }
  if (reply === null || typeof reply !== 'object' || Array.isArray(reply))
    throw new PerfError('PARSE_ERROR', 'recorded reply is not a JSON object', { file });
  const r = reply as Record<string, unknown>;
  if ('return' in r) return { value: r.return };
  const error = r.error as { code?: unknown; message?: unknown } | null | undefined;
  if (error && typeof error === 'object') {
    const code = REPLAYED_CODES.has(error.code as PerfErrorCode)
      ? (error.code as PerfErrorCode)
      : 'PROTOCOL_ERROR';
    const message = typeof error.message === 'string' ? error.message : 'recorded failure';
    throw new PerfError(code, message.slice(0, MAX_MESSAGE_CHARS));
  }
  throw new PerfError('PARSE_ERROR', 'recorded reply has neither return nor error', { file });
}
