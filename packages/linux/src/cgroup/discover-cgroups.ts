import type { ContainerRuntime } from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';
import type { CgroupLayout, CgroupMount } from './cgroup-layout.js';
import { classifyCgroupPath, isRuntimeParent } from './classify-cgroup-path.js';

/** A cgroup to read as one container. */
export interface CgroupTarget {
  id: string;
  runtime: ContainerRuntime;
  /** Path inside the hierarchy (`/docker/<id>`). */
  path: string;
  /** Found from a user-configured path or glob rather than a runtime's layout. */
  configured: boolean;
}

const MAX_DEPTH = 8;

/** Hierarchies worth walking: the ones whose files a reading uses, each mount once. */
function walkMounts(layout: CgroupLayout): CgroupMount[] {
  const out: CgroupMount[] = [];
  const add = (m: CgroupMount | null | undefined) => {
    if (m && !out.includes(m)) out.push(m);
  };
  if (layout.version === 1)
    for (const c of ['cpuacct', 'memory', 'pids', 'blkio', 'cpu']) add(layout.v1.get(c));
  add(layout.unified);
  return out;
}

/**
 * Finds containers the way the runtimes lay out cgroups (classifyCgroupPath). Only the top-level
 * directories runtimes use are descended into, a matched container is not descended further
 * (its sub-cgroups are its own), and a directory that is another hierarchy's mount point is
 * skipped (a v1 tree mounted inside the cgroup2 one is not part of it).
 */
export function discoverRuntimeCgroups(reader: FileReader, layout: CgroupLayout): CgroupTarget[] {
  const mountPoints = new Set(layout.mounts.map((m) => m.mountPoint));
  const found = new Map<string, CgroupTarget>();
  const walk = (mount: CgroupMount, path: string, depth: number) => {
    const dir = path === '' ? mount.mountPoint : `${mount.mountPoint}${path}`;
    const entries = reader.list(dir);
    if (!entries) return;
    for (const e of entries) {
      if (!e.isDirectory) continue;
      const child = `${path}/${e.name}`;
      if (mountPoints.has(`${mount.mountPoint}${child}`)) continue;
      if (depth === 0 && !isRuntimeParent(e.name)) continue;
      const match = classifyCgroupPath(child);
      if (match) {
        if (!found.has(child)) found.set(child, { ...match, path: child, configured: false });
        continue;
      }
      if (depth + 1 < MAX_DEPTH) walk(mount, child, depth + 1);
    }
  };
  for (const mount of walkMounts(layout)) walk(mount, '', 0);
  return [...found.values()];
}

/**
 * Expands configured cgroup paths: a path inside the hierarchy (`/mygroup/a`), or one under a
 * mount point (`/sys/fs/cgroup/memory/mygroup/a`, whose mount part is dropped), with `*` and `?`
 * wildcards per path segment. A path that exists in no hierarchy is left out.
 */
export function expandConfiguredCgroups(
  reader: FileReader,
  layout: CgroupLayout,
  patterns: readonly string[],
): CgroupTarget[] {
  const mounts = walkMounts(layout);
  const found = new Map<string, CgroupTarget>();
  for (const raw of patterns) {
    const pattern = stripMountPoint(layout, raw);
    const segments = pattern.split('/').filter((s) => s !== '');
    for (const mount of mounts) {
      for (const path of expand(reader, mount.mountPoint, segments)) {
        if (found.has(path)) continue;
        const match = classifyCgroupPath(path);
        found.set(path, {
          id: match?.id ?? path,
          runtime: match?.runtime ?? 'cgroup',
          path,
          configured: true,
        });
      }
    }
  }
  return [...found.values()];
}

function stripMountPoint(layout: CgroupLayout, raw: string): string {
  const rel = raw.replace(/^\/+/, '');
  let best = '';
  for (const m of layout.mounts) {
    if (
      (rel === m.mountPoint || rel.startsWith(`${m.mountPoint}/`)) &&
      m.mountPoint.length > best.length
    )
      best = m.mountPoint;
  }
  const rest = best === '' ? rel : rel.slice(best.length);
  return `/${rest.replace(/^\/+/, '')}`;
}

function expand(reader: FileReader, base: string, segments: string[]): string[] {
  // `listed` marks paths seen in a directory listing: they exist, no stat needed.
  let paths: Array<{ path: string; listed: boolean }> = [{ path: '', listed: true }];
  for (const segment of segments) {
    const next: Array<{ path: string; listed: boolean }> = [];
    const re = /[*?]/.test(segment) ? globSegment(segment) : null;
    for (const { path } of paths) {
      if (!re) {
        next.push({ path: `${path}/${segment}`, listed: false });
        continue;
      }
      for (const e of reader.list(`${base}${path}`) ?? []) {
        if (e.isDirectory && re.test(e.name))
          next.push({ path: `${path}/${e.name}`, listed: true });
      }
    }
    paths = next;
  }
  return paths
    .filter((p) => p.path !== '' && (p.listed || reader.exists(`${base}${p.path}`)))
    .map((p) => p.path);
}

function globSegment(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}
