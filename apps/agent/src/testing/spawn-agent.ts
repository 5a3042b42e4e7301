// Test support: runs the built agent (dist/main.js) as a real child process on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const agentMain = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RunningAgent {
  child: ChildProcess;
  url: string;
  port: number;
  dir: string;
  configFile: string;
  output(): string;
  get(path: string, init?: RequestInit): Promise<Response>;
  /** Waits until `predicate` holds for the output, or throws with the output so far. */
  waitForOutput(predicate: (text: string) => boolean, timeoutMs?: number): Promise<void>;
  waitReady(timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function tempDir(prefix = 'arcbox-agent-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * Starts the agent with `config` (YAML text; `listen` is filled in, on `listenHost`) in a fresh
 * state directory.
 */
export async function startAgent(
  config: string,
  options: {
    dir?: string;
    port?: number;
    args?: string[];
    env?: NodeJS.ProcessEnv;
    listenHost?: string;
  } = {},
): Promise<RunningAgent> {
  const dir = options.dir ?? (await tempDir());
  const port = options.port ?? (await freePort());
  const configFile = join(dir, 'agent.yaml');
  await writeFile(
    configFile,
    `listen: ${options.listenHost ?? '127.0.0.1'}:${port}\nstateDir: ${JSON.stringify(join(dir, 'state'))}\n${config}`,
  );
  const child = spawn(
    process.execPath,
    [agentMain, '--config', configFile, ...(options.args ?? [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    },
  );
  let text = '';
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit');
  const agent: RunningAgent = {
    child,
    url,
    port,
    dir,
    configFile,
    output: () => text,
    get: (path, init) => fetch(`${url}${path}`, init),
    async waitForOutput(predicate, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (!predicate(text)) {
        if (child.exitCode !== null) throw new Error(`agent exited (${child.exitCode}):\n${text}`);
        if (Date.now() > end) throw new Error(`timed out waiting for agent output:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async waitReady(timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`agent exited (${child.exitCode}):\n${text}`);
        const ok = await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        if (Date.now() > end) throw new Error(`agent not ready in ${timeoutMs} ms:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
  return agent;
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
