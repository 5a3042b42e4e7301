import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createMonitor, type MonitorCollectors, type PerfMonitor } from '@arcbox/perf';
import {
  type AlertRule,
  createHistoryStore,
  defaultAlertRules,
  type HistoryStore,
} from '@arcbox/perf-history';
import type { SqliteHistory } from '@arcbox/perf-history/sqlite';
import { createAgentAlerts } from '../alerts/create-agent-alerts.js';
import type { AgentConfig } from '../config/agent-config.js';
import type { AgentState } from '../http/agent-state.js';
import { type AgentServer, createAgentServer } from '../http/create-agent-server.js';
import { createNotifier } from '../notify/create-notifier.js';
import type { AgentSample } from '../sampler/agent-sample.js';
import { type MonitorSampler, startMonitorSampler } from '../sampler/monitor-sampler.js';
import { buildCollectors, collectorTimeouts } from './build-collectors.js';

export interface AgentOptions {
  config: AgentConfig;
  publicDir: string | null;
  version: string;
  log?: (line: string) => void;
  /** Collectors to use instead of the platform's (tests, benchmarks). */
  collectors?: (config: AgentConfig) => MonitorCollectors;
}

export interface Agent {
  readonly config: AgentConfig;
  start(): Promise<AddressInfo>;
  /** Applies a new config: new collectors, interval and rules; history and the server stay. */
  reload(config: AgentConfig): Promise<void>;
  latest(): AgentSample | null;
  /** The history file `start()` opened and how many series it held; null without one. */
  historyFile(): { path: string; series: number } | null;
  /** Stops sampling, flushes history and closes the server. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Raw samples for up to an hour, then 1-minute and 1-hour rollups up to the retention. */
function historyConfig(config: AgentConfig) {
  const retention = config.history.retentionMs;
  return {
    sampleIntervalMs: config.intervalMs,
    maxAgeMs: Math.min(retention, 3_600_000),
    tiers: [
      { resolutionMs: 60_000, retentionMs: Math.min(retention, 86_400_000) },
      { resolutionMs: 3_600_000, retentionMs: Math.max(retention, 3_600_000) },
    ],
  };
}

const rulesOf = (config: AgentConfig): readonly AlertRule[] => config.rules ?? defaultAlertRules;

/**
 * The agent: a PerfMonitor (collection, history, alert rules) on its timer, the history kept in
 * SQLite, notifications, and the HTTP server. A reload replaces the monitor (new collectors,
 * interval and rules) around the same history store, so nothing sampled so far is lost.
 */
export function createAgent(options: AgentOptions): Agent {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let config = options.config;
  const listeners = new Set<(sample: AgentSample) => void>();
  const history: HistoryStore = createHistoryStore(historyConfig(config));
  // The SQLite store is loaded only when history is kept on disk: no native module otherwise.
  let persisted: SqliteHistory | null = null;
  const makeCollectors =
    options.collectors ?? ((c: AgentConfig) => buildCollectors(c) as MonitorCollectors);
  const alerts = createAgentAlerts(rulesOf(config));
  const notifier = createNotifier(config.notifications, log, { version: options.version });
  let lastSample: AgentSample | null = null;

  const makeMonitor = (c: AgentConfig): PerfMonitor =>
    createMonitor({
      intervalMs: c.intervalMs,
      collectors: makeCollectors(c),
      timeouts: collectorTimeouts(c),
      history,
      alerts: rulesOf(c),
      onError: (error) => log(`sampling failed: ${error.message}`),
    });
  let monitor = makeMonitor(config);
  let sampler: MonitorSampler | null = null;

  const onSample: Parameters<typeof startMonitorSampler>[1] = (sample, events) => {
    lastSample = sample;
    notifier.handle(alerts.transitions(events, sample.time));
    for (const listener of listeners) {
      try {
        listener(sample);
      } catch (error) {
        log(`sample listener failed: ${(error as Error).message}`);
      }
    }
  };
  const startSampling = () => {
    sampler = startMonitorSampler(monitor, onSample, (error) =>
      log(`sampling failed: ${(error as Error).message}`),
    );
  };

  const state: AgentState = {
    latest: () => lastSample,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    history,
    alerts: () => alerts.list(monitor.alerts()),
    notReadyReason() {
      const sample = lastSample;
      if (!sample) return 'no sample taken yet';
      const enabled = sample.collectors.filter((c) => c.enabled);
      const failed = enabled.filter((c) => c.lastOutcome && !c.lastOutcome.ok);
      if (failed.length > 0 && failed.length === enabled.length) {
        return `every collector failed: ${failed.map((c) => `${c.name}: ${c.lastOutcome?.error ?? 'failed'}`).join('; ')}`;
      }
      return null;
    },
  };

  const server: AgentServer = createAgentServer({
    state,
    token: () => config.authToken,
    publicDir: options.publicDir,
    buildInfo: { version: options.version },
    log,
  });

  async function stopMonitor() {
    await sampler?.stop();
    sampler = null;
    await monitor.close();
  }

  let loaded: { path: string; series: number } | null = null;

  async function close() {
    await stopMonitor();
    // Flushes what the last interval gathered, then closes the database.
    await persisted
      ?.close()
      .catch((error) => log(`history: final flush failed: ${(error as Error).message}`));
    await notifier.close();
    await server.close();
  }

  return {
    get config() {
      return config;
    },
    async start() {
      if (config.history.persist) {
        const { openSqliteHistory } = await import('@arcbox/perf-history/sqlite');
        const path = join(config.stateDir, 'history.sqlite');
        await mkdir(config.stateDir, { recursive: true });
        persisted = await openSqliteHistory({
          path,
          store: history,
          flushIntervalMs: config.history.flushIntervalMs,
          onError: (error) =>
            log(`history: flush failed (kept for the next one): ${error.message}`),
        });
        loaded = { path, series: history.series().length };
      }
      const address = await server.listen(config.listen.host, config.listen.port);
      startSampling();
      return address;
    },
    async reload(next) {
      const later: string[] = [];
      if (next.listen.host !== config.listen.host || next.listen.port !== config.listen.port)
        later.push('listen');
      if (next.stateDir !== config.stateDir) later.push('stateDir');
      if (JSON.stringify(next.history) !== JSON.stringify(config.history)) later.push('history');
      if (later.length > 0) log(`changed ${later.join(', ')}: takes effect on restart`);
      await stopMonitor();
      config = next;
      alerts.setRules(rulesOf(config));
      notifier.setConfig(config.notifications);
      monitor = makeMonitor(config);
      startSampling();
    },
    latest: () => lastSample,
    historyFile: () => loaded,
    close,
    [Symbol.asyncDispose]: close,
  };
}
