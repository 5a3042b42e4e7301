import { execFile } from 'node:child_process';
import { PerfError } from '@arcbox/perf-core';

/** What a finished command printed. A non-zero exit is reported, not thrown. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** Kills the command when aborted. */
  signal: AbortSignal;
  /** Kills the command after this many milliseconds. */
  timeoutMs: number;
}

/**
 * Runs one command with an argument array (never a shell string). Throws a `PerfError`:
 * `COMMAND_FAILED` when it could not start (a `cause` with code `ENOENT` means not on PATH),
 * `TIMEOUT` when it ran past `timeoutMs`, `ABORTED` when the signal fired. Injectable, so tests
 * and replay hand recorded outputs to the same collector code.
 */
export interface CommandRunner {
  run(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult>;
}

export interface ExecFileRunnerOptions {
  /** Environment of the commands; `LC_ALL=C` is always set so numbers print the same way. */
  env?: NodeJS.ProcessEnv;
  /** Largest output kept per stream, in bytes. */
  maxBuffer?: number;
}

/** A runner over `child_process.execFile`: one process per call, no shell. */
export function createExecFileRunner(options: ExecFileRunnerOptions = {}): CommandRunner {
  const env = { ...(options.env ?? process.env), LC_ALL: 'C' };
  const maxBuffer = options.maxBuffer ?? 8 * 1024 * 1024;
  return {
    run(command, args, { signal, timeoutMs }) {
      return new Promise<CommandResult>((resolve, reject) => {
        if (signal.aborted) {
          reject(aborted(command, signal.reason));
          return;
        }
        execFile(
          command,
          [...args],
          // SIGKILL: a command that ignores SIGTERM must not outlive its timeout.
          { env, maxBuffer, signal, timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (!error) {
              resolve({ stdout, stderr, exitCode: 0 });
              return;
            }
            const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
            if (e.name === 'AbortError' || e.code === 'ABORT_ERR') {
              reject(aborted(command, signal.reason ?? e));
            } else if (e.killed) {
              reject(
                new PerfError('TIMEOUT', `${command} timed out after ${timeoutMs} ms`, {
                  cause: e,
                }),
              );
            } else if (typeof e.code === 'number') {
              resolve({ stdout, stderr, exitCode: e.code });
            } else if (e.code === 'ENOENT') {
              reject(new PerfError('COMMAND_FAILED', `${command} is not on PATH`, { cause: e }));
            } else {
              reject(PerfError.from(e, 'COMMAND_FAILED', `${command} could not run`));
            }
          },
        );
      });
    },
  };
}

/** True when a runner error means the command does not exist here (or was not recorded). */
export function isCommandMissing(error: unknown): boolean {
  if (!PerfError.isInstance(error) || error.code !== 'COMMAND_FAILED') return false;
  const cause = error.cause as { code?: unknown } | undefined;
  return cause?.code === 'ENOENT';
}

function aborted(command: string, reason: unknown): PerfError {
  return PerfError.isInstance(reason)
    ? reason
    : new PerfError('ABORTED', `${command} was aborted`, { cause: reason });
}
