import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { CommandRunner } from './command-runner.js';
import { commandFile } from './recording-layout.js';

/**
 * Wraps a runner and saves each command's stdout as `commands/<command>.txt` in the folder
 * `folder()` names at call time (the current reading's). Output of a failed command is saved
 * only when it printed something (sysctl exits 1 on an unknown name yet prints the others).
 */
export function createRecordingRunner(inner: CommandRunner, folder: () => string): CommandRunner {
  return {
    async run(command, args, options) {
      const result = await inner.run(command, args, options);
      if (result.exitCode === 0 || result.stdout !== '') {
        const file = commandFile(folder(), command);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, result.stdout);
      }
      return result;
    },
  };
}

/**
 * Answers each command with the stdout recorded in `folder()` (exit 0), read within the
 * command's timeout. A command with no recorded file reads as not on PATH, the same as live.
 */
export function createReplayRunner(folder: () => string): CommandRunner {
  return {
    async run(command, _args, { signal, timeoutMs }) {
      const file = commandFile(folder(), command);
      try {
        const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
        const stdout = await readFile(file, { encoding: 'utf8', signal: bounded });
        return { stdout, stderr: '', exitCode: 0 };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ENOENT') {
          throw new PerfError('COMMAND_FAILED', `${command} was not recorded`, {
            cause: error,
            file,
          });
        }
        throw PerfError.from(
          error,
          code === 'ABORT_ERR' ? 'ABORTED' : 'READ_ERROR',
          `reading ${file}`,
        );
      }
    },
  };
}
