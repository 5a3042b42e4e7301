import type { createColors } from 'picocolors';
import type { CliConfig } from './cli-config.js';

/** The streams and environment a run of the CLI uses; tests and the live view pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  env: NodeJS.ProcessEnv;
}

export type Colors = ReturnType<typeof createColors>;

/** What every command gets: where to write, whether to color, the loaded config. */
export interface CliContext {
  io: CliIo;
  color: Colors;
  colorEnabled: boolean;
  debug: boolean;
  config: CliConfig;
  /** Aborted on SIGINT/SIGTERM, so a waiting command stops promptly. */
  signal: AbortSignal;
  setExitCode(code: number): void;
}

/**
 * Color only on a terminal and never with NO_COLOR (https://no-color.org: any non-empty value),
 * or when --no-color is given.
 */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
  flag: boolean | undefined,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}
