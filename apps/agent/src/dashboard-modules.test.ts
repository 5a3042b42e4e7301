import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const publicDir = fileURLToPath(new URL('../public', import.meta.url));

/** Every module the page loads: dashboard.js and what it imports, transitively. */
async function modulesOfPage(): Promise<Set<string>> {
  const found = new Set<string>();
  const visit = async (name: string) => {
    if (found.has(name)) return;
    found.add(name);
    const text = await readFile(`${publicDir}/${name}`, 'utf8');
    for (const m of text.matchAll(/^import\s[^;]*?from\s+'\.\/([\w-]+\.js)';/gms))
      await visit(m[1]!);
  };
  await visit('dashboard.js');
  return found;
}

describe("the dashboard's modules", () => {
  it('are all preloaded by index.html, so none waits for the module importing it', async () => {
    const html = await readFile(`${publicDir}/index.html`, 'utf8');
    const preloaded = new Set(
      [...html.matchAll(/<link rel="modulepreload" href="([\w-]+\.js)">/g)].map((m) => m[1]!),
    );
    const modules = await modulesOfPage();
    expect(modules.size).toBeGreaterThan(5);
    expect([...preloaded].sort()).toEqual([...modules].sort());
  });
});
