import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FileReader } from '../fs/file-reader.js';

/**
 * Inode of the listening unix socket bound to `path`, from `/proc/net/unix`
 * (`Num RefCount Protocol Flags Type St Inode Path`). Flags 00010000 is __SO_ACCEPTCON (listening).
 * Lines it cannot read are skipped.
 */
export function findUnixSocketInode(procNetUnix: string, path: string): number | null {
  let fallback: number | null = null;
  for (const line of procNetUnix.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8 || fields.slice(7).join(' ') !== path) continue;
    const inode = Number(fields[6]);
    if (!Number.isInteger(inode)) continue;
    if ((Number.parseInt(fields[3] ?? '0', 16) & 0x10000) !== 0) return inode;
    fallback ??= inode;
  }
  return fallback;
}

/**
 * The pid of the process holding the unix socket bound to `socketPath`: its inode from
 * `proc/net/unix`, then the process whose `proc/<pid>/fd/*` links to `socket:[inode]`. For when
 * the socket's peer credentials (SO_PEERCRED, which Node does not expose) are not at hand.
 * Only sees processes in this pid namespace; the fd links are read from the reader's root directly
 * (a FileReader reads files, not links), so this part does not replay from a recording.
 */
export function findSocketHolder(
  reader: FileReader,
  socketPath: string,
  selfPid = process.pid,
): number | null {
  const table = reader.read('proc/net/unix');
  if (table === null) return null;
  const inode = findUnixSocketInode(table, socketPath);
  if (inode === null) return null;
  const wanted = `socket:[${inode}]`;
  for (const entry of reader.list('proc') ?? []) {
    if (!entry.isDirectory || !/^\d+$/.test(entry.name) || Number(entry.name) === selfPid) continue;
    const fdDir = join('proc', entry.name, 'fd');
    let fds: string[];
    try {
      fds = (reader.list(fdDir) ?? []).map((e) => e.name);
    } catch {
      continue; // another user's process, or gone meanwhile
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(join(reader.root, fdDir, fd)) === wanted) return Number(entry.name);
      } catch {
        // closed between the listing and the readlink
      }
    }
  }
  return null;
}
