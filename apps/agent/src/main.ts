import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PerfError } from '@arcbox/perf-core';
import { createAgent } from './agent/create-agent.js';
import type { AgentConfig } from './config/agent-config.js';
import type { AgentFlags } from './config/apply-flags.js';
import { defaultConfigPaths, defaultStateDir } from './config/default-config.js';
import { loadAgentConfig } from './config/load-agent-config.js';
import { loadConfigOffThread } from './config/load-config-off-thread.js';
import { createLog } from './log/create-log.js';
import { capYoungGeneration } from './runtime/young-generation.js';

const usage = `Usage: arcbox-perf-agent [options]

Samples this machine (system, containers, VMs, filesystems), keeps history, raises alerts and
serves Prometheus metrics, a JSON API and a dashboard at http://127.0.0.1:9464/.

Options:
  --config FILE      YAML or JSON config (default: first of ${defaultConfigPaths().join(', ')})
  --listen HOST:PORT address to serve on (default 127.0.0.1:9464); a token is required off loopback
  --token-file FILE  read the bearer token from FILE (one line; also authTokenFile: in the config)
  --token TOKEN      bearer token (or ARCBOX_PERF_TOKEN); visible to every user in
                     /proc/<pid>/cmdline and ps: prefer --token-file
  --root DIR         read proc, sys and cgroups under DIR (e.g. /host in a container)
  --interval DUR     sampling interval, e.g. 1s, 500ms
  --state-dir DIR    where history is kept (default for this user: ${defaultStateDir()})
  --check-config     validate the config and exit (0 when valid)
  --version, --help
`;

const here = dirname(fileURLToPath(import.meta.url));
/** The worker that reads a reloaded config off the main thread (built next to main.js). */
const configWorker = new URL('./config-worker.js', import.meta.url);
/** How long a shutdown may take before the agent exits anyway (systemd waits 10 s). */
const SHUTDOWN_DEADLINE_MS = 5000;

function version(): string {
  try {
    return (
      JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '0.0.0';
  }
}

/** An IPv6 address goes in brackets in a URL. */
function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

const log = createLog((text) => process.stderr.write(text));

async function main(argv: string[]): Promise<number> {
  capYoungGeneration();
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      listen: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      root: { type: 'string' },
      interval: { type: 'string' },
      'state-dir': { type: 'string' },
      'check-config': { type: 'boolean' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const flags: AgentFlags = values;
  log.setSecrets([values.token ?? null, process.env.ARCBOX_PERF_TOKEN ?? null]);
  let config: AgentConfig = await loadAgentConfig(flags);
  log.setSecrets([config.authToken]);
  if (values['check-config']) {
    process.stdout.write(`${config.file ?? 'embedded defaults'}: ok\n`);
    return 0;
  }

  const agent = createAgent({ config, publicDir: join(here, 'public'), version: version(), log });
  const address = await agent.start();
  const file = agent.historyFile();
  const state = !file
    ? 'history in memory only'
    : file.problem
      ? `history in memory only (${basename(file.path)} unavailable, see above)`
      : `state in ${config.stateDir} (history: ${file.series} series loaded from ${basename(file.path)})`;
  log(
    `arcbox-perf-agent ${version()} listening on http://${hostForUrl(address.address)}:${address.port}/ (dashboard, /metrics, /api/v1); ${state}; config: ${config.file ?? 'embedded defaults'}; Ctrl-C or SIGTERM stops it`,
  );
  void agent.sourceNotes().then(
    (notes) => {
      for (const note of notes) log(`sources: ${note}`);
    },
    () => undefined,
  );

  let stopping = false;
  let reloading = Promise.resolve();
  process.on('SIGHUP', () => {
    if (stopping) return;
    reloading = reloading.then(async () => {
      try {
        // Read and parsed in a worker: a huge or hostile file never holds up sampling or /healthz.
        const next = await loadConfigOffThread(flags, configWorker);
        await agent.reload(next);
        config = next;
        log.setSecrets([config.authToken]);
        log(`reloaded ${config.file ?? 'defaults'}`);
      } catch (error) {
        // A bad edit must not take a running agent down: keep the old config and say why.
        log(`reload failed, keeping the running config: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      stopping = true;
      log(`${signal}: flushing and exiting`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // Exit within a few seconds whatever a collector or a client is doing.
  const deadline = setTimeout(() => {
    log('shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await agent.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      PerfError.isInstance(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`arcbox-perf-agent: ${log.redact(message)}\n`);
    process.exitCode = 2;
  },
);
