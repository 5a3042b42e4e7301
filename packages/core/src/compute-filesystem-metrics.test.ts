import { describe, expect, it } from 'vitest';
import { computeFilesystemMetrics } from './compute-filesystem-metrics.js';
import type { FilesystemReading } from './filesystem-reading.js';

const reading = (extra: Partial<FilesystemReading> = {}): FilesystemReading => ({
  monotonicMs: 1000,
  time: Date.UTC(2026, 11, 5),
  mountPoint: '/',
  device: '/dev/vda1',
  fsType: 'ext4',
  readOnly: false,
  // 100 blocks of 4 KiB, 30 free of which 25 available to users (5 reserved for root).
  sizeBytes: 100 * 4096,
  freeBytes: 30 * 4096,
  availableBytes: 25 * 4096,
  inodesTotal: 1000,
  inodesFree: 400,
  sharedSpace: null,
  problems: [],
  ...extra,
});

describe('computeFilesystemMetrics', () => {
  it('counts used as df does: size - free, and Use% against used + available', () => {
    const m = computeFilesystemMetrics(null, reading());
    expect(m.usedBytes).toBe(70 * 4096);
    expect(m.usedPercent).toBeCloseTo((100 * 70) / 95, 10);
    expect(m.inodesUsed).toBe(600);
    expect(m.inodesUsedPercent).toBe(60);
    expect(m.labels).toEqual({ device: '/dev/vda1', fstype: 'ext4' });
  });

  it('gives null, not 0, where statfs gave nothing or the filesystem has no inode count', () => {
    const stuck = computeFilesystemMetrics(
      null,
      reading({ sizeBytes: null, freeBytes: null, availableBytes: null }),
    );
    expect([stuck.usedBytes, stuck.usedPercent, stuck.sizeBytes]).toEqual([null, null, null]);
    const btrfs = computeFilesystemMetrics(null, reading({ inodesTotal: 0, inodesFree: 0 }));
    expect([btrfs.inodesTotal, btrfs.inodesUsed, btrfs.inodesUsedPercent]).toEqual([
      null,
      null,
      null,
    ]);
  });
});
