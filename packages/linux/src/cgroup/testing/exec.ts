import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a command (argument array, never a shell string) with a timeout; returns stdout. */
export async function exec(
  file: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const { stdout } = await run(file, args, {
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 20_000,
    maxBuffer: 8 * 2 ** 20,
  });
  return stdout;
}

/** First existing path of a Debian binary, or null when the package is not installed. */
export function which(...candidates: string[]): string | null {
  return candidates.find((c) => existsSync(c)) ?? null;
}

export const isRoot = process.getuid?.() === 0;

/**
 * Runs a command whose children outlive it (`runc run --detach`): their stdio goes to `logFile`
 * instead of pipes, which would keep execFile waiting until the container exits.
 */
export async function execDetached(
  file: string,
  args: string[],
  logFile: string,
  timeoutMs = 20_000,
): Promise<void> {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(file, args, { stdio: ['ignore', fd, fd], timeout: timeoutMs });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    if (code !== 0)
      throw new Error(
        `${file} ${args.join(' ')} exited ${code}: ${readFileSync(logFile, 'utf8').slice(-2000)}`,
      );
  } finally {
    closeSync(fd);
  }
}
