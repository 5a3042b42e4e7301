import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { recordReply, replayReply } from './recorded-reply.js';
import type { RecordedTree } from './recording-files.js';
import { replyFileName } from './recording-layout.js';

/** A VMM REST call as Cloud Hypervisor's and Firecracker's sources make it. */
export type ApiGet = (
  path: string,
  options: { signal: AbortSignal; timeoutMs: number },
) => Promise<unknown>;

/** Wraps a live GET: each reply (or failure) goes to `<folder()>/<path as a name>.json`. */
export function recordingApiGet(live: ApiGet, folder: () => string): ApiGet {
  return (path, options) =>
    recordReply(join(folder(), replyFileName(path)), () => live(path, options), options.signal);
}

/**
 * Answers each GET from `folder` (relative to the reading) of the reading being replayed; a
 * request that was not recorded fails as a socket nobody listens on.
 */
export function replayApiGet(tree: () => RecordedTree, folder: string): ApiGet {
  return async (path) => {
    const name = join(folder, replyFileName(path));
    const found = replayReply(tree(), name);
    if (found === undefined)
      throw new PerfError('CONNECTION_ERROR', `GET ${path.slice(0, 100)} was not recorded`, {
        file: join(tree().root, name),
      });
    return found.value;
  };
}
