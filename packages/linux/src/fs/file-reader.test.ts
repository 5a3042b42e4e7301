import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createDescriptorBudget } from './descriptor-budget.js';
import { createFileReader } from './file-reader.js';
import { createRecordingReader } from './recording-reader.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-fs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('createFileReader', () => {
  it('reads fresh kernel data through a kept descriptor on every call', () => {
    const reader = createFileReader();
    const first = reader.read('proc/self/stat');
    const uptime1 = Number(reader.read('proc/uptime')?.split(' ')[0]);
    const spin = Date.now() + 30;
    while (Date.now() < spin) {
      // let the kernel's counters move
    }
    const uptime2 = Number(reader.read('proc/uptime')?.split(' ')[0]);
    expect(first).toMatch(/^\d+ \(/);
    expect(uptime2).toBeGreaterThan(uptime1);
    reader.close();
  });

  it('reads a file larger than its first buffer whole', () => {
    const root = tempDir();
    const big = 'x'.repeat(200_000);
    writeFileSync(join(root, 'big'), big);
    const reader = createFileReader({ root, keepOpen: false });
    expect(reader.read('big')).toBe(big);
  });

  it('returns null for a file that does not exist, and lists directories', () => {
    const root = tempDir();
    mkdirSync(join(root, 'a/b'), { recursive: true });
    writeFileSync(join(root, 'a/f'), '1');
    const reader = createFileReader({ root });
    expect(reader.read('nope')).toBeNull();
    expect(reader.exists('a/b')).toBe(true);
    expect(reader.exists('a/c')).toBe(false);
    expect(reader.list('a')?.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'b', isDirectory: true },
      { name: 'f', isDirectory: false },
    ]);
    expect(reader.list('missing')).toBeNull();
  });

  it('throws a PerfError naming the file when it cannot be read', () => {
    const root = tempDir();
    mkdirSync(join(root, 'adir'));
    const reader = createFileReader({ root });
    expect(() => reader.read('adir')).toThrow(
      expect.objectContaining({ code: 'READ_ERROR', file: join(root, 'adir') }),
    );
  });
});

describe('createFileReader descriptor budget', () => {
  const openFds = () => readdirSync('/proc/self/fd').length;
  const files = (n: number) => {
    const root = tempDir();
    for (let i = 0; i < n; i++) writeFileSync(join(root, `f${i}`), String(i));
    return root;
  };

  it('closes a descriptor whose read failed instead of leaking it', () => {
    const root = tempDir();
    mkdirSync(join(root, 'adir'));
    const reader = createFileReader({ root });
    const before = openFds();
    for (let i = 0; i < 5; i++) expect(() => reader.read('adir')).toThrow();
    expect(openFds()).toBe(before);
    reader.close();
  });

  it('evictOldest: false keeps the first maxOpen files and closes later ones after reading', () => {
    const root = files(6);
    const before = openFds();
    const reader = createFileReader({ root, maxOpen: 3, evictOldest: false });
    for (let pass = 0; pass < 3; pass++)
      for (let i = 0; i < 6; i++) expect(reader.read(`f${i}`)).toBe(String(i));
    expect(openFds()).toBe(before + 3);
    // The kept ones are the first three: forgetting them closes every kept descriptor.
    reader.forget('f0');
    reader.forget('f1');
    reader.forget('f2');
    expect(openFds()).toBe(before);
    reader.close();
  });

  it('by default the oldest kept descriptor is closed for a new file, never more than maxOpen', () => {
    const root = files(6);
    const before = openFds();
    const reader = createFileReader({ root, maxOpen: 3 });
    for (let i = 0; i < 6; i++) expect(reader.read(`f${i}`)).toBe(String(i));
    expect(openFds()).toBe(before + 3);
    reader.forget('f3');
    reader.forget('f4');
    reader.forget('f5');
    expect(openFds()).toBe(before);
    reader.close();
  });

  it('forget of a directory closes the files under it, nested ones too, and no others', () => {
    const root = tempDir();
    const paths = ['g/c1/a', 'g/c1/sub/b', 'g/c10/a', 'g/c2/a', 'h/c1/a'];
    for (const p of paths) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), p);
    }
    const budget = createDescriptorBudget(100);
    const reader = createFileReader({ root, budget });
    for (const p of paths) expect(reader.read(p)).toBe(p);
    expect(budget.kept).toBe(5);
    // The plain rule is `path.startsWith(prefix)`: `g/c1/` is not a prefix of `g/c10/a`.
    reader.forget('g/c1/');
    expect(budget.kept).toBe(3);
    reader.forget('g/c1/');
    reader.forget('nowhere/');
    expect(budget.kept).toBe(3);
    // A prefix that is not a directory still goes by startsWith.
    reader.forget('g/c');
    expect(budget.kept).toBe(1);
    reader.forget('h/');
    expect(budget.kept).toBe(0);
    // Read again after forget: kept again, and forgotten again by its directory.
    expect(reader.read('g/c1/sub/b')).toBe('g/c1/sub/b');
    expect(budget.kept).toBe(1);
    reader.forget('g/c1/sub/');
    expect(budget.kept).toBe(0);
    reader.close();
  });

  it('forget of a directory closes what startsWith would, whatever was read and forgotten before', () => {
    const root = tempDir();
    const names = ['a', 'b', 'ab'];
    const files: string[] = [];
    const folders: string[] = [''];
    for (const x of names) {
      folders.push(`${x}/`);
      for (const y of names) {
        folders.push(`${x}/${y}/`);
        mkdirSync(join(root, x, y), { recursive: true });
        for (const f of [`${x}/f`, `${x}/${y}/f`, `${x}/${y}/g`]) {
          if (!files.includes(f)) files.push(f);
          writeFileSync(join(root, f), f);
        }
      }
    }
    const step = fc.oneof(
      fc.record({ read: fc.constantFrom(...files) }),
      fc.record({ forget: fc.constantFrom(...folders.filter((d) => d !== '')) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const budget = createDescriptorBudget(1000);
        const reader = createFileReader({ root, budget });
        const model = new Set<string>();
        for (const s of steps) {
          if ('read' in s) {
            expect(reader.read(s.read)).toBe(s.read);
            model.add(s.read);
          } else {
            reader.forget(s.forget);
            for (const f of [...model]) if (f.startsWith(s.forget)) model.delete(f);
          }
          expect(budget.kept).toBe(model.size);
        }
        reader.close();
        expect(budget.kept).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a descriptor budget shared by readers', () => {
  const openFds = () => readdirSync('/proc/self/fd').length;

  it('two readers together keep no more than the budget, and give back what they close', () => {
    const root = tempDir();
    for (let i = 0; i < 10; i++) writeFileSync(join(root, `f${i}`), String(i));
    const budget = createDescriptorBudget(5);
    const before = openFds();
    const first = createFileReader({ root, maxOpen: 100, budget });
    const second = createFileReader({ root, maxOpen: 100, evictOldest: false, budget });
    for (let i = 0; i < 4; i++) expect(first.read(`f${i}`)).toBe(String(i));
    for (let i = 4; i < 10; i++) expect(second.read(`f${i}`)).toBe(String(i));
    // The first took 4, the second the one left; the evicting reader then rotates its own.
    expect(budget.kept).toBe(5);
    expect(openFds()).toBe(before + 5);
    for (let i = 4; i < 8; i++) expect(first.read(`f${i}`)).toBe(String(i));
    expect(budget.kept).toBe(5);
    expect(openFds()).toBe(before + 5);
    first.close();
    expect(budget.kept).toBe(1);
    second.close();
    expect(budget.kept).toBe(0);
    expect(openFds()).toBe(before);
  });

  it('an evicting reader with nothing kept and no budget left keeps nothing', () => {
    const root = tempDir();
    writeFileSync(join(root, 'a'), 'a');
    const budget = createDescriptorBudget(0);
    const before = openFds();
    const reader = createFileReader({ root, maxOpen: 3, budget });
    expect(reader.read('a')).toBe('a');
    expect(openFds()).toBe(before);
    reader.close();
  });

  it('refuses a budget that is not a count', () => {
    expect(() => createDescriptorBudget(-1)).toThrow(/non-negative integer/);
    expect(() => createDescriptorBudget(1.5)).toThrow(/non-negative integer/);
  });
});

describe('createRecordingReader', () => {
  it('records what was read so the folder replays the same text', () => {
    const out = tempDir();
    const live = createFileReader();
    const recorder = createRecordingReader(live, out);
    const stat = recorder.read('proc/stat');
    expect(recorder.exists('proc/self')).toBe(true);
    recorder.list('sys/class/net');
    expect(readFileSync(join(out, 'proc/stat'), 'utf8')).toBe(stat);
    const replay = createFileReader({ root: out, keepOpen: false });
    expect(replay.read('proc/stat')).toBe(stat);
    expect(replay.exists('proc/self')).toBe(true);
    expect(replay.list('sys/class/net')?.some((e) => e.name === 'lo')).toBe(true);
    recorder.close();
  });
});
