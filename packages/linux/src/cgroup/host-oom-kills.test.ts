import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileReader } from '../fs/file-reader.js';
import { createHostOomKills, vmstatOomKills } from './host-oom-kills.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('vmstatOomKills', () => {
  it("reads this kernel's /proc/vmstat", () => {
    const text = readFileSync('/proc/vmstat', 'utf8');
    const line = /^oom_kill (\d+)$/m.exec(text);
    expect(vmstatOomKills(text)).toBe(line ? Number(line[1]) : null);
  });

  it('finds the line anywhere, and is null without it or with a value that is not a count', () => {
    expect(vmstatOomKills('oom_kill 4\nnr_free_pages 1\n')).toBe(4);
    expect(vmstatOomKills('nr_free_pages 1\noom_kill 12')).toBe(12);
    expect(vmstatOomKills('nr_free_pages 1\noom_kill_x 3\n')).toBeNull();
    expect(vmstatOomKills('oom_kill -1\n')).toBeNull();
    expect(vmstatOomKills('')).toBeNull();
  });
});

describe('createHostOomKills', () => {
  const tree = (vmstat: string | null) => {
    const root = mkdtempSync(join(tmpdir(), 'arcbox-vmstat-'));
    dirs.push(root);
    mkdirSync(join(root, 'proc'));
    if (vmstat !== null) writeFileSync(join(root, 'proc/vmstat'), vmstat);
    return root;
  };

  it('is quiet once the count held over three readings, and not for three after it moves', () => {
    const root = tree('nr_free_pages 1\noom_kill 7\n');
    const watch = createHostOomKills(createFileReader({ root, keepOpen: false }));
    expect([watch.quiet(), watch.quiet(), watch.quiet(), watch.quiet()]).toEqual([
      false,
      false,
      false,
      true,
    ]);
    writeFileSync(join(root, 'proc/vmstat'), 'nr_free_pages 1\noom_kill 8\n');
    expect([watch.quiet(), watch.quiet(), watch.quiet(), watch.quiet()]).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });

  it('is never quiet without the count (no file, or a kernel before 4.13)', () => {
    for (const root of [tree(null), tree('nr_free_pages 1\n')]) {
      const watch = createHostOomKills(createFileReader({ root, keepOpen: false }));
      for (let i = 0; i < 5; i++) expect(watch.quiet()).toBe(false);
    }
  });
});
