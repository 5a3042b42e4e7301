import { type ExecFileException, execFile } from 'node:child_process';
import { PerfError } from '@arcbox/perf-core';

export interface CommandRunOptions {
  signal?: AbortSignal | undefined;
  /** The command is killed after this long: TIMEOUT. */
  timeoutMs: number;
  /** Output beyond this many bytes kills the command: COMMAND_FAILED, never a truncated parse. */
  maxOutputBytes: number;
}

/**
 * Runs a program with an argument array (never a shell string) and gives its standard output.
 * Rejects with a PerfError: ABORTED, TIMEOUT, or COMMAND_FAILED (not found, non-zero exit with its
 * stderr, output over the limit). Injected so tests and replays can answer without a process.
 */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  options: CommandRunOptions,
) => Promise<string>;

const STDERR_SHOWN = 500;

/** The CommandRunner over `execFile`, in the C locale so messages read the same everywhere. */
export const execFileRunner: CommandRunner = (file, args, options) =>
  new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new PerfError('ABORTED', `${file} was aborted`, { cause: options.signal.reason }));
      return;
    }
    execFile(
      file,
      [...args],
      {
        encoding: 'utf8',
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: options.maxOutputBytes,
        env: { ...process.env, LC_ALL: 'C' },
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        reject(commandError(file, args, error, stderr, options));
      },
    );
  });

function commandError(
  file: string,
  args: readonly string[],
  error: ExecFileException,
  stderr: string,
  options: CommandRunOptions,
): PerfError {
  const what = [file, ...args].join(' ');
  if (options.signal?.aborted || error.name === 'AbortError')
    return new PerfError('ABORTED', `${what} was aborted`, { cause: error });
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
    return new PerfError(
      'COMMAND_FAILED',
      `${what} wrote more than ${options.maxOutputBytes} bytes`,
      { cause: error },
    );
  if (error.killed && error.signal === 'SIGKILL')
    return new PerfError('TIMEOUT', `${what} timed out after ${options.timeoutMs} ms`, {
      cause: error,
    });
  if (error.code === 'ENOENT')
    return new PerfError('COMMAND_FAILED', `${file} not found`, { cause: error });
  const said = stderr.trim().slice(0, STDERR_SHOWN);
  return new PerfError('COMMAND_FAILED', `${what} failed: ${said || error.message}`, {
    cause: error,
  });
}
