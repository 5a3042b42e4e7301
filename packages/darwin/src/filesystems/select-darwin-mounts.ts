import type { DarwinMount } from './parse-mount-list.js';

/**
 * Types with no storage of their own: devfs (/dev), autofs (automount triggers such as
 * `map auto_home`; what they mount shows up as its own line), and the fdesc and volfs of older
 * releases. node_exporter's macOS defaults drop devfs; SEMANTICS' Linux list drops autofs.
 */
export const DARWIN_PSEUDO_FS_TYPES: ReadonlySet<string> = new Set([
  'devfs',
  'autofs',
  'fdesc',
  'volfs',
]);

/**
 * The mounts whose space is worth reporting, in `mount` order. Kept: every mount with storage,
 * `nobrowse` ones included, since the Data volume where users' files live is `nobrowse` and
 * Apple's df lists them all (macOS has no MNT_IGNORE). Dropped: pseudo types, APFS snapshot
 * mounts (`<snapshot>@/dev/diskN...`, e.g. Time Machine's local snapshots: read-only views of a
 * volume that come and go during a backup), a mount point listed again (the later mount hides
 * the earlier one, and statfs sees the later), and a `/dev` device mounted again elsewhere (the
 * shortest mount point stays, as for bind mounts on Linux).
 */
export function selectDarwinMounts(mounts: readonly DarwinMount[]): DarwinMount[] {
  const real = mounts.filter((m) => !DARWIN_PSEUDO_FS_TYPES.has(m.fsType) && !isSnapshot(m));

  const lastAt = new Map<string, number>();
  real.forEach((m, i) => {
    lastAt.set(m.mountPoint, i);
  });
  const visible = real.filter((m, i) => lastAt.get(m.mountPoint) === i);

  const keptFor = new Map<string, DarwinMount>();
  for (const m of visible) {
    if (!m.device.startsWith('/dev/')) continue;
    const kept = keptFor.get(m.device);
    if (kept === undefined || m.mountPoint.length < kept.mountPoint.length)
      keptFor.set(m.device, m);
  }
  return visible.filter((m) => !m.device.startsWith('/dev/') || keptFor.get(m.device) === m);
}

function isSnapshot(m: DarwinMount): boolean {
  return m.device.includes('@/dev/');
}
