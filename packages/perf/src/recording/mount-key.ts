import { relative } from 'node:path';

/**
 * The mount point a Linux statfs was asked about: the filesystem collector joins mount points to
 * its root (`/host` + `/data`), statfs.json keys them by mount point (`/data`), so a replay
 * under the same recorded root asks the same keys.
 */
export function mountKey(root: string, path: string): string {
  return `/${relative(root, path)}`;
}
