import type { MountinfoEntry } from './parse-mountinfo.js';

/** Kernel-internal filesystems with no space to report (SEMANTICS.md, Filesystems). */
export const PSEUDO_FS_TYPES: ReadonlySet<string> = new Set([
  'proc',
  'sysfs',
  'cgroup',
  'cgroup2',
  'devpts',
  'mqueue',
  'debugfs',
  'tracefs',
  'securityfs',
  'pstore',
  'bpf',
  'configfs',
  'fusectl',
  'binfmt_misc',
  'autofs',
  'hugetlbfs',
  'nsfs',
  'rpc_pipefs',
  'selinuxfs',
  'squashfs',
]);

/**
 * Trees the container runtimes fill with their own mounts (image layers, pod volumes, network
 * namespaces): counted through the filesystem that holds them. A mount AT one of these paths
 * (a disk for /var/lib/docker) is kept; only mounts below are skipped.
 */
export const RUNTIME_MOUNT_TREES: readonly string[] = [
  '/var/lib/docker/',
  '/var/lib/containers/',
  '/run/containerd/',
  '/var/lib/kubelet/pods/',
  '/run/netns/',
];

const isPseudo = (m: MountinfoEntry) => PSEUDO_FS_TYPES.has(m.fsType);
const inRuntimeTree = (m: MountinfoEntry) =>
  RUNTIME_MOUNT_TREES.some((tree) => m.mountPoint.startsWith(tree));

/**
 * The mounts worth a statfs, in mountinfo order: no pseudo filesystems, nothing in the runtimes'
 * trees, one entry per filesystem subtree (bind mounts of the same device and root collapse to
 * the shortest mount point), and only the top mount where one was mounted over another: statfs
 * of the path reaches only that one, and readings are keyed by mount point.
 */
export function selectMounts(entries: readonly MountinfoEntry[]): MountinfoEntry[] {
  // A later mount at the same path covers the earlier one (mountinfo lists in mount order).
  const top = new Map<string, MountinfoEntry>();
  for (const m of entries) top.set(m.mountPoint, m);
  const visible = entries.filter(
    (m) => top.get(m.mountPoint) === m && !isPseudo(m) && !inRuntimeTree(m),
  );
  const shortest = new Map<string, MountinfoEntry>();
  for (const m of visible) {
    const key = `${m.device}\u0000${m.root}`;
    const seen = shortest.get(key);
    if (seen === undefined || m.mountPoint.length < seen.mountPoint.length) shortest.set(key, m);
  }
  const chosen = new Set(shortest.values());
  return visible.filter((m) => chosen.has(m));
}

/** Read-only as this mount is: its own options, not the superblock's (a bind can be ro alone). */
export function isReadOnlyMount(m: MountinfoEntry): boolean {
  return m.mountOptions.includes('ro');
}
