import type { MetricFamily } from '@arcbox/perf-export';
import {
  createFamiliesEncoder,
  createRemoteWriter,
  type RemoteWriter,
} from '@arcbox/perf-remote-write';
import type { ExportConfig } from '../config/agent-config.js';

export interface AgentRemoteWrite {
  /** Queues one round's families (the ones /metrics prints) for every receiver. */
  push(families: readonly MetricFamily[], timeMs: number): void;
  stats(): ReturnType<RemoteWriter['stats']>[];
  /** Sends what is queued for up to `graceMs`, then stops. */
  close(graceMs: number): Promise<void>;
}

/** One writer per configured receiver; a round is encoded once and shared. */
export function startRemoteWrite(
  config: ExportConfig,
  log: (line: string) => void,
): AgentRemoteWrite {
  const writers = config.remoteWrite.map((w) =>
    createRemoteWriter({
      target: {
        url: w.url,
        headers: w.headers,
        timeoutMs: w.timeoutMs,
        ...(w.bearerToken !== null ? { bearerToken: w.bearerToken } : {}),
        ...(w.basicAuth !== null ? { basicAuth: w.basicAuth } : {}),
      },
      intervalMs: w.intervalMs,
      maxQueuedSamples: w.maxQueuedSamples,
      maxBatchSamples: w.maxBatchSamples,
      minBackoffMs: 500,
      maxBackoffMs: Math.max(500, Math.min(30_000, w.intervalMs * 3)),
      log,
    }),
  );
  const encoder = createFamiliesEncoder(config.externalLabels);
  return {
    push(families, timeMs) {
      if (writers.length === 0) return;
      const round = encoder.encode(families, Math.round(timeMs));
      // One sample per series in a round.
      for (const w of writers) w.pushEncoded(round, round.series);
    },
    stats: () => writers.map((w) => w.stats()),
    async close(graceMs) {
      const signal = AbortSignal.timeout(graceMs);
      await Promise.all(writers.map((w) => w.flush({ signal })));
      await Promise.all(writers.map((w) => w.close()));
    },
  };
}
