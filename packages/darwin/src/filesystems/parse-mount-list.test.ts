import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_MOUNT_LINE_CHARS,
  MAX_MOUNT_LIST_CHARS,
  MAX_MOUNTS,
  parseMountLine,
  parseMountList,
} from './parse-mount-list.js';
import { filesystemFixture } from './test-fixtures.js';

describe('parseMountList', () => {
  it('reads every line of the Apple Silicon layout, names with spaces and parentheses intact', () => {
    const mounts = parseMountList(filesystemFixture('mount_apple_silicon_sonoma.txt'));
    expect(mounts).toHaveLength(15);
    expect(mounts[0]).toEqual({
      device: '/dev/disk3s1s1',
      mountPoint: '/',
      fsType: 'apfs',
      options: ['sealed', 'local', 'read-only', 'journaled'],
      readOnly: true,
    });
    const byPoint = new Map(mounts.map((m) => [m.mountPoint, m]));
    expect(byPoint.get('/System/Volumes/Data/home')).toMatchObject({
      device: 'map auto_home',
      fsType: 'autofs',
      readOnly: false,
    });
    // A two-word flag stays one flag.
    expect(byPoint.get('/System/Volumes/Data')?.options).toEqual([
      'local',
      'journaled',
      'nobrowse',
      'protect',
      'root data',
    ]);
    // The mount point's own "(1)" is not taken for the flags.
    expect(byPoint.get('/Volumes/Untitled (1)')).toMatchObject({
      device: '/dev/disk7s1',
      fsType: 'apfs',
    });
    expect(byPoint.get('/Volumes/Untitled (1)')?.options.at(-1)).toBe('mounted by alice');
    expect(byPoint.get('/Volumes/Photo Library')).toMatchObject({
      device: '//alice@nas._smb._tcp.local/Photo%20Library',
      fsType: 'smbfs',
      options: ['nodev', 'nosuid', 'mounted by alice'],
    });
    expect(byPoint.get('/Volumes/backup')?.device).toBe('nas.local:/volume1/backup');
    expect(mounts.filter((m) => m.readOnly).map((m) => m.mountPoint)).toEqual([
      '/',
      '/Volumes/com.apple.TimeMachine.localsnapshots/Backups.backupdb/alice-mbp/2024-05-02-093015/Data',
    ]);
  });

  it('reads the pre-Catalina Intel layout (one APFS volume at /, HFS+ and FAT disks)', () => {
    const mounts = parseMountList(filesystemFixture('mount_intel_mojave.txt'));
    expect(mounts.map((m) => [m.device, m.mountPoint, m.fsType, m.readOnly])).toEqual([
      ['/dev/disk1s1', '/', 'apfs', false],
      ['devfs', '/dev', 'devfs', false],
      ['/dev/disk1s4', '/private/var/vm', 'apfs', false],
      ['map -hosts', '/net', 'autofs', false],
      ['map auto_home', '/home', 'autofs', false],
      ['/dev/disk2s2', '/Volumes/Backup HD', 'hfs', false],
      ['/dev/disk3s1', '/Volumes/NO NAME', 'msdos', false],
    ]);
  });

  it('reads a type with no flags, CRLF endings and a mount point holding " on "', () => {
    const text =
      'fdesc on /dev (fdesc)\r\n/dev/disk2s1 on /Volumes/Backup on Tuesday (hfs, local)\r\n';
    expect(parseMountList(text)).toEqual([
      { device: 'fdesc', mountPoint: '/dev', fsType: 'fdesc', options: [], readOnly: false },
      {
        device: '/dev/disk2s1',
        mountPoint: '/Volumes/Backup on Tuesday',
        fsType: 'hfs',
        options: ['local'],
        readOnly: false,
      },
    ]);
  });

  it('skips, without throwing, lines that are not mounts', () => {
    const text = [
      '',
      'mount: unable to read the mount table',
      '/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled',
      '/dev/disk3s5 on relative/path (apfs, local)',
      ' on / (apfs, local)',
      '/dev/disk3s5 /System/Volumes/Data (apfs, local)',
      '/dev/disk3s5 on /x (two words, local)',
      '/dev/disk3s5 on /x ()',
      '/dev/disk3s5 on /x (averyveryverylongtypename, local)',
      '/dev/disk3s5 on /ok (apfs, local, read-only)',
    ].join('\n');
    expect(parseMountList(text)).toEqual([
      {
        device: '/dev/disk3s5',
        mountPoint: '/ok',
        fsType: 'apfs',
        options: ['local', 'read-only'],
        readOnly: true,
      },
    ]);
  });

  it('read-only comes only from the read-only flag, not from a name that contains it', () => {
    expect(parseMountLine('/dev/disk4s1 on /Volumes/read-only (msdos, local)')?.readOnly).toBe(
      false,
    );
    expect(parseMountLine('/dev/disk4s1 on /Volumes/ro (msdos, local, read-only)')?.readOnly).toBe(
      true,
    );
  });

  it('bounds a hostile output: a giant line is skipped, the count is capped, a cut line is dropped', () => {
    const good = '/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)\n';
    const giant = `/dev/disk9s1 on /${'a'.repeat(1024 * 1024)} (apfs, local)\n`;
    expect(parseMountList(giant + good)).toHaveLength(1);
    // Past the size bound nothing more is read, however much follows.
    const flood = `${good}${'x'.repeat(MAX_MOUNT_LIST_CHARS)}\n${good}`;
    expect(parseMountList(flood)).toHaveLength(1);

    const many = Array.from(
      { length: MAX_MOUNTS + 500 },
      (_, i) => `/dev/disk${i}s1 on /v${i} (hfs)`,
    );
    const capped = parseMountList(many.join('\n'));
    expect(capped).toHaveLength(MAX_MOUNTS);
    expect(capped.at(-1)?.mountPoint).toBe(`/v${MAX_MOUNTS - 1}`);

    // A line over the per-line bound is skipped even when it would parse.
    const long = `/dev/disk1s1 on /${'b'.repeat(MAX_MOUNT_LINE_CHARS)} (apfs, local)`;
    expect(parseMountList(long)).toEqual([]);

    // The input is cut at its size bound; the line cut in two must not parse as a shorter one.
    const straddling = '/dev/disk5s1 on /Volumes/Untitled (1) (msdos, local)\n';
    const cutAt = '/dev/disk5s1 on /Volumes/Untitled (1)';
    const filler = `${'#'.repeat(MAX_MOUNT_LIST_CHARS - cutAt.length - 1)}\n`;
    expect((filler + straddling).slice(0, MAX_MOUNT_LIST_CHARS).endsWith(`\n${cutAt}`)).toBe(true);
    expect(parseMountLine(cutAt)).toMatchObject({ fsType: '1', mountPoint: '/Volumes/Untitled' });
    expect(parseMountList(filler + straddling)).toEqual([]);
  });

  it('never throws and returns only well-formed mounts, whatever the input', () => {
    const line = fc.oneof(
      fc.constantFrom(
        ...filesystemFixture('mount_apple_silicon_sonoma.txt').split('\n'),
        ...filesystemFixture('mount_intel_mojave.txt').split('\n'),
      ),
      fc.string({ maxLength: 80 }),
      fc
        .tuple(
          fc.string({ maxLength: 20 }),
          fc.string({ maxLength: 20 }),
          fc.string({ maxLength: 20 }),
        )
        .map(([a, b, c]) => `${a} on /${b} (${c})`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        for (const m of parseMountList(lines.join('\n'))) {
          expect(m.device.length).toBeGreaterThan(0);
          expect(m.mountPoint.startsWith('/')).toBe(true);
          expect(m.fsType).toMatch(/^[A-Za-z0-9_.-]{1,15}$/);
          expect(m.readOnly).toBe(m.options.includes('read-only'));
        }
      }),
    );
  });
});
