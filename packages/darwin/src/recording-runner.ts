import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { CommandRunner } from './command-runner.js';
import { commandFile } from './recording-layout.js';
import { plainRecordedFileRead, type RecordedFileRead } from './recorded-file-read.js';

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
 * command's timeout through `read` (a plain file read unless given one that refuses untrusted
 * files). A command with no recorded file reads as not on PATH, the same as live.
 */
export function createReplayRunner(
  folder: () => string,
  options: { read?: RecordedFileRead } = {},
): CommandRunner {
  const read = options.read ?? plainRecordedFileRead;
  return {
    async run(command, _args, { signal, timeoutMs }) {
      const file = commandFile(folder(), command);
      const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
      let stdout: string | null;
      try {
        stdout = await read(file, { signal: bounded });
      } catch (error) {
        throw PerfError.from(error, 'READ_ERROR', `reading ${file}`);
      }
      if (stdout === null) {
        // The cause's ENOENT is what isCommandMissing looks for: not recorded = not on PATH.
        const cause = Object.assign(new Error(`${file} does not exist`), { code: 'ENOENT' });
        throw new PerfError('COMMAND_FAILED', `${command} was not recorded`, { cause, file });
      }
      return { stdout, stderr: '', exitCode: 0 };
    },
  };
}
