import { PerfError } from '@arcbox/perf-core';

/** One line of `/proc/<pid>/mountinfo` (proc(5)), paths unescaped. */
export interface MountinfoEntry {
  mountId: number;
  parentId: number;
  /** `major:minor` of the filesystem's device (`0:22` for tmpfs and other anonymous ones). */
  device: string;
  /** The directory of the filesystem mounted here: `/` unless this is a bind mount of a subtree. */
  root: string;
  mountPoint: string;
  /** Per-mount options (`rw,nosuid,relatime`). */
  mountOptions: string[];
  /** Propagation tags: `shared:1`, `master:2`, `propagate_from:3`, `unbindable`. */
  optionalFields: string[];
  fsType: string;
  /** The mounted source: `/dev/sda1`, `tmpfs`, `server:/export`. */
  source: string;
  /** Per-superblock options, shared by every mount of that filesystem. */
  superOptions: string[];
}

export interface ParseMountinfoOptions {
  /** Named in errors. */
  file?: string;
  /** Most mount lines accepted; more is refused, not cut short (a partial list misleads). */
  maxMounts?: number;
  /** Most characters accepted, checked before anything is split. */
  maxLength?: number;
}

/** Far above a Kubernetes node's few thousand mounts; a bound for hostile or runaway input. */
export const MOUNTINFO_MAX_MOUNTS = 100_000;
/** 100,000 lines of ~640 characters: room for long overlayfs option lists. */
export const MOUNTINFO_MAX_LENGTH = 64 * 2 ** 20;

/** The kernel escapes space, tab, newline and backslash in paths as `\ooo`. */
export function unescapeMountinfo(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([0-3][0-7]{2})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

const DEVICE = /^\d+:\d+$/;
const ID = /^\d+$/;

function parseLine(line: string): MountinfoEntry | null {
  const tokens = line.split(' ');
  const dash = tokens.indexOf('-', 6);
  if (dash < 0 || tokens.length < dash + 3) return null;
  const [id, parent, device, root, mountPoint, options] = tokens;
  const fsType = tokens[dash + 1];
  const source = tokens[dash + 2];
  if (id === undefined || parent === undefined || !ID.test(id) || !ID.test(parent)) return null;
  if (device === undefined || !DEVICE.test(device)) return null;
  if (root === undefined || mountPoint === undefined || options === undefined) return null;
  if (!mountPoint.startsWith('/') || !fsType || source === undefined) return null;
  return {
    mountId: Number(id),
    parentId: Number(parent),
    device,
    root: unescapeMountinfo(root),
    mountPoint: unescapeMountinfo(mountPoint),
    mountOptions: options.split(','),
    optionalFields: tokens.slice(6, dash).filter((t) => t !== ''),
    fsType: unescapeMountinfo(fsType),
    source: unescapeMountinfo(source),
    superOptions: (tokens[dash + 3] ?? '').split(',').filter((o) => o !== ''),
  };
}

/**
 * Parses mountinfo. Lines of another shape are skipped; input too long, or with no mount line
 * at all (not a mountinfo file), is a PARSE_ERROR.
 */
export function parseMountinfo(
  text: string,
  options: ParseMountinfoOptions = {},
): MountinfoEntry[] {
  const file = options.file ?? 'proc/self/mountinfo';
  const maxMounts = options.maxMounts ?? MOUNTINFO_MAX_MOUNTS;
  const maxLength = options.maxLength ?? MOUNTINFO_MAX_LENGTH;
  if (text.length > maxLength) {
    throw new PerfError('PARSE_ERROR', `mountinfo longer than ${maxLength} characters`, { file });
  }
  const entries: MountinfoEntry[] = [];
  let lines = 0;
  // Walked line by line rather than split, so a hostile input is refused before it is copied.
  for (let start = 0; start < text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line.trim() === '') continue;
    lines += 1;
    if (lines > maxMounts) {
      throw new PerfError('PARSE_ERROR', `mountinfo has more than ${maxMounts} lines`, {
        file,
        line: lines,
      });
    }
    const entry = parseLine(line);
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) {
    throw new PerfError('PARSE_ERROR', 'no mount line in mountinfo', { file });
  }
  return entries;
}
