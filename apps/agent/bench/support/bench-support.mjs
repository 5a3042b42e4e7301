// Shared by the agent benchmarks: cgroups to watch, processes to measure, peers to compare with.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node flags `pnpm start`, the systemd unit and the launchd plist start the agent with. */
export const AGENT_NODE_FLAGS = ['--min-semi-space-size=2', '--max-semi-space-size=2'];

export const agentMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const base = '/sys/fs/cgroup';
const v2 = existsSync(join(base, 'cgroup.controllers'));
const controllers = ['cpu', 'cpuacct', 'memory', 'pids', 'blkio'].filter((c) =>
  existsSync(join(base, c)),
);

export const canMakeCgroups = process.getuid?.() === 0 && (v2 || controllers.includes('cpuacct'));

export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** SIGKILLs child processes and waits until every one has exited. */
async function killAll(children) {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(
    children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)),
  );
}

/** `count` cgroups named `<prefix>-<n>`, each holding one sleeping process, as containers would. */
export async function makeCgroups(prefix, count) {
  const made = [];
  const sleepers = [];
  for (let n = 0; n < count; n += 1) {
    const name = `${prefix}-${n}`;
    const dirs = v2 ? [join(base, name)] : controllers.map((c) => join(base, c, name));
    for (const d of dirs) await mkdir(d, { recursive: true });
    const child = spawn('sleep', ['3600'], { stdio: 'ignore' });
    for (const d of dirs) await writeFile(join(d, 'cgroup.procs'), String(child.pid));
    sleepers.push(child);
    made.push(...dirs);
  }
  return {
    async remove() {
      await killAll(sleepers);
      for (const d of made) {
        for (let i = 0; i < 50; i += 1) {
          const procs = await readFile(join(d, 'cgroup.procs'), 'utf8').catch(() => '');
          if (procs.trim() === '') break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await rmdir(d).catch(() => undefined);
      }
    },
  };
}

/** Processes on the host now: the numeric entries of /proc. */
export function processCount() {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
}

/**
 * Idle sleepers outside any test cgroup until the host has `target` processes (none when it
 * already has as many), as a host running a few dozen services does.
 */
export function fillProcesses(target) {
  const sleepers = [];
  for (let n = processCount(); n < target; n += 1)
    sleepers.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
  return {
    count: sleepers.length,
    async stop() {
      await killAll(sleepers);
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/**
 * Starts the built agent with `config` (YAML) on a free port; `stateDir` defaults to a fresh one.
 * With `stdout`, the child's standard output is a pipe to read (`--trace-gc` writes there).
 */
export async function startAgent(
  config,
  { stateDir, main = agentMain, nodeArgs = [], stdout = false } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'arcbox-bench-'));
  const port = await freePort();
  const file = join(dir, 'agent.yaml');
  await writeFile(
    file,
    `listen: 127.0.0.1:${port}\nstateDir: ${JSON.stringify(stateDir ?? join(dir, 'state'))}\n${config}`,
  );
  // As `pnpm start` and the service files run it.
  const child = spawn(
    process.execPath,
    [...AGENT_NODE_FLAGS, ...nodeArgs, main, '--config', file],
    {
      stdio: ['ignore', stdout ? 'pipe' : 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`agent exited: ${log}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    // Loading a day of history on a busy machine can take a while.
    if (i > 900) throw new Error(`agent not ready: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startNodeExporter() {
  const bin = ['/usr/bin/prometheus-node-exporter', '/usr/bin/node_exporter'].find((b) =>
    existsSync(b),
  );
  if (!bin) return null;
  const port = await freePort();
  const child = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    const ok = await fetch(`${url}/metrics`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 100) throw new Error('node_exporter did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export function startIdleNode() {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [n, r] of rows.entries()) {
    console.log(`| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`);
    if (n === 0) console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  }
}

/** Waits (up to 20 s) until the agent's snapshot lists `count` containers. */
export async function waitForContainers(url, count) {
  for (let i = 0; i < 100; i += 1) {
    const s = await (await fetch(`${url}/api/v1/snapshot`)).json().catch(() => null);
    if (s?.containers?.length >= count) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An agent at 1 Hz on `count` cgroups made here (`<prefix>-<n>`), once it lists them all. */
export async function startAgentOnCgroups(prefix, count, main) {
  const cgroups = await makeCgroups(prefix, count);
  const agent = await startAgent(
    `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\n`,
    { main },
  );
  await waitForContainers(agent.url, count);
  return { cgroups, agent };
}
