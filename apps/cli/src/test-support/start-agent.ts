import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The built arcbox-perf-agent (a workspace devDependency, so turbo builds it before these tests). */
export const agentPath = (() => {
  try {
    const pkg = createRequire(import.meta.url).resolve('arcbox-perf-agent/package.json');
    const main = join(dirname(pkg), 'dist', 'main.js');
    return existsSync(main) ? main : null;
  } catch {
    return null;
  }
})();

export interface RunningAgent {
  url: string;
  stop(): Promise<void>;
}

/** Starts the real agent on 127.0.0.1 (a free port) and resolves once it says where it listens. */
export function startAgent(args: string[]): Promise<RunningAgent> {
  if (!agentPath) throw new Error('arcbox-perf-agent is not built');
  const child: ChildProcess = spawn(
    process.execPath,
    [agentPath, '--listen', '127.0.0.1:0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the agent did not start: ${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ url: m[1], stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent exited with ${code}: ${output}`));
    });
  });
}
