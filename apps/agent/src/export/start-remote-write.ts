import type { KindRegistry, KindValues } from '@arcbox/perf-core';
import type { SampleWriter } from '@arcbox/perf-export';
import type { HistoryStore } from '@arcbox/perf-history';
import {
  type AckFile,
  createFamiliesEncoder,
  createHistoryCatchUp,
  createRemoteWriter,
  type RemoteWriter,
} from '@arcbox/perf-remote-write';
import type { ExportConfig } from '../config/agent-config.js';

export interface AgentRemoteWrite {
  /**
   * Queues one round for every receiver: the samples `write` writes (`writeAgentSamples`, what
   * /metrics prints), each series' value beside its encoded labels.
   */
  push(write: (writer: SampleWriter) => void, timeMs: number): void;
  stats(): ReturnType<RemoteWriter['stats']>[];
  /** Sends what is queued for up to `graceMs`, then stops (and saves how far each got). */
  close(graceMs: number): Promise<void>;
}

export interface RemoteWriteContext {
  /** Where rounds the queue lost (an outage longer than it holds, a restart) are read back. */
  history: HistoryStore;
  kinds: KindRegistry;
  /** The latest live round's metrics: the labels of the series caught up from history. */
  latest: () => KindValues | null;
  intervalMs: number;
  /** How far each receiver acknowledged, kept across restarts; null without a state dir. */
  acks: AckFile | null;
}

/** One writer per configured receiver; a round is sampled once and shared. */
export function startRemoteWrite(
  config: ExportConfig,
  log: (line: string) => void,
  context: RemoteWriteContext,
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
      ackedMs: context.acks?.get(w.url) ?? null,
      onAcked: (timeMs) => context.acks?.set(w.url, timeMs),
      catchUp: createHistoryCatchUp({
        history: context.history,
        kinds: context.kinds,
        latest: context.latest,
        externalLabels: config.externalLabels,
        intervalMs: context.intervalMs,
        maxBatchSamples: w.maxBatchSamples,
        log,
      }),
    }),
  );
  const encoder = createFamiliesEncoder(config.externalLabels);
  return {
    push(write, timeMs) {
      if (writers.length === 0) return;
      // Kept as labels and values; each writer encodes its request's rounds together.
      const round = encoder.sampleWritten(write, Math.round(timeMs));
      for (const w of writers) w.pushSampled(round);
    },
    stats: () => writers.map((w) => w.stats()),
    async close(graceMs) {
      const signal = AbortSignal.timeout(graceMs);
      await Promise.all(writers.map((w) => w.flush({ signal })));
      await Promise.all(writers.map((w) => w.close()));
      await context.acks?.flush();
      config.remoteWrite.forEach((w, i) => {
        const s = writers[i]!.stats();
        log(
          `remote write to ${new URL(w.url).host}: sent ${s.sentSamples} samples, caught up ${s.caughtUpSamples} from history, dropped ${s.droppedSamples}, queued at most ${s.maxQueuedSamplesSeen} (bound ${w.maxQueuedSamples})`,
        );
      });
    },
  };
}
