import { describe, expect, it } from 'vitest';
import { apfsContainerOf } from './apfs-container.js';

describe('apfsContainerOf', () => {
  it('gives the container of an APFS volume and of the sealed system snapshot', () => {
    expect(apfsContainerOf('/dev/disk3s1s1', 'apfs')).toBe('disk3');
    expect(apfsContainerOf('/dev/disk3s5', 'apfs')).toBe('disk3');
    expect(apfsContainerOf('/dev/disk1s2', 'apfs')).toBe('disk1');
    expect(apfsContainerOf('/dev/disk12s3', 'apfs')).toBe('disk12');
  });

  it('is null for a partition of another filesystem: its space is its own', () => {
    expect(apfsContainerOf('/dev/disk2s2', 'hfs')).toBeNull();
    expect(apfsContainerOf('/dev/disk5s1', 'exfat')).toBeNull();
    expect(apfsContainerOf('//alice@nas/share', 'smbfs')).toBeNull();
  });

  it('is null for names of another shape rather than a guess', () => {
    expect(apfsContainerOf('/dev/disk3', 'apfs')).toBeNull();
    expect(apfsContainerOf('disk3s5', 'apfs')).toBeNull();
    expect(apfsContainerOf('/dev/disk3s5x', 'apfs')).toBeNull();
    expect(apfsContainerOf('/dev/disk3s1s1s1', 'apfs')).toBeNull();
    expect(apfsContainerOf('snap@/dev/disk3s5', 'apfs')).toBeNull();
  });
});
