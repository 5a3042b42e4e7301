import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PerfError } from '@arcbox/perf-core';

/**
 * Makes the state directory, one level at a time, stopping at the first level that cannot be
 * made. Node's `mkdir({ recursive: true })` retries a parent that exists but refuses children
 * (/proc, /sys) forever at full CPU; here that is an error naming the level and the way out.
 */
export async function ensureStateDir(dir: string, defaultDir: string): Promise<void> {
  const target = resolve(dir);
  const fail = (detail: string, cause?: unknown) => {
    const error = new PerfError('CONFIG_ERROR', '', {
      field: 'stateDir',
      ...(cause ? { cause } : {}),
    });
    error.message = `state directory ${target}: ${detail}; choose another with --state-dir DIR or stateDir: in the config (the default for this user is ${defaultDir})`;
    return error;
  };
  const levels: string[] = [];
  for (let p = target; ; p = dirname(p)) {
    levels.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const level of levels) {
    const info = await stat(level).catch((e: NodeJS.ErrnoException) => e);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) throw fail(`${level} is not a directory`);
      continue;
    }
    if (info.code !== 'ENOENT') throw fail(`cannot look at ${level}: ${info.message}`, info);
    try {
      await mkdir(level);
    } catch (cause) {
      const e = cause as NodeJS.ErrnoException;
      // Made by someone else between the two calls: fine as long as it is a directory.
      if (e.code === 'EEXIST' && (await stat(level)).isDirectory()) continue;
      throw fail(`cannot create ${level}: ${e.message}`, cause);
    }
  }
  try {
    await access(target, constants.W_OK | constants.X_OK);
  } catch (cause) {
    throw fail(`cannot write there (${(cause as NodeJS.ErrnoException).code ?? 'denied'})`, cause);
  }
}
