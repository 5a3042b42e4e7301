import { statfs as nodeStatfs } from 'node:fs/promises';

/**
 * What statfs(2) returns, in `fs.statfs(path, { bigint: true })`'s shape. `bsize` is f_bsize
 * (libuv copies that field); `frsize`, f_frsize, is there only from Node 24 on.
 */
export interface StatfsResult {
  bsize: bigint;
  frsize?: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
}

export type Statfs = (path: string) => Promise<StatfsResult>;

/**
 * BigInt: block counts are 64-bit, and a product past 2^53 bytes (8 PiB: Lustre, CephFS, or a
 * FUSE server answering "unlimited") would be rounded twice as numbers; here once, at the end.
 */
export const defaultStatfs: Statfs = (path) => nodeStatfs(path, { bigint: true });

export interface StatfsFigures {
  sizeBytes: number;
  freeBytes: number;
  availableBytes: number;
  inodesTotal: number | null;
  inodesFree: number | null;
}

/**
 * Counts are in f_frsize units. Linux fills f_frsize with f_bsize unless the filesystem sets
 * both; only FUSE servers tend to make them differ, and before Node 24 f_bsize is all there is.
 */
export function statfsFigures(s: StatfsResult): StatfsFigures {
  const unit = s.frsize !== undefined && s.frsize > 0n ? s.frsize : s.bsize;
  const inodes = s.files > 0n;
  return {
    sizeBytes: Number(s.blocks * unit),
    freeBytes: Number(s.bfree * unit),
    availableBytes: Number(s.bavail * unit),
    inodesTotal: inodes ? Number(s.files) : null,
    inodesFree: inodes ? Number(s.ffree) : null,
  };
}
