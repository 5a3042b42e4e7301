#!/usr/bin/env node
// `pnpm start`: builds the agent and what it depends on, quietly (the build's output is shown only
// when it fails), then runs the agent with its Node flags. Arguments after `pnpm start` go to the
// agent. Ctrl-C, SIGTERM and SIGHUP are passed on to it (it flushes history and exits, or
// reloads); this script exits with the agent's code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const turbo = join(root, 'node_modules', 'turbo', 'bin', 'turbo');

const build = spawn(
  process.execPath,
  [turbo, 'run', 'build', '--filter=arcbox-perf-agent...', '--output-logs=errors-only'],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
  },
);
const output = [];
build.stdout.on('data', (d) => output.push(d));
build.stderr.on('data', (d) => output.push(d));
const built = await new Promise((resolve) => build.on('close', resolve));
if (built !== 0) {
  process.stderr.write(Buffer.concat(output));
  process.stderr.write(`\nbuilding the agent failed (exit ${built}); nothing was started\n`);
  process.exit(typeof built === 'number' ? built : 1);
}

// A young generation of 2 MiB semi-spaces from the start (see apps/agent/README.md, Node flags).
const agent = spawn(
  process.execPath,
  [
    '--min-semi-space-size=2',
    '--max-semi-space-size=2',
    join(root, 'apps', 'agent', 'dist', 'main.js'),
    ...process.argv.slice(2),
  ],
  // Its own process group: a signal reaches it once, from here, whoever it was sent to (Ctrl-C
  // goes to the whole foreground group; a second SIGTERM would skip the agent's flush).
  { cwd: root, stdio: 'inherit', detached: true },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => agent.kill(signal));
}
agent.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 : 1));
});
