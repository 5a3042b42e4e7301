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
  update(known: readonly KnownContainerCgroup[]): void;
}

const MAX_CACHED = 4096;

export function createContainerOfCgroup(
  known: readonly KnownContainerCgroup[] = [],
): ContainerOfCgroup {
  let byPath = new Map<string, string>();
  let cache = new Map<string, string | null>();
  const set = (list: readonly KnownContainerCgroup[]) => {
    byPath = new Map(list.map((k) => [trimSlash(k.path), k.id]));
    cache = new Map();
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
  return Object.assign(lookup, { update: set });
}

function trimSlash(path: string): string {
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
