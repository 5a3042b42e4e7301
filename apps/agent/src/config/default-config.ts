import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { defaultSourcesConfig } from '@arcbox/perf';
import type { AgentConfig } from './agent-config.js';

/** Where state goes when nothing says: XDG_STATE_HOME for a user, /var/lib for root. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.getuid?.() === 0 && !env.XDG_STATE_HOME) return '/var/lib/arcbox-perf';
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'arcbox-perf');
}

/**
 * Config files looked for when no --config is given, first found wins:
 * $XDG_CONFIG_HOME/arcbox-perf/agent.{yaml,yml,json}, then /etc/arcbox-perf/agent.{yaml,yml,json}.
 */
export function defaultConfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const xdg = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const names = ['agent.yaml', 'agent.yml', 'agent.json'];
  return [
    ...names.map((n) => join(xdg, 'arcbox-perf', n)),
    ...names.map((n) => join('/etc/arcbox-perf', n)),
  ];
}

export function defaultConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  return {
    file: null,
    listen: { host: '127.0.0.1', port: 9464 },
    authToken: null,
    authTokenFile: null,
    intervalMs: 1000,
    stateDir: defaultStateDir(env),
    sources: defaultSourcesConfig(),
    history: { retentionMs: 24 * 3_600_000, flushIntervalMs: 10_000, persist: true },
    rules: null,
    notifications: { log: true, delayMs: 0, repeatMs: 3_600_000, webhooks: [] },
    export: { externalLabels: { instance: hostname() }, remoteWrite: [], otlp: [] },
  };
}
