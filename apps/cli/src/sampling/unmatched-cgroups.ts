import type { ContainerMetrics } from '@arcbox/perf-core';

/**
 * The cgroup paths or globs (`--cgroup`, `sources.containers.paths`) that no container of the
 * sample came from: a typo, or a cgroup that is not there. A pattern may name the cgroup
 * through its mount (`/sys/fs/cgroup/x`, `/sys/fs/cgroup/memory/x` on v1) or as the kernel
 * does (`/x`); `?` is taken as `*`, which errs towards "found".
 */
export function unmatchedCgroups(
  patterns: readonly string[],
  containers: readonly ContainerMetrics[],
  globMatches: (pattern: string, value: string) => boolean,
): string[] {
  const paths = containers.flatMap((c) => (c.cgroupPath === null ? [] : [c.cgroupPath]));
  return patterns.filter((pattern) => {
    const glob = pattern.replaceAll('?', '*').replace(/\/+$/, '');
    const candidates = [
      glob,
      glob.replace(/^\/sys\/fs\/cgroup(?=\/)/, ''),
      glob.replace(/^\/sys\/fs\/cgroup\/[^/]+(?=\/)/, ''),
    ];
    return !paths.some((path) => candidates.some((c) => globMatches(c, path)));
  });
}
