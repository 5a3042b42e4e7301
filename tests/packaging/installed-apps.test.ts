import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, startTmux } from '../../apps/cli/src/test-support/tmux.js';
import { type LocalRegistry, startLocalRegistry } from './local-registry.js';
import { workspacePackages } from './workspace-packages.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'arcbox-global-'));
const prefix = join(work, 'prefix');
const bin = (name: string) => join(prefix, 'bin', name);
let registry: LocalRegistry | null = null;

beforeAll(async () => {
  // A folder per package: @arcbox/perf and the CLI (arcbox-perf) pack to the same file name.
  const tarballs: string[] = [];
  for (const [i, p] of workspacePackages()
    .filter((p) => !p.private)
    .entries()) {
    const dir = join(work, 'tarballs', String(i));
    await run('pnpm', ['pack', '--pack-destination', dir], { cwd: p.dir });
    tarballs.push(...readdirSync(dir).map((f) => join(dir, f)));
  }
  registry = await startLocalRegistry(tarballs);
  // A clean prefix and an empty cache: what `npm install -g` does on a user's machine.
  await run(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--cache',
      join(work, 'npm-cache'),
      '--registry',
      registry.url,
      '--no-audit',
      '--no-fund',
      'arcbox-perf',
      'arcbox-perf-agent',
    ],
    { cwd: work, timeout: 300_000 },
  );
}, 400_000);

afterAll(async () => {
  await registry?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the CLI and the agent, installed with npm install -g from their packed tarballs', () => {
  it('installs both commands, and nothing that compiles: SQLite comes prebuilt', () => {
    expect(existsSync(bin('arcbox-perf'))).toBe(true);
    expect(existsSync(bin('arcbox-perf-agent'))).toBe(true);
    const agentModules = join(prefix, 'lib', 'node_modules', 'arcbox-perf-agent', 'node_modules');
    expect(existsSync(join(agentModules, '@photostructure', 'sqlite'))).toBe(true);
    expect(existsSync(join(agentModules, 'better-sqlite3'))).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')(
    'arcbox-perf snapshot reads this machine (Linux)',
    async () => {
      const { stdout } = await run(bin('arcbox-perf'), ['snapshot', '--json'], {
        timeout: 60_000,
      });
      const snapshot = JSON.parse(stdout);
      expect(snapshot.system.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(snapshot.system.memoryTotal).toBeGreaterThan(0);
    },
  );

  it.skipIf(!hasTmux)(
    'arcbox-perf top runs in a terminal and quits on q (needs tmux)',
    async () => {
      const session = await startTmux([bin('arcbox-perf'), 'top'], { width: 120, height: 30 });
      try {
        await session.waitFor((s) => /CPU/.test(s) && /MEM/.test(s), 'the top view', 30_000);
        await session.keys(['q']);
        const after = await session.waitFor((s) => /exited \d+/.test(s), 'top to exit');
        expect(after).toMatch(/exited 0/);
      } finally {
        await session.kill();
      }
    },
  );

  it('arcbox-perf-agent --check-config accepts its embedded defaults', async () => {
    const { stdout } = await run(bin('arcbox-perf-agent'), ['--check-config'], {
      timeout: 30_000,
      env: { ...process.env, XDG_CONFIG_HOME: join(work, 'no-config') },
    });
    expect(stdout.trim()).toBe('embedded defaults: ok');
  });

  it('arcbox-perf-agent serves /healthz and keeps history with the installed SQLite driver', async () => {
    const stateDir = join(work, 'state');
    const child = spawn(
      bin('arcbox-perf-agent'),
      ['--listen', '127.0.0.1:0', '--state-dir', stateDir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, XDG_CONFIG_HOME: join(work, 'no-config') },
      },
    );
    try {
      let url = '';
      for await (const line of createInterface({ input: child.stderr! })) {
        const m = line.match(/listening on (http:\/\/\S+?)\/? /);
        if (m) {
          url = m[1]!;
          break;
        }
      }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(existsSync(join(stateDir, 'history.sqlite'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
