import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './workspace-packages.js';

const run = promisify(execFile);
const copy = mkdtempSync(join(tmpdir(), 'arcbox-changeset-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('changeset version on a throwaway copy', () => {
  it('bumps the fixed group of libraries to one version, with changelogs', async () => {
    for (const file of ['package.json', 'pnpm-workspace.yaml'])
      cpSync(join(repoRoot, file), join(copy, file));
    cpSync(join(repoRoot, '.changeset'), join(copy, '.changeset'), { recursive: true });
    const packages = workspacePackages();
    for (const p of packages) {
      const target = join(copy, relative(repoRoot, p.dir));
      mkdirSync(target, { recursive: true });
      cpSync(join(p.dir, 'package.json'), join(target, 'package.json'));
    }
    const bin = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
    await run(process.execPath, [bin, 'version'], {
      cwd: copy,
      env: { ...process.env, CI: 'true' },
    });

    const libraries = packages.filter((p) => p.group === 'packages' && !p.private);
    const versions = new Set<string>();
    for (const lib of libraries) {
      const dir = join(copy, relative(repoRoot, lib.dir));
      const bumped = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      versions.add(bumped.version);
      expect(bumped.version, lib.name).not.toBe(lib.version);
      expect(existsSync(join(dir, 'CHANGELOG.md')), `${lib.name} changelog`).toBe(true);
    }
    expect([...versions]).toHaveLength(1);
    expect([...versions][0]).toBe('1.0.0');

    // The apps are published too, each with a version of its own (outside the fixed group).
    const apps = packages.filter((p) => p.group === 'apps');
    expect(apps.map((a) => a.name).sort()).toEqual(['arcbox-perf', 'arcbox-perf-agent']);
    for (const app of apps) {
      const dir = join(copy, relative(repoRoot, app.dir));
      const bumped = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(app.private, `${app.name} is published`).toBe(false);
      expect(bumped.version, app.name).not.toBe(app.version);
      expect(existsSync(join(dir, 'CHANGELOG.md')), `${app.name} changelog`).toBe(true);
    }
  });
});
