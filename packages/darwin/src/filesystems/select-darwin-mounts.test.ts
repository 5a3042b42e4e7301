import { describe, expect, it } from 'vitest';
import { parseMountList } from './parse-mount-list.js';
import { selectDarwinMounts } from './select-darwin-mounts.js';
import { filesystemFixture } from './test-fixtures.js';

const select = (text: string) => selectDarwinMounts(parseMountList(text));

describe('selectDarwinMounts', () => {
  it('keeps volumes with storage, nobrowse ones included; drops devfs, autofs and snapshot mounts', () => {
    const kept = select(filesystemFixture('mount_apple_silicon_sonoma.txt'));
    expect(kept.map((m) => m.mountPoint)).toEqual([
      '/',
      '/System/Volumes/VM',
      '/System/Volumes/Preboot',
      '/System/Volumes/Update',
      '/System/Volumes/xarts',
      '/System/Volumes/iSCPreboot',
      '/System/Volumes/Hardware',
      '/System/Volumes/Data',
      '/Volumes/My Passport',
      '/Volumes/Untitled (1)',
      '/Volumes/Photo Library',
      '/Volumes/backup',
    ]);
  });

  it('drops both automount maps of the older layout and keeps HFS+ and FAT disks', () => {
    expect(select(filesystemFixture('mount_intel_mojave.txt')).map((m) => m.mountPoint)).toEqual([
      '/',
      '/private/var/vm',
      '/Volumes/Backup HD',
      '/Volumes/NO NAME',
    ]);
  });

  it('drops the fdesc and volfs pseudo filesystems of older releases', () => {
    const text = [
      '/dev/disk0s2 on / (hfs, local, journaled)',
      'devfs on /dev (devfs, local)',
      'fdesc on /dev (fdesc, union)',
      '<volfs> on /.vol (volfs)',
    ].join('\n');
    expect(select(text).map((m) => m.device)).toEqual(['/dev/disk0s2']);
  });

  it('keeps the later of two mounts on one mount point: it hides the earlier one', () => {
    const text = [
      '/dev/disk4s1 on /Volumes/Stick (msdos, local)',
      '/dev/disk3s5 on /System/Volumes/Data (apfs, local)',
      '/dev/disk6s1 on /Volumes/Stick (exfat, local)',
    ].join('\n');
    expect(select(text).map((m) => [m.device, m.mountPoint])).toEqual([
      ['/dev/disk3s5', '/System/Volumes/Data'],
      ['/dev/disk6s1', '/Volumes/Stick'],
    ]);
  });

  it('keeps one mount of a /dev device mounted twice: the shortest mount point', () => {
    const text = [
      '/dev/disk4s1 on /Volumes/Stick/inner (msdos, local)',
      '/dev/disk4s1 on /Volumes/Stick (msdos, local)',
      '//alice@nas/share on /Volumes/share (smbfs, nodev)',
      '//alice@nas/share on /Users/alice/share (smbfs, nodev)',
    ].join('\n');
    // Shares are not /dev devices: two mounts of one share are two filesystems to the kernel.
    expect(select(text).map((m) => m.mountPoint)).toEqual([
      '/Volumes/Stick',
      '/Volumes/share',
      '/Users/alice/share',
    ]);
  });
});
