import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './workspace-packages.js';

const run = promisify(execFile);
const libraries = workspacePackages().filter((p) => !p.private && p.group === 'packages');
const work = mkdtempSync(join(tmpdir(), 'arcbox-packed-'));
const project = join(work, 'consumer');

beforeAll(async () => {
  const tarballs = join(work, 'tarballs');
  for (const lib of libraries) {
    await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: lib.dir });
  }
  await run('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  // --ignore-scripts: the consumer imports main entries only, which load no native module.
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', ...files], {
    cwd: project,
    timeout: 240_000,
  });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packed libraries, installed with npm outside the workspace', () => {
  it('there is more than the core to check', () => {
    expect(libraries.map((l) => l.name)).toEqual(
      expect.arrayContaining(['@arcbox/perf-core', '@arcbox/perf-linux']),
    );
  });

  it.each(libraries.map((l) => l.name))('%s imports as ESM with named exports', async (name) => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length)`,
      ],
      { cwd: project },
    );
    expect(Number(stdout.trim())).toBeGreaterThan(0);
  });

  it('a consumer typechecks against the published types', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { computeSystemMetrics, counterRate, PerfError, type SystemMetrics } from '@arcbox/perf-core';",
        "import { createFileReader } from '@arcbox/perf-linux';",
        'const rate: number | null = counterRate(0, 10, 1);',
        "const error = new PerfError('PARSE_ERROR', 'x', { file: 'f', line: 1 });",
        "const reader = createFileReader({ root: '/' });",
        'const text: string | null = reader.read("proc/loadavg");',
        'type Cpu = SystemMetrics["cpuPercent"];',
        'const cpu: Cpu = null;',
        "import { createMonitor, type PerfSample } from '@arcbox/perf';",
        "import type { SqliteHistory } from '@arcbox/perf-history/sqlite';",
        "import { formatMetrics } from '@arcbox/perf-export';",
        'const monitor = createMonitor({ intervalMs: 1000 });',
        'const later: Promise<SystemMetrics> = monitor.collectSystem();',
        'type Store = SqliteHistory | PerfSample;',
        'export type { Store };',
        'export { rate, error, text, cpu, computeSystemMetrics, later, formatMetrics };',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '@types/node@20'], {
      cwd: project,
      timeout: 120_000,
    });
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: project,
    }).catch((e) => e);
    expect(result.stdout ?? '').toBe('');
    expect(result.code ?? 0).toBe(0);
  });
});
