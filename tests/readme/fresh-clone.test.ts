import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'arcbox-fresh-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The README's first command: the first line of the first sh block under "## Two commands". */
function firstReadmeCommand(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Two commands'));
  const block = section?.match(/```sh\n([^\n]+)\n/);
  if (!block) throw new Error('README.md has no sh block under "## Two commands"');
  return block[1]!.replace(/\s+#.*$/, '').trim();
}

/**
 * A user's machine as the README meets it: Node.js and npm on PATH and the machine's own trust
 * settings (CA bundle, proxy), but a home of its own, so no npm or pnpm config, cache or store
 * of ours (no `nodedir` in ~/.npmrc), and no CI variables. `npm install -g` goes to the
 * machine's global prefix, as it would for the user.
 */
function cleanEnvironment(home: string): NodeJS.ProcessEnv {
  const machine = Object.entries(process.env).filter(([k]) => /CERT|CA_|SSL|PROXY/i.test(k));
  return {
    ...Object.fromEntries(machine),
    HOME: home,
    PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    XDG_STATE_HOME: join(home, 'state'),
    LANG: 'C.UTF-8',
  };
}

async function waitForHealthz(url: string, child: { exitCode: number | null }, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the command exited with ${child.exitCode}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`no answer from ${url} within ${ms / 1000} s`);
}

describe("the README's first command, exactly as written, in a fresh clone", () => {
  const command = firstReadmeCommand(readFileSync(join(repoRoot, 'README.md'), 'utf8'));

  it('is the install-and-run line a user copies', () => {
    expect(command).toBe('npm install -g pnpm@12.4.2 && pnpm install && pnpm start');
  });

  it('installs from an empty store, builds quietly and serves /healthz; SIGTERM stops the agent', async () => {
    const clone = join(work, 'arcbox-perf');
    execFileSync('git', ['clone', '--quiet', '--no-local', repoRoot, clone]);
    const home = join(work, 'home');
    mkdirSync(home);
    const started = performance.now();
    const child = spawn('bash', ['-c', command], {
      cwd: clone,
      env: cleanEnvironment(home),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    try {
      await waitForHealthz('http://127.0.0.1:9464/healthz', child, 600_000);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `README's first command to /healthz from an empty store: ${seconds.toFixed(1)} s`,
      );
      const dashboard = await fetch('http://127.0.0.1:9464/');
      expect(dashboard.status).toBe(200);
      // The agent's start is one line: where it listens, where its state is, how to stop it.
      const agentLines = err.split('\n').filter((l) => l.includes('arcbox-perf-agent'));
      expect(agentLines).toHaveLength(1);
      expect(agentLines[0]).toMatch(/listening on http:\/\/127\.0\.0\.1:9464\//);
      expect(agentLines[0]).toContain(`state in ${join(home, 'state', 'arcbox-perf')}`);
      expect(agentLines[0]).toMatch(/Ctrl-C/);
      // The build printed nothing: after pnpm's "$ node scripts/start.mjs" (on stderr) comes the
      // agent's line alone, and stdout has no build output (turbo's tasks, tsup's files).
      const marker = err.indexOf('scripts/start.mjs');
      expect(marker).toBeGreaterThan(-1);
      const afterStart = err
        .slice(marker)
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== '');
      expect(afterStart).toEqual([agentLines[0]]);
      expect(
        out
          .split('\n')
          .filter((l) => /^(?!\+ ).*(tsup|Build success|DTS|Tasks:|cache miss)/.test(l)),
      ).toEqual([]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- stdout\n${out}\n--- stderr\n${err}`);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      // 'close': the agent (in a group of its own) holds the pipes until it has flushed and exited.
      await new Promise((resolve) => child.once('close', resolve));
    }
    expect(err).toMatch(/SIGTERM: flushing and exiting/);
  }, 900_000);
});
