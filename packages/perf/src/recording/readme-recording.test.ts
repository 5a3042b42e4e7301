import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as perf from '../index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const base = mkdtempSync(join(tmpdir(), 'arcbox-readme-rec-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The first ```ts block of the README's "Recording and replay" section. */
function recordingSnippet(): string {
  const section = readme.slice(readme.indexOf('## Recording and replay'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('no ts block in "Recording and replay"');
  return block[1];
}

describe.runIf(process.platform === 'linux' || process.platform === 'darwin')(
  'packages/perf/README.md, "Recording and replay"',
  () => {
    it('runs as written: records this host, then replays each pair', async () => {
      const snippet = recordingSnippet();
      const imports = /^import \{ ([^}]+) \} from '@arcbox\/perf';\n/m.exec(snippet);
      expect(imports).not.toBeNull();
      const names = imports![1]!.split(',').map((n) => n.trim());
      for (const name of names) expect(perf, name).toHaveProperty(name);
      const body = snippet.replace(imports![0], '');
      const lines: string[] = [];
      const console = { log: (...args: unknown[]) => lines.push(args.map(String).join(' ')) };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<void>;
      const run = new AsyncFunction(...names, 'console', body);
      const cwd = process.cwd();
      process.chdir(base);
      try {
        await run(...names.map((n) => (perf as Record<string, unknown>)[n]), console);
      } finally {
        process.chdir(cwd);
      }
      expect(lines[0]).toMatch(
        new RegExp(`^3 readings of system, .*filesystems in ${join(base, 'arcbox-recording')}$`),
      );
      expect(lines.slice(1).map((l) => l.split(' ').slice(0, 4).join(' '))).toEqual([
        'readings 0001 → 0002',
        'readings 0002 → 0003',
      ]);
      for (const line of lines.slice(1))
        expect(Number(line.split(' ')[4])).toBeGreaterThanOrEqual(0);
    });
  },
);
