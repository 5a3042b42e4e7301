/** The cgroup paths of a process, from `/proc/<pid>/cgroup`. */
export interface ProcessCgroups {
  /** The v2 (`0::`) line's path; null without one. */
  unified: string | null;
  /** The v1 `memory` hierarchy's path. */
  memory: string | null;
  /** The v1 `cpu,cpuacct` (or `cpuacct`, `cpu`) hierarchy's path. */
  cpu: string | null;
}

/**
 * Parses `/proc/<pid>/cgroup` (`hierarchy-id:controllers:path` per line). Lines it cannot read
 * are skipped.
 */
export function parseProcessCgroup(text: string): ProcessCgroups {
  const out: ProcessCgroups = { unified: null, memory: null, cpu: null };
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (second < 0) continue;
    const id = line.slice(0, first);
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (!path.startsWith('/')) continue;
    if (id === '0' && controllers === '') out.unified = path;
    else {
      const names = controllers.split(',');
      if (names.includes('memory')) out.memory = path;
      else if (names.includes('cpuacct') || names.includes('cpu')) out.cpu ??= path;
    }
  }
  return out;
}

/**
 * The path that says which container a process is in: a v1 `memory` or `cpu,cpuacct` line where
 * the host has v1 hierarchies (on a hybrid host the `0::` line is systemd's tree), else the v2 line.
 */
export function containerCgroupPath(cgroups: ProcessCgroups): string | null {
  return cgroups.memory ?? cgroups.cpu ?? cgroups.unified;
}
