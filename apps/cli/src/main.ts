import { runCli } from './run-cli.js';

// SIGINT/SIGTERM abort what is waiting (a sleep between readings, a socket) so the command
// ends through its own cleanup; a second signal exits at once.
const controller = new AbortController();
const onSignal = (name: NodeJS.Signals) => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort(new Error(`interrupted by ${name}`));
};
process.on('SIGINT', onSignal);
// `arcbox-perf top | head`: the reader went away, which ends the output, not in a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
process.on('SIGTERM', onSignal);

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  },
  controller.signal,
);
process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
