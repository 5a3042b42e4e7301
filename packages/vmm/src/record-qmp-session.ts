import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DirOption, resolveDir } from './dir-option.js';
import { QmpCommandError } from './qmp-command-error.js';
import { qmpRecordName } from './qmp-record-name.js';
import type { QmpSession } from './qmp-session.js';

/**
 * Wraps a session and writes every reply, as the QMP line QEMU sent (`{"return": ...}` or
 * `{"error": ...}`), to `dir/<command>[--args].json`, so `createReplayQmpSession(dir)` plays it back.
 * Timeouts and connection failures are not written: a replay of them would be invented.
 * `dir` may be a function: the folder is then asked for at every reply.
 */
export function createRecordingQmpSession(inner: QmpSession, dir: DirOption): QmpSession {
  const write = async (
    command: string,
    args: Record<string, unknown> | undefined,
    reply: unknown,
  ) => {
    const folder = resolveDir(dir);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, qmpRecordName(command, args)), `${JSON.stringify(reply)}\n`);
  };
  return {
    get closed() {
      return inner.closed;
    },
    async execute(command, args, options) {
      try {
        const value = await inner.execute(command, args, options);
        await write(command, args, { return: value });
        return value;
      } catch (error) {
        if (error instanceof QmpCommandError) {
          await write(command, args, { error: { class: error.errorClass, desc: error.message } });
        }
        throw error;
      }
    },
    close: () => inner.close(),
  };
}
