// The byte scanners against the plain parsers: where a scanner answers, it answers what the
// text path does; and readCgroupStats gives the same reading through a reader with the byte
// path and through one without it (a spread copy), on a constructed v1 tree (plain files in the
// kernel's formats, written by the test).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { layoutFromMounts } from './cgroup-layout.js';
import { parseCgroupCount, parseFlatKeyed } from './parse-cgroup-values.js';
import { readCgroupStats } from './read-cgroup-stats.js';
import { NO_KEY, scanCountBytes, scanKeyedBytes } from './scan-cgroup-bytes.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const plainCount = (text: string) => {
  try {
    return parseCgroupCount(text, 'f');
  } catch {
    return 'error';
  }
};
const value = fc.oneof(
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
  fc.constantFrom('-1', '-0', '007', '1.5', '', ' 5', '5 ', '5\t', '1e3', 'max', '９'),
  fc.string({ maxLength: 4 }),
);
const line = fc.oneof(
  fc.tuple(fc.constantFrom('oom_kill', 'under_oom', 'oom_kill_disable', 'oom'), value),
  fc.tuple(fc.string({ maxLength: 6 }), value),
);
const keyed = fc
  .tuple(
    fc.array(line, { maxLength: 5 }),
    fc.constantFrom(' ', '  ', '\t'),
    fc.constantFrom('\n', '\r\n', '\n\n'),
  )
  .map(([lines, space, nl]) => lines.map(([k, v]) => `${k}${space}${v}`).join(nl));

describe('scanCountBytes', () => {
  it('answers what parseCgroupCount gives, or declines', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          value,
          value.map((v) => `${v}\n`),
        ),
        (text) => {
          const fast = scanCountBytes(bytes(text), bytes(text).length);
          if (fast !== undefined) expect(fast).toBe(plainCount(text));
        },
      ),
      { numRuns: 3000 },
    );
    expect(scanCountBytes(bytes('15849\n'), 6)).toBe(15849);
    expect(scanCountBytes(bytes('0\n'), 2)).toBe(0);
    expect(scanCountBytes(bytes('-1\n'), 3)).toBeUndefined();
    expect(scanCountBytes(bytes('1234567890123456\n'), 17)).toBeUndefined();
  });
});

describe('scanKeyedBytes', () => {
  const key = bytes('oom_kill ');
  it('answers what parseFlatKeyed gives for the key, or declines', () => {
    fc.assert(
      fc.property(keyed, (text) => {
        const b = bytes(text);
        const fast = scanKeyedBytes(b, b.length, key);
        if (fast !== undefined) expect(fast).toBe(parseFlatKeyed(text).get('oom_kill') ?? NO_KEY);
      }),
      { numRuns: 3000 },
    );
    const oom = bytes('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    expect(scanKeyedBytes(oom, oom.length, key)).toBe(3);
    const old = bytes('oom_kill_disable 0\nunder_oom 0\n');
    expect(scanKeyedBytes(old, old.length, key)).toBe(NO_KEY);
    const tab = bytes('oom_kill\t3\n');
    expect(scanKeyedBytes(tab, tab.length, key)).toBeUndefined();
  });
});

describe('readCgroupStats with and without the byte path', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the same figures either way, canonical or odd content, files present or not', () => {
    const controllers = ['cpuacct', 'cpu', 'memory', 'blkio', 'pids'];
    const layout = layoutFromMounts(
      controllers.map((c) => ({
        mountPoint: `sys/fs/cgroup/${c}`,
        mountRoot: '/',
        controllers: [c],
        version: 1 as const,
      })),
    );
    // memory.oom_control, memory.failcnt, then one text for cpuacct.usage, memory.usage_in_bytes
    // and pids.current; null leaves those three files out.
    const cases: Array<[string, string, string | null]> = [
      ['oom_kill_disable 0\nunder_oom 0\noom_kill 2\n', '17\n', '5000000000\n'],
      ['oom_kill_disable 0\nunder_oom 0\n', '0\n', '0\n'],
      ['oom_kill_disable 0\nunder_oom\t0\noom_kill 4\n', ' 9 \n', ' 12 \n'],
      ['oom_kill -3\n', '-1\n', '-1\n'],
      ['oom_kill 99999999999999999999\n', '9007199254740993\n', '18446744073709551615\n'],
      ['garbage', 'x\n', 'x\n'],
      ['oom_kill 1\n', '1\n', '1234567890123456789\n'],
      ['oom_kill 1\n', '1\n', null],
    ];
    for (const [oom, failcnt, one] of cases) {
      const dir = mkdtempSync(join(tmpdir(), 'arcbox-bytes-'));
      dirs.push(dir);
      for (const c of controllers)
        mkdirSync(join(dir, 'sys/fs/cgroup', c, 'box'), { recursive: true });
      const write = (c: string, f: string, t: string) =>
        writeFileSync(join(dir, 'sys/fs/cgroup', c, 'box', f), t);
      if (one !== null) {
        write('cpuacct', 'cpuacct.usage', one);
        write('memory', 'memory.usage_in_bytes', one);
        write('pids', 'pids.current', one);
      }
      write('memory', 'memory.stat', 'total_inactive_file 1048576\n');
      write('memory', 'memory.limit_in_bytes', '67108864\n');
      write('memory', 'memory.oom_control', oom);
      write('memory', 'memory.failcnt', failcnt);
      const fast = createFileReader({ root: dir });
      expect(fast.readWith).toBeTypeOf('function');
      const plain: FileReader = { ...fast };
      expect(plain.readWith).toBeUndefined();
      const a = readCgroupStats(fast, layout, '/box');
      const b = readCgroupStats(plain, layout, '/box');
      expect(a).toEqual(b);
      fast.close();
    }
  });
});
