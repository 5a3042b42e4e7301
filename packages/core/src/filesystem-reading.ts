import type { ReadingStamp, SourceProblem } from './reading.js';

/** One mounted filesystem as statfs saw it (see SEMANTICS.md, Filesystems). */
export interface FilesystemReading extends ReadingStamp {
  mountPoint: string;
  /** The mounted source: `/dev/sda1`, `tmpfs`, `server:/export`. */
  device: string;
  fsType: string;
  readOnly: boolean;
  /** f_blocks x f_frsize; null when statfs failed or did not return in time. */
  sizeBytes: number | null;
  /** f_bfree x f_frsize. */
  freeBytes: number | null;
  /** f_bavail x f_frsize: what an unprivileged user can still write. */
  availableBytes: number | null;
  /** f_files; null where the filesystem reports none (btrfs, some network filesystems). */
  inodesTotal: number | null;
  inodesFree: number | null;
  /**
   * Volumes that share one pool of free space (an APFS container on macOS): the pool's id.
   * Each volume's own used bytes are its own; the pool's size is counted once in any total.
   */
  sharedSpace: string | null;
  problems: SourceProblem[];
}
