import type { SourceProblem } from './reading.js';

/** One mounted filesystem: every figure is a reading, not a counter (no rates). */
export interface FilesystemMetrics {
  /** The mount point: a filesystem's identity for as long as it is mounted there. */
  id: string;
  name: string;
  mountPoint: string;
  device: string;
  fsType: string;
  readOnly: boolean;
  sharedSpace: string | null;
  labels: Record<string, string>;
  timestamp: number;
  monotonicMs: number;

  sizeBytes: number | null;
  /** size - free, as df counts it (reserved blocks are used). */
  usedBytes: number | null;
  freeBytes: number | null;
  availableBytes: number | null;
  /** used / (used + available) x 100, as df computes Use%. */
  usedPercent: number | null;
  inodesTotal: number | null;
  inodesUsed: number | null;
  inodesFree: number | null;
  inodesUsedPercent: number | null;
  problems: SourceProblem[];
}
