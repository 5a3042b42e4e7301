import { lstat, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { RECORDING_ENTRIES } from './recording-layout.js';

/**
 * Makes `dir` ready to record into and gives its absolute path. A folder that already holds a
 * recording is refused unless `force`, which removes that recording's own entries (and nothing
 * else). Missing folders are made one level at a time: Node's recursive mkdir never returns under
 * /proc (it retries the ENOENT for ever), which would hang `record /proc/x`.
 */
export async function prepareRecordingDir(
  dir: string,
  options: { force: boolean },
): Promise<string> {
  const target = resolve(dir);
  const found = await statOrNull(target);
  if (found === null) {
    await makeFolders(target);
    return target;
  }
  if (!found.isDirectory())
    throw new PerfError('INVALID_ARGUMENT', 'cannot record into it: not a folder', {
      file: target,
    });
  const held: string[] = [];
  for (const name of RECORDING_ENTRIES)
    if ((await lstatOrNull(join(target, name))) !== null) held.push(name);
  if (held.length === 0) return target;
  if (!options.force)
    throw new PerfError(
      'INVALID_ARGUMENT',
      `already holds a recording (${held.join(', ')}): record into a new folder, or replace it with force (--force)`,
      { file: target },
    );
  // rm does not follow links: a `readings` that is a link goes, not what it points at.
  for (const name of held) await rm(join(target, name), { recursive: true, force: true });
  return target;
}

async function makeFolders(target: string): Promise<void> {
  const missing: string[] = [];
  for (let current = target; ; current = dirname(current)) {
    const found = await statOrNull(current);
    if (found !== null) {
      if (!found.isDirectory())
        throw new PerfError('INVALID_ARGUMENT', 'cannot record under it: not a folder', {
          file: current,
        });
      break;
    }
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new PerfError(
        'INVALID_ARGUMENT',
        `cannot create the recording folder: ${errnoText(cause)}`,
        { file: folder, cause },
      );
    }
  }
}

/** Node's "ENOENT: no such file or directory, mkdir '/x'" without the code and the path. */
function errnoText(cause: unknown): string {
  const message = (cause as Error).message ?? String(cause);
  return message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/s, '');
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new PerfError(
      'INVALID_ARGUMENT',
      code === 'ENOTDIR'
        ? 'cannot record there: a part of the path is not a folder'
        : `cannot record there: ${errnoText(cause)}`,
      { file: path, cause },
    );
  }
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch {
    return null;
  }
}
