import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { type DirOption, resolveDir } from './dir-option.js';
import { QmpCommandError } from './qmp-command-error.js';
import { qmpRecordName } from './qmp-record-name.js';
import type { QmpSession } from './qmp-session.js';

export interface ReplayQmpSessionOptions {
  /**
   * Reads one reply file: its text, or null when it was not recorded. A plain read by default;
   * for recordings from elsewhere `@arcbox/perf`'s `openRecording` passes one that refuses
   * symlinks, FIFOs, devices and oversized files.
   */
  read?: (file: string) => Promise<string | null>;
}

/** `readFile`; a missing file is null. */
async function plainRead(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PerfError('READ_ERROR', `cannot read recorded QMP reply`, { file, cause });
  }
}

/**
 * Plays back replies written by `createRecordingQmpSession` (or real QMP lines copied by hand into
 * the same names). A command that was never recorded fails as QEMU fails an unknown command.
 */
export function createReplayQmpSession(
  dir: DirOption,
  options: ReplayQmpSessionOptions = {},
): QmpSession {
  const read = options.read ?? plainRead;
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    async execute(command, args) {
      if (closed) throw new PerfError('CONNECTION_ERROR', `QMP ${command}: replay session closed`);
      const folder = resolveDir(dir);
      const file = join(folder, qmpRecordName(command, args));
      const text = await read(file);
      if (text === null)
        throw new QmpCommandError(command, 'CommandNotFound', `not in the recording ${folder}`);
      let reply: { return?: unknown; error?: { class?: unknown; desc?: unknown } } | null;
      try {
        reply = JSON.parse(text);
      } catch (cause) {
        throw new PerfError('PARSE_ERROR', 'recorded QMP reply is not JSON', {
          file,
          line: 1,
          cause,
        });
      }
      if (reply === null || typeof reply !== 'object' || Array.isArray(reply))
        throw new PerfError('PARSE_ERROR', 'recorded QMP reply is not a JSON object', {
          file,
          line: 1,
        });
      if (reply.error) {
        throw new QmpCommandError(
          command,
          String(reply.error.class ?? 'Error'),
          String(reply.error.desc ?? ''),
        );
      }
      if (!('return' in reply))
        throw new PerfError('PARSE_ERROR', 'recorded QMP reply has no return', { file, line: 1 });
      return reply.return;
    },
    close() {
      closed = true;
    },
  };
}
