import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createMonitor, type PerfMonitor } from '@arcbox/perf';
import { createKindRegistry, defaultKinds } from '@arcbox/perf-core';
import {
  type AlertEvent,
  type AlertRule,
  createHistoryStore,
  defaultRulesOf,
  type HistoryStore,
} from '@arcbox/perf-history';
import { createAgentAlerts } from '../alerts/create-agent-alerts.js';
import type { AgentConfig } from '../config/agent-config.js';
import { defaultStateDir } from '../config/default-config.js';
import { isLoopbackHost } from '../config/listen-address.js';
import type { AgentState } from '../http/agent-state.js';
import { type AgentServer, createAgentServer } from '../http/create-agent-server.js';
import { HttpError } from '../http/http-error.js';
import { agentFamilies, writeAgentSamples } from '../export/agent-families.js';
import { type AgentOtlp, startOtlp } from '../export/start-otlp.js';
import { type AgentRemoteWrite, startRemoteWrite } from '../export/start-remote-write.js';
import { openAckFile } from '@arcbox/perf-remote-write';
import { createNotifier } from '../notify/create-notifier.js';
import type { AgentSample } from '../sampler/agent-sample.js';
import { type MonitorSampler, startMonitorSampler } from '../sampler/monitor-sampler.js';
import { ensureStateDir } from './ensure-state-dir.js';
import { type HistoryFile, openHistoryFile } from './open-history-file.js';

export interface AgentOptions {
  config: AgentConfig;
  publicDir: string | null;
  version: string;
  log?: (line: string) => void;
}

export interface Agent {
  readonly config: AgentConfig;
  start(): Promise<AddressInfo>;
  /**
   * Applies a new config to the running monitor: sources, interval, rules, token and
   * notifications. History, series and alert state go on as if nothing happened (no gap, no
   * re-fired alert). Refused, keeping the running config, when it would leave the open socket
   * without the token it needs.
   */
  reload(config: AgentConfig): Promise<void>;
  latest(): AgentSample | null;
  /** The history file `start()` opened and how many series it held; null without one. */
  historyFile(): { path: string; series: number; problem: string | null } | null;
  /** What building the sources noticed (a VM directory that is not there, no engine socket). */
  sourceNotes(): Promise<string[]>;
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
    // With history on disk, memory holds the last 15 minutes of raw rows and of each tier (and
    // the open buckets); older rows, the rest of the raw hour included, are read from the file
    // when asked for, so memory does not grow with retention. The raw hour was most of the
    // store's memory (day-of-history bench: 139 MB resident with it, 113 MB with 15 minutes).
    ...(config.history.persist ? { memoryWindowMs: Math.min(retention, 15 * 60_000) } : {}),
    tiers: [
      { resolutionMs: 60_000, retentionMs: Math.min(retention, 86_400_000) },
      { resolutionMs: 3_600_000, retentionMs: Math.max(retention, 3_600_000) },
    ],
  };
}

/**
 * The agent: a thin composition of @arcbox/perf's monitor (the platform's sources, history, alert
 * rules, sampling on its timer), the history kept in SQLite, notifications and the HTTP server.
 * Every kind of series the monitor registers reaches the API, the stream and /metrics.
 */
export function createAgent(options: AgentOptions): Agent {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let config = options.config;
  const listeners = new Set<(sample: AgentSample) => void>();
  // One registry for the monitor, its history and every answer: what it holds reaches the user.
  const kinds = createKindRegistry(defaultKinds());
  const rulesOf = (c: AgentConfig): readonly AlertRule[] => c.rules ?? defaultRulesOf(kinds);
  const monitor: PerfMonitor = createMonitor({
    kinds,
    intervalMs: config.intervalMs,
    sources: config.sources,
    history: createHistoryStore({ ...historyConfig(config), kinds }),
    ...(config.rules ? { alerts: config.rules } : {}),
    onError: (error) => log(`sampling failed: ${error.message}`),
  });
  const history: HistoryStore = monitor.history;
  let historyFile: HistoryFile | null = null;
  const alerts = createAgentAlerts();
  const notifier = createNotifier(config.notifications, log, { version: options.version });
  let lastSample: AgentSample | null = null;
  let sampler: MonitorSampler | null = null;
  let remoteWrite: AgentRemoteWrite | null = null;
  let otlp: AgentOtlp | null = null;
  const buildInfo = { version: options.version };

  const onSample = (sample: AgentSample, events: readonly AlertEvent[]) => {
    lastSample = sample;
    remoteWrite?.push((writer) => writeAgentSamples(writer, sample, kinds, buildInfo), sample.time);
    if (otlp) otlp.update(agentFamilies(sample, kinds, buildInfo));
    notifier.handle(alerts.transitions(events, sample.time));
    for (const listener of listeners) {
      try {
        listener(sample);
      } catch (error) {
        log(`sample listener failed: ${(error as Error).message}`);
      }
    }
  };

  const state: AgentState = {
    kinds,
    latest: () => lastSample,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    history,
    historyHealth: () => ({ problem: historyFile?.problem() ?? null }),
    alerts: () => alerts.list(monitor.alerts()),
    events: (since, limit) => monitor.recentEvents({ since, limit }),
    subscribeEvents(listener) {
      const controller = new AbortController();
      void (async () => {
        for await (const event of monitor.events({ signal: controller.signal })) listener(event);
      })().catch((error) => log(`event listener failed: ${(error as Error).message}`));
      return () => controller.abort();
    },
    processes(query) {
      // Off in the config (or after a reload turned it off): no such resource, not a failure.
      if (!config.sources.processes.enabled)
        throw new HttpError(404, 'processes are off (sources.processes.enabled: false)');
      return monitor.collectProcesses(query);
    },
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

  async function close() {
    await sampler?.stop();
    sampler = null;
    await monitor.close();
    // A receiver that hangs gets a short grace, then is abandoned: the flush must not wait.
    await notifier.close();
    // What is still queued gets a short grace to reach the receivers, as notifications do.
    await remoteWrite?.close(2000);
    await otlp?.close();
    await historyFile?.close();
    await server.close();
  }

  return {
    get config() {
      return config;
    },
    async start() {
      if (config.history.persist) {
        await ensureStateDir(config.stateDir, defaultStateDir());
        historyFile = await openHistoryFile({
          path: join(config.stateDir, 'history.sqlite'),
          store: history,
          events: monitor.eventLog,
          flushIntervalMs: config.history.flushIntervalMs,
          log,
        });
      }
      if (config.export.remoteWrite.length > 0) {
        const acks = config.history.persist
          ? await openAckFile({ path: join(config.stateDir, 'remote-write-acks.json'), log })
          : null;
        remoteWrite = startRemoteWrite(config.export, log, {
          history,
          kinds,
          latest: () => lastSample?.values ?? null,
          intervalMs: config.intervalMs,
          acks,
        });
      }
      if (config.export.otlp.length > 0)
        otlp = await startOtlp(config.export, log, options.version);
      const address = await server.listen(config.listen.host, config.listen.port);
      sampler = startMonitorSampler(monitor, onSample, (error) =>
        log(`sampling failed: ${(error as Error).message}`),
      );
      return address;
    },
    async reload(next) {
      // The rule is the open socket's, not the new file's `listen` (which waits for a restart).
      if (next.authToken === null && !server.isLoopback()) {
        const host = (server.server.address() as AddressInfo | null)?.address ?? next.listen.host;
        throw new Error(
          `the agent listens on ${host} until it restarts and needs a bearer token there; the new config has none`,
        );
      }
      if (next.authToken === null && !isLoopbackHost(next.listen.host)) {
        throw new Error(`listening on ${next.listen.host} needs a bearer token`);
      }
      const later: string[] = [];
      if (next.listen.host !== config.listen.host || next.listen.port !== config.listen.port)
        later.push('listen');
      if (next.stateDir !== config.stateDir) later.push('stateDir');
      if (JSON.stringify(next.history) !== JSON.stringify(config.history)) later.push('history');
      if (JSON.stringify(next.export) !== JSON.stringify(config.export)) later.push('export');
      if (later.length > 0) log(`changed ${later.join(', ')}: takes effect on restart`);
      // Rules first: an unknown kind or field is refused before anything else changes.
      monitor.setRules(rulesOf(next));
      const sourcesChanged = JSON.stringify(next.sources) !== JSON.stringify(config.sources);
      if (sourcesChanged || next.intervalMs !== config.intervalMs) {
        await monitor.reconfigure({
          ...(sourcesChanged ? { sources: next.sources } : {}),
          intervalMs: next.intervalMs,
        });
      }
      config = next;
      notifier.setConfig(config.notifications);
    },
    latest: () => lastSample,
    historyFile: () =>
      historyFile && {
        path: historyFile.path,
        series: historyFile.loadedSeries,
        problem: historyFile.problem(),
      },
    sourceNotes: () => monitor.sourceNotes(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
