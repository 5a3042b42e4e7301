/** One line of macOS `mount` (no arguments): a mounted filesystem as getmntinfo(3) lists it. */
export interface DarwinMount {
  /** f_mntfromname: `/dev/disk3s5`, `map auto_home`, `//alice@nas/share`, `host:/export`. */
  device: string;
  /** f_mntonname; may hold spaces and parentheses (`/Volumes/Untitled (1)`). */
  mountPoint: string;
  /** f_fstypename: `apfs`, `hfs`, `exfat`, `smbfs`, `devfs`, `autofs`... */
  fsType: string;
  /** The flags mount printed, in its order: `local`, `read-only`, `nobrowse`, `mounted by alice`. */
  options: string[];
  /** MNT_RDONLY, which mount prints as `read-only`. */
  readOnly: boolean;
}

/**
 * Bounds on what one `mount` output may cost. A real line is at most two MAXPATHLEN (1024) names
 * plus a 15-character type and the flags; a Mac with thousands of mounts is already unusual.
 */
export const MAX_MOUNT_LIST_CHARS = 2 * 1024 * 1024;
export const MAX_MOUNT_LINE_CHARS = 4096;
export const MAX_MOUNTS = 4096;

// MFSNAMELEN is 15: a type is one short word (`apfs`, `msdos`, `macfuse`, `com.foo.fs`).
const fsTypePattern = /^[A-Za-z0-9_.-]{1,15}$/;

/**
 * Parses what macOS `mount` prints with no arguments, one line per mount, as mount.c's
 * `prmount` writes it: `<device> on <mount point> (<type>[, <flag>]...[, mounted by <user>])`.
 * Lines it cannot read (blank, cut short, another layout) are skipped, never thrown on. At most
 * `MAX_MOUNT_LIST_CHARS` of input and `MAX_MOUNTS` mounts are read; longer lines are skipped.
 */
export function parseMountList(text: string): DarwinMount[] {
  let input = text;
  if (input.length > MAX_MOUNT_LIST_CHARS) {
    // Cut at the last whole line: a line cut short could still parse, with a wrong type.
    input = input.slice(0, MAX_MOUNT_LIST_CHARS);
    input = input.slice(0, input.lastIndexOf('\n') + 1);
  }
  const mounts: DarwinMount[] = [];
  let start = 0;
  while (start < input.length && mounts.length < MAX_MOUNTS) {
    let end = input.indexOf('\n', start);
    if (end < 0) end = input.length;
    if (end - start <= MAX_MOUNT_LINE_CHARS) {
      const mount = parseMountLine(input.slice(start, end));
      if (mount) mounts.push(mount);
    }
    start = end + 1;
  }
  return mounts;
}

/** One `mount` line, or null when it is not one. */
export function parseMountLine(raw: string): DarwinMount | null {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (!line.endsWith(')')) return null;
  // The flags never hold a parenthesis, while a mount point may: the last ` (` opens the flags.
  const open = line.lastIndexOf(' (');
  if (open < 0) return null;
  const head = line.slice(0, open);
  // Device names from /dev, automount maps and URL-encoded shares hold no ` on `; a volume
  // name may (`/Volumes/Backup on Tuesday`), so the first one separates them.
  const on = head.indexOf(' on ');
  if (on < 1) return null;
  const device = head.slice(0, on);
  const mountPoint = head.slice(on + 4);
  if (!mountPoint.startsWith('/')) return null;
  const [fsType, ...rest] = line.slice(open + 2, -1).split(', ');
  if (fsType === undefined || !fsTypePattern.test(fsType)) return null;
  const options = rest.map((o) => o.trim()).filter((o) => o !== '');
  return { device, mountPoint, fsType, options, readOnly: options.includes('read-only') };
}
