import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { PerfError, withTimeout } from '@arcbox/perf-core';
import { MAX_TOKEN_LENGTH, tokenProblem } from './check-token.js';

/**
 * The bearer token kept in `file` (`--token-file`, `authTokenFile:`), so it never shows in
 * /proc/<pid>/cmdline. The file holds the token alone; one final line break (as `echo` writes
 * it) is dropped, any other whitespace is refused like a token given inline. Only a regular file
 * of at most a few KiB is read, opened non-blocking so a FIFO in its place cannot block. The
 * token is never part of an error.
 */
export async function readTokenFile(
  file: string,
  options: { signal?: AbortSignal; timeoutMs?: number; where?: string } = {},
): Promise<string> {
  const where = options.where ?? `token file ${file}`;
  const fail = (problem: string, cause?: unknown) => {
    const error = new PerfError('CONFIG_ERROR', '', { file, ...(cause ? { cause } : {}) });
    error.message = `${where}: ${file}: ${problem}`;
    return error;
  };
  let text: string;
  try {
    text = await withTimeout(
      async (signal) => {
        const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
        try {
          const stat = await handle.stat();
          if (!stat.isFile()) throw new Error('not a regular file');
          if (stat.size > MAX_TOKEN_LENGTH + 2)
            throw new Error(`${stat.size} bytes; a token file holds at most ${MAX_TOKEN_LENGTH}`);
          return await handle.readFile({ encoding: 'utf8', signal });
        } finally {
          await handle.close();
        }
      },
      options.timeoutMs ?? 5000,
      `reading ${file}`,
      options.signal,
    );
  } catch (cause) {
    throw fail(`cannot read the token: ${(cause as Error).message}`, cause);
  }
  const token = text.replace(/\r?\n$/, '');
  const problem = tokenProblem(token);
  if (problem) throw fail(`the token ${problem}`);
  return token;
}
