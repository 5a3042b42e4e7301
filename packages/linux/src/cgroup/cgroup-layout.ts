import { PerfError } from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';

/** One mounted cgroup hierarchy, as found in mountinfo. */
export interface CgroupMount {
  /** Mount point relative to the reader's root (`sys/fs/cgroup/memory`). */
  mountPoint: string;
  /** The hierarchy path seen at the mount point (`/`, or `/docker/<id>` inside a container). */
  mountRoot: string;
  /** v1 controllers of the hierarchy (`cpu`, `cpuacct`), empty for cgroup2. */
  controllers: string[];
  version: 1 | 2;
}

/**
 * How cgroups are mounted: `v1` when any v1 controller hierarchy is mounted (a cgroup2 mount
 * next to it, as on this machine's /sys/fs/cgroup/unified, is kept as `unified`), `v2` when only
 * cgroup2 is, `none` when there are no cgroups (not an error: no containers to read).
 */
export interface CgroupLayout {
  version: 1 | 2 | 'none';
  /** v1 hierarchies by controller name. */
  v1: Map<string, CgroupMount>;
  unified: CgroupMount | null;
  mounts: CgroupMount[];
}

const unescapeMount = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/**
 * Parses cgroup and cgroup2 lines of /proc/self/mountinfo. Lines of another shape are skipped.
 * Mount points are made relative to the reader root; a recorded tree whose mount points were
 * rewritten (`testdata/docker/sys/fs/cgroup/cpu`) is mapped back to its `sys/fs/cgroup/...` part.
 */
export function parseCgroupMounts(
  text: string,
  exists: (path: string) => boolean = () => true,
): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    const fstype = right[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const root = left[3];
    const point = left[4];
    if (root === undefined || point === undefined) continue;
    const mountPoint = relativeMountPoint(unescapeMount(point), exists);
    if (mountPoint === null) continue;
    const version = fstype === 'cgroup2' ? 2 : 1;
    const options = (right[2] ?? '').split(',');
    const controllers = version === 2 ? [] : options.filter((o) => knownV1Controllers.has(o));
    mounts.push({ mountPoint, mountRoot: unescapeMount(root), controllers, version });
  }
  return mounts;
}

const knownV1Controllers = new Set([
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'blkio',
  'pids',
  'devices',
  'freezer',
  'net_cls',
  'net_prio',
  'perf_event',
  'hugetlb',
  'rdma',
  'misc',
]);

function relativeMountPoint(point: string, exists: (path: string) => boolean): string | null {
  const rel = point.replace(/^\/+/, '').replace(/\/+$/, '');
  if (exists(rel)) return rel;
  const at = rel.indexOf('sys/fs/cgroup');
  if (at > 0 && exists(rel.slice(at))) return rel.slice(at);
  return null;
}

/** Reads `proc/self/mountinfo` through the reader and works out the cgroup layout. */
export function detectCgroupLayout(reader: FileReader): CgroupLayout {
  const text = reader.read('proc/self/mountinfo');
  if (text === null) {
    throw new PerfError('MISSING_FILE', 'no mountinfo: cannot find the cgroup hierarchies', {
      file: 'proc/self/mountinfo',
    });
  }
  return layoutFromMounts(parseCgroupMounts(text, (p) => reader.exists(p)));
}

export function layoutFromMounts(mounts: CgroupMount[]): CgroupLayout {
  const v1 = new Map<string, CgroupMount>();
  let unified: CgroupMount | null = null;
  for (const m of mounts) {
    if (m.version === 2) unified ??= m;
    else for (const c of m.controllers) if (!v1.has(c)) v1.set(c, m);
  }
  const version = v1.size > 0 ? 1 : unified ? 2 : 'none';
  return { version, v1, unified, mounts };
}
