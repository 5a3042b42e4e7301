import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';
import { classifyCgroupPath } from './classify-cgroup-path.js';

/** Resolves container ids to names; ids it does not know are left out of the map. */
export type ContainerNameLookup = (
  ids: readonly string[],
  options: { signal: AbortSignal },
) => Promise<Map<string, string>>;

export interface RuntimeStateNamesOptions {
  /** Root the state folders are under; `/` by default (the reader's root when one is given). */
  root?: string;
  /**
   * Reads runc's state (tmpfs, like /proc) through this reader, so a recording carries the
   * names too. Without it, runc state is read asynchronously under `root`.
   */
  reader?: FileReader;
  /** runc state folders (relative to root) holding `<name>/state.json`. */
  runcRoots?: string[];
}

const defaultRuncRoots = [
  'run/runc',
  'run/docker/runtime-runc/moby',
  'run/containerd/runc/k8s.io',
  'run/containerd/runc/default',
];

/**
 * Names from the runtimes' own state where it is readable, without an engine: Docker's
 * `/var/lib/docker/containers/<id>/config.v2.json` ("Name"), Podman's (root) storage
 * `overlay-containers/containers.json` ("names"), and runc's `state.json`, whose
 * container id is the name it was started with while its `config.cgroups.path` holds the cgroup
 * the container is found by. Docker's and Podman's files sit on disk, so they are read
 * asynchronously; runc's state is on tmpfs and goes through the reader when one is given.
 */
export function createRuntimeStateNames(
  options: RuntimeStateNamesOptions = {},
): ContainerNameLookup {
  const reader = options.reader;
  const root = options.root ?? reader?.root ?? '/';
  const runcRoots = options.runcRoots ?? defaultRuncRoots;
  return async (ids, { signal }) => {
    const wanted = new Set(ids);
    const names = new Map<string, string>();
    for (const runcRoot of runcRoots) {
      throwIfAborted(signal, 'container names');
      const entries = reader
        ? safe(
            () =>
              reader
                .list(runcRoot)
                ?.filter((e) => e.isDirectory)
                .map((e) => e.name) ?? null,
          )
        : await readdir(join(root, runcRoot)).catch(() => null);
      for (const entry of entries ?? []) {
        const file = `${runcRoot}/${entry}/state.json`;
        const state = reader
          ? parseJson(safe(() => reader.read(file)))
          : await readJson(join(root, file), signal);
        const path = (state as { config?: { cgroups?: { path?: unknown } } } | null)?.config
          ?.cgroups?.path;
        if (typeof path !== 'string') continue;
        const id = classifyCgroupPath(path)?.id ?? path;
        if (wanted.has(id) && !names.has(id) && entry !== id) names.set(id, entry);
      }
    }
    // Podman (root): containers.json of its storage lists every container with its names.
    if ([...wanted].some((id) => !names.has(id))) {
      const list = await readJson(
        join(root, 'var/lib/containers/storage/overlay-containers/containers.json'),
        signal,
      );
      if (Array.isArray(list)) {
        for (const c of list as Array<{ id?: unknown; names?: unknown }>) {
          const first = Array.isArray(c.names) ? c.names[0] : undefined;
          if (
            typeof c.id === 'string' &&
            wanted.has(c.id) &&
            !names.has(c.id) &&
            typeof first === 'string'
          ) {
            names.set(c.id, first);
          }
        }
      }
    }
    for (const id of wanted) {
      if (names.has(id) || !/^[0-9a-f]{64}$/.test(id)) continue;
      const config = await readJson(
        join(root, 'var/lib/docker/containers', id, 'config.v2.json'),
        signal,
      );
      const name = (config as { Name?: unknown } | null)?.Name;
      if (typeof name === 'string' && name !== '') names.set(id, name.replace(/^\//, ''));
    }
    return names;
  };
}

function safe<T>(fn: () => T): T | null {
  try {
    return fn();
  } catch {
    return null;
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function readJson(file: string, signal: AbortSignal): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, { encoding: 'utf8', signal }));
  } catch {
    return null;
  }
}
