import { classifyCgroupPath } from '../cgroup/classify-cgroup-path.js';

/** A container the container collector reads: its id and cgroup path inside the hierarchy. */
export interface KnownContainerCgroup {
  id: string;
  path: string;
}

/**
 * The container id of a cgroup path, as the container collector names it: the longest known
 * container path that is the path or one of its ancestors, else the runtimes' layouts
 * (`/docker/<id>`, `.../cri-containerd-<id>.scope`) on the path or its nearest ancestor; null is
 * the host. Answers are cached per path until `known` changes (`update`).
 */
export interface ContainerOfCgroup {
  (path: string | null): string | null;
  /** Takes the containers read now; answers change only if they differ from the last ones. */
  update(known: readonly KnownContainerCgroup[]): void;
  /** Goes up by one each time `update` changed the answers: a caller's own cache is stale then. */
  readonly generation: number;
}

const MAX_CACHED = 4096;

export function createContainerOfCgroup(
  known: readonly KnownContainerCgroup[] = [],
): ContainerOfCgroup {
  let byPath = new Map<string, string>();
  let cache = new Map<string, string | null>();
  let generation = 0;
  const set = (list: readonly KnownContainerCgroup[]) => {
    // The same containers as last time (the usual case, asked every 2 s): answers stand.
    if (list.length === byPath.size && list.every((k) => byPath.get(trimSlash(k.path)) === k.id))
      return;
    byPath = new Map(list.map((k) => [trimSlash(k.path), k.id]));
    cache = new Map();
    generation += 1;
  };
  set(known);
  const lookup = (raw: string | null): string | null => {
    if (raw === null) return null;
    const cached = cache.get(raw);
    if (cached !== undefined) return cached;
    let answer: string | null = null;
    // From the path up: the first hit is the longest prefix.
    for (let path = trimSlash(raw); path !== ''; path = path.slice(0, path.lastIndexOf('/'))) {
      const id = byPath.get(path) ?? classifyCgroupPath(path)?.id;
      if (id !== undefined) {
        answer = id;
        break;
      }
    }
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(raw, answer);
    return answer;
  };
  return Object.defineProperties(lookup, {
    update: { value: set },
    generation: { get: () => generation },
  }) as ContainerOfCgroup;
}

function trimSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
