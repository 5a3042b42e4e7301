import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PerfError } from '@arcbox/perf-core';
import { createAgent } from './agent/create-agent.js';
import type { AgentConfig } from './config/agent-config.js';
import { defaultConfig, defaultConfigPaths } from './config/default-config.js';
import { parseDuration } from './config/duration.js';
import { isLoopbackHost, parseListenAddress } from './config/listen-address.js';
import { loadConfigFile } from './config/load-config.js';
import { capYoungGeneration } from './runtime/young-generation.js';

const usage = `Usage: arcbox-perf-agent [options]

Samples this machine (system, containers, VMs), keeps history, raises alerts and serves
Prometheus metrics, a JSON API and a dashboard at http://127.0.0.1:9464/.

Options:
  --config FILE      YAML or JSON config (default: first of ${defaultConfigPaths().join(', ')})
  --listen HOST:PORT address to serve on (default 127.0.0.1:9464); a token is required off loopback
  --token TOKEN      bearer token (or ARCBOX_PERF_TOKEN)
  --root DIR         read proc, sys and cgroups under DIR (e.g. /host in a container)
  --interval DUR     sampling interval, e.g. 1s, 500ms
  --state-dir DIR    where history is kept
  --check-config     validate the config and exit (0 when valid)
  --version, --help
`;

const here = dirname(fileURLToPath(import.meta.url));

function version(): string {
  try {
    return (
      JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '0.0.0';
  }
}

async function findConfig(explicit: string | undefined): Promise<string | null> {
  if (explicit !== undefined) return explicit;
  for (const path of defaultConfigPaths()) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return null;
}

interface Flags {
  config?: string;
  listen?: string;
  token?: string;
  root?: string;
  interval?: string;
  'state-dir'?: string;
}

/** Command-line flags override the file; they are checked as strictly as the file is. */
function applyFlags(config: AgentConfig, flags: Flags): AgentConfig {
  const next = structuredClone(config);
  if (flags.listen !== undefined) {
    const address = parseListenAddress(flags.listen);
    if (!address)
      throw new PerfError('CONFIG_ERROR', `--listen: "${flags.listen}" is not HOST:PORT`, {
        field: 'listen',
      });
    next.listen = address;
  }
  const token = flags.token ?? process.env.ARCBOX_PERF_TOKEN;
  if (token !== undefined && token !== '') next.authToken = token;
  if (flags.root !== undefined) next.root = flags.root;
  if (flags['state-dir'] !== undefined) next.stateDir = flags['state-dir'];
  if (flags.interval !== undefined) {
    const ms = parseDuration(flags.interval);
    if (ms === null || ms < 100) {
      throw new PerfError(
        'CONFIG_ERROR',
        `--interval: "${flags.interval}" is not a duration of at least 100ms`,
        {
          field: 'interval',
        },
      );
    }
    next.intervalMs = ms;
  }
  if (!isLoopbackHost(next.listen.host) && next.authToken === null) {
    throw new PerfError(
      'CONFIG_ERROR',
      `listening on ${next.listen.host} needs a bearer token (--token, ARCBOX_PERF_TOKEN or authToken in the config)`,
      { field: 'authToken' },
    );
  }
  return next;
}

async function loadAll(flags: Flags): Promise<AgentConfig> {
  const file = await findConfig(flags.config);
  const base = file === null ? defaultConfig() : await loadConfigFile(file);
  return applyFlags(base, flags);
}

/** An IPv6 address goes in brackets in a URL. */
function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

async function main(argv: string[]): Promise<number> {
  capYoungGeneration();
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      listen: { type: 'string' },
      token: { type: 'string' },
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
  const flags: Flags = values;
  let config = await loadAll(flags);
  if (values['check-config']) {
    process.stdout.write(`${config.file ?? 'embedded defaults'}: ok\n`);
    return 0;
  }

  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const agent = createAgent({ config, publicDir: join(here, 'public'), version: version(), log });
  const address = await agent.start();
  const file = agent.historyFile();
  const state = file
    ? `state in ${config.stateDir} (history: ${file.series} series loaded from ${basename(file.path)})`
    : 'history in memory only';
  log(
    `arcbox-perf-agent ${version()} listening on http://${hostForUrl(address.address)}:${address.port}/ (dashboard, /metrics, /api/v1); ${state}; config: ${config.file ?? 'embedded defaults'}; Ctrl-C or SIGTERM stops it`,
  );

  let reloading = Promise.resolve();
  process.on('SIGHUP', () => {
    reloading = reloading.then(async () => {
      try {
        config = await loadAll(flags);
        await agent.reload(config);
        log(`reloaded ${config.file ?? 'defaults'}`);
      } catch (error) {
        // A bad edit must not take a running agent down: keep the old config and say why.
        log(`reload failed, keeping the running config: ${(error as Error).message}`);
      }
    });
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
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
  }, 5000);
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
    process.stderr.write(`arcbox-perf-agent: ${message}\n`);
    process.exitCode = 2;
  },
);
