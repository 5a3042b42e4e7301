import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../host/fixtures.test-support.js';
import { parseMountinfo, unescapeMountinfo } from './parse-mountinfo.js';

// The example line of proc(5).
const PROC5 = '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue';

const kernelEscape = (path: string) =>
  path.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

describe('parseMountinfo', () => {
  it('reads every field of the proc(5) example', () => {
    expect(parseMountinfo(PROC5)).toEqual([
      {
        mountId: 36,
        parentId: 35,
        device: '98:0',
        root: '/mnt1',
        mountPoint: '/mnt2',
        mountOptions: ['rw', 'noatime'],
        optionalFields: ['master:1'],
        fsType: 'ext3',
        source: '/dev/root',
        superOptions: ['rw', 'errors=continue'],
      },
    ]);
  });

  it('takes zero or several optional fields, and fs types with a subtype', () => {
    const text = [
      '21 1 0:20 / /proc rw,relatime - proc proc rw',
      '90 21 0:50 / /mnt/s rw shared:4 master:2 propagate_from:1 unbindable - fuse.sshfs u@h:/x rw',
    ].join('\n');
    const [none, many] = parseMountinfo(text);
    expect(none?.optionalFields).toEqual([]);
    expect(many?.optionalFields).toEqual([
      'shared:4',
      'master:2',
      'propagate_from:1',
      'unbindable',
    ]);
    expect(many).toMatchObject({ fsType: 'fuse.sshfs', source: 'u@h:/x', mountPoint: '/mnt/s' });
  });

  it('unescapes space, tab, newline and backslash in root, mount point and source', () => {
    const [m] = parseMountinfo(
      '50 26 0:44 /a\\040b /mnt/x\\011y\\012z /dev/odd\\134name rw - tmpfs my\\040src rw',
    );
    expect(m).toMatchObject({
      root: '/a b',
      mountPoint: '/mnt/x\ty\nz',
      source: 'my src',
    });
    expect(m?.root).toBe('/a b');
  });

  it('skips odd lines and keeps the good ones around them', () => {
    const text = [
      'garbage',
      '',
      '37 35 98:0 / /no-separator rw master:1 ext3 /dev/root rw',
      'x 35 98:0 / /bad-id rw - ext3 /dev/root rw',
      '38 35 98 / /bad-device rw - ext3 /dev/root rw',
      '39 35 98:0 / relative rw - ext3 /dev/root rw',
      '40 35 98:0 / /no-source rw - ext3',
      PROC5,
      '41 35 8:1 / /boot rw - ext4 /dev/sda1\r',
    ].join('\n');
    expect(parseMountinfo(text).map((m) => m.mountPoint)).toEqual(['/mnt2', '/boot']);
  });

  it('takes a line without super options (old kernels) with none', () => {
    expect(parseMountinfo('36 35 98:0 / /x rw - ext3 /dev/root')[0]?.superOptions).toEqual([]);
  });

  it('refuses input with no mount line at all, naming the file', () => {
    for (const text of ['', '\n\n', 'not a mountinfo\nat all\n', '\u0000\u0001\u0002']) {
      expect(
        thrown(() => parseMountinfo(text, { file: '/host/proc/self/mountinfo' })),
      ).toMatchObject({ code: 'PARSE_ERROR', file: '/host/proc/self/mountinfo' });
    }
  });

  it('refuses 100,001 mount lines, and a 65 MiB input before splitting it', () => {
    const line = '36 35 98:0 / /m rw - ext3 /dev/root rw\n';
    expect(thrown(() => parseMountinfo(line.repeat(100_001)))).toMatchObject({
      code: 'PARSE_ERROR',
      line: 100_001,
    });
    expect(parseMountinfo(line.repeat(100_000))).toHaveLength(100_000);

    const huge = `36 35 98:0 / /m ${'o,'.repeat(33 * 2 ** 20)} - ext3 /dev/root rw`;
    // Refused on its length alone, before any scan of it.
    expect(thrown(() => parseMountinfo(huge)).message).toMatch(/longer than \d+ characters/);
  });

  it('takes smaller bounds when asked', () => {
    const text = `${PROC5}\n${PROC5}\n${PROC5}\n`;
    expect(thrown(() => parseMountinfo(text, { maxMounts: 2 })).line).toBe(3);
    expect(thrown(() => parseMountinfo(text, { maxLength: 20 })).code).toBe('PARSE_ERROR');
  });

  it('gives back any path the kernel escaped (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (name) => {
        const point = `/mnt/${name}`;
        const [m] = parseMountinfo(`60 1 0:70 / ${kernelEscape(point)} rw - tmpfs tmpfs rw`);
        expect(m?.mountPoint).toBe(point);
      }),
    );
  });
});

describe('unescapeMountinfo', () => {
  it('leaves text without escapes, and backslashes not followed by an octal byte, alone', () => {
    expect(unescapeMountinfo('/plain')).toBe('/plain');
    expect(unescapeMountinfo('/a\\9x\\')).toBe('/a\\9x\\');
  });
});
