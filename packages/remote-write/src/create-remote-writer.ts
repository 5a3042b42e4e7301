import { encodeSampledRounds } from './encode-sampled-rounds.js';
import { encodeWriteRequest } from './encode-write-request.js';
import { type RemoteWriteTarget, postWriteRequest } from './send-write-request.js';
import { createSnappyCompressor, snappyHeader } from './snappy-compressor.js';
import type { EncodedRound } from './encode-families.js';
import type { CatchUpBatch, CatchUpSource } from './history-catch-up.js';
import type { SampledRound } from './sampled-round.js';
import type { RemoteSeries } from './write-request.js';

export interface RemoteWriterOptions {
  target: RemoteWriteTarget;
  /** How often queued rounds are sent. */
  intervalMs: number;
  /** Samples held in memory at most; past it the oldest rounds are dropped (and counted). */
  maxQueuedSamples: number;
  /** Samples per request at most (whole rounds; a larger round goes alone). */
  maxBatchSamples: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  log: (line: string) => void;
  fetch?: typeof fetch;
  /**
   * The time of the newest round the receiver acknowledged before this writer started (read
   * back from the agent's state dir); with `catchUp`, what lies between it and the first round
   * queued here is sent from history first.
   */
  ackedMs?: number | null;
  /** Called with the time of the newest round acknowledged, after each accepted request. */
  onAcked?: (timeMs: number) => void;
  /** Where rounds the queue no longer holds are read back from (history), oldest first. */
  catchUp?: CatchUpSource;
}

export interface RemoteWriterStats {
  sentSamples: number;
  droppedSamples: number;
  queuedSamples: number;
  /** The most the queue held, in samples: the memory bound at work. */
  maxQueuedSamplesSeen: number;
  /** Bytes the queued rounds take now (compressed). */
  queuedBytes: number;
  retries: number;
  /** Samples sent from history to fill a gap the queue could not (outage or restart). */
  caughtUpSamples: number;
  /** The newest round time acknowledged; null before any. */
  ackedMs: number | null;
}

export interface RemoteWriter {
  /** Queues one round (its series, each with its samples) to send oldest first. */
  push(series: RemoteSeries[]): void;
  /** Queues one round already encoded (a `FamiliesEncoder`'s), with its sample count. */
  pushEncoded(round: EncodedRound, samples: number, timeMs?: number): void;
  /**
   * Queues one round as a `FamiliesEncoder` sampled it (one sample per series); the rounds of a
   * request are encoded together, each series' labels once (`encodeSampledRounds`).
   */
  pushSampled(round: SampledRound): void;
  /** Sends everything queued now, retrying with backoff until done or `signal` aborts. */
  flush(options?: { signal?: AbortSignal }): Promise<void>;
  stats(): RemoteWriterStats;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const samplesOf = (round: readonly RemoteSeries[]) =>
  round.reduce((n, s) => n + s.samples.length, 0);
const newestOf = (round: readonly RemoteSeries[]) =>
  round.reduce((t, s) => s.samples.reduce((u, x) => Math.max(u, x.timestampMs), t), 0);

/**
 * Pushes rounds to one remote write receiver every `intervalMs`, oldest first, in batches of
 * whole rounds. 5xx, 429 and network errors are retried with exponential backoff (doubling from
 * `minBackoffMs` to `maxBackoffMs`) while new rounds queue up behind; other 4xx are dropped with
 * one log line naming the series count and the reason. Memory is bounded by `maxQueuedSamples`.
 */
export function createRemoteWriter(options: RemoteWriterOptions): RemoteWriter {
  // A round comes either sampled (`pushSampled`: each series' labels, shared with the encoder,
  // and a Float64Array of values, some 16 bytes a sample) or encoded (`push`, `pushEncoded`:
  // compressed as it is queued, about 20 bytes a sample instead of some 130 encoded). Sampled
  // rounds wait as they are and a request of them is encoded at send time with one TimeSeries
  // per series: each series' labels once, not once per round, which is most of a round's bytes.
  // Encoded rounds are wider than snappy's 64 KiB fragments, so compressing them one by one
  // costs no ratio; and since each round's snappy elements refer only to its own bytes, a batch
  // of them is one header and its rounds' elements end to end (WriteRequests concatenate too).
  // A request holds rounds of one form.
  const queue: {
    elements: Buffer | null;
    round: SampledRound | null;
    rawBytes: number;
    series: number;
    samples: number;
    timeMs: number;
  }[] = [];
  // A request's body kept while it is retried: built again only when its rounds change.
  let lastBody: { first: (typeof queue)[number]; rounds: number; body: Buffer } | null = null;
  // Its hash table and scratch output are kept from one round to the next.
  const snappy = createSnappyCompressor();
  const stats: RemoteWriterStats = {
    sentSamples: 0,
    droppedSamples: 0,
    queuedSamples: 0,
    maxQueuedSamplesSeen: 0,
    queuedBytes: 0,
    retries: 0,
    caughtUpSamples: 0,
    ackedMs: options.ackedMs ?? null,
  };
  // Rounds went missing between the last acknowledged one and the queue's first: the writer
  // started after a restart, or the queue overflowed. History fills the gap before the queue.
  let gap = stats.ackedMs !== null;
  const closing = new AbortController();
  let backoffMs = 0;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let overflowLogged = false;
  /** The oldest round the queue dropped since the last catch-up began (null: none). */
  let droppedFromMs: number | null = null;

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });

  function acked(timeMs: number) {
    if (stats.ackedMs !== null && timeMs <= stats.ackedMs) return;
    stats.ackedMs = timeMs;
    options.onAcked?.(timeMs);
  }

  function backOff(reason: string) {
    stats.retries += 1;
    backoffMs = Math.min(
      options.maxBackoffMs,
      backoffMs === 0 ? options.minBackoffMs : backoffMs * 2,
    );
    options.log(
      `remote write to ${redact(options.target.url)} failed (${reason}); retrying in ${backoffMs} ms`,
    );
  }

  /** Sends one catch-up batch until the receiver answers; false when `signal` aborted. */
  async function sendBatch(batch: CatchUpBatch, signal: AbortSignal): Promise<boolean> {
    const body = snappy.compress(batch.bytes);
    while (!signal.aborted) {
      let result: Awaited<ReturnType<typeof postWriteRequest>>;
      try {
        result = await postWriteRequest(options.target, body, {
          signal,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
      } catch {
        return false;
      }
      if (result.outcome === 'retry') {
        backOff(result.reason);
        await sleep(backoffMs, signal);
        continue;
      }
      backoffMs = 0;
      if (result.outcome === 'ok') stats.caughtUpSamples += batch.samples;
      else {
        stats.droppedSamples += batch.samples;
        options.log(
          `remote write to ${redact(options.target.url)} refused ${batch.series} caught-up series (${batch.samples} samples), dropped: ${result.reason}`,
        );
      }
      acked(batch.ackMs);
      return true;
    }
    return false;
  }

  /** Sends what history holds after the last acknowledged round and before the queue's first. */
  async function catchUp(source: CatchUpSource, signal: AbortSignal): Promise<boolean> {
    const from = stats.ackedMs!;
    const to = queue[0]!.timeMs;
    const dropped = droppedFromMs;
    droppedFromMs = null;
    // Not caught up after all: the rounds dropped before are still to be asked for.
    const unfinished = () => {
      if (dropped !== null) droppedFromMs = Math.min(dropped, droppedFromMs ?? dropped);
      return false;
    };
    try {
      for await (const batch of source.batches(from, to, signal, dropped ?? undefined)) {
        if (!(await sendBatch(batch, signal))) return unfinished();
      }
    } catch (error) {
      if (signal.aborted) return unfinished();
      options.log(
        `remote write to ${redact(options.target.url)}: catching up from history failed (${(error as Error).message}); those rounds are a gap`,
      );
    }
    return signal.aborted ? unfinished() : true;
  }

  async function sendAll(signal: AbortSignal): Promise<void> {
    while (queue.length > 0 && !signal.aborted) {
      if (gap && stats.ackedMs !== null && options.catchUp) {
        // Rounds the queue drops while this catch-up runs set `gap` again: a next one follows.
        gap = false;
        if (!(await catchUp(options.catchUp, signal))) {
          gap = true;
          return;
        }
        continue;
      }
      gap = false;
      const sampled = queue[0]!.round !== null;
      let rounds = 0;
      let samples = 0;
      let seriesCount = 0;
      let rawBytes = 0;
      while (rounds < queue.length) {
        const next = queue[rounds]!;
        if (rounds > 0 && samples + next.samples > options.maxBatchSamples) break;
        if ((next.round !== null) !== sampled) break;
        samples += next.samples;
        seriesCount += next.series;
        rawBytes += next.rawBytes;
        rounds += 1;
      }
      // The queue may drop its oldest rounds (overflow) while this request is out.
      const taken = queue.slice(0, rounds);
      const batch = new Set(taken);
      const lastTime = queue[rounds - 1]!.timeMs;
      let body: Buffer;
      if (lastBody !== null && lastBody.first === taken[0] && lastBody.rounds === rounds)
        body = lastBody.body;
      else {
        body = sampled
          ? snappy.compress(encodeSampledRounds(taken.map((e) => e.round!)))
          : Buffer.concat([snappyHeader(rawBytes), ...taken.map((e) => e.elements!)]);
        lastBody = { first: taken[0]!, rounds, body };
      }
      let result: Awaited<ReturnType<typeof postWriteRequest>>;
      try {
        result = await postWriteRequest(options.target, body, {
          signal,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        });
      } catch {
        return; // aborted: the rounds stay queued
      }
      if (result.outcome === 'retry') {
        backOff(result.reason);
        await sleep(backoffMs, signal);
        continue;
      }
      backoffMs = 0;
      lastBody = null;
      while (queue.length > 0 && batch.has(queue[0]!)) {
        const sent = queue.shift()!;
        stats.queuedSamples -= sent.samples;
      }
      acked(lastTime);
      if (result.outcome === 'ok') stats.sentSamples += samples;
      else {
        stats.droppedSamples += samples;
        options.log(
          `remote write to ${redact(options.target.url)} refused ${seriesCount} series (${samples} samples), dropped: ${result.reason}`,
        );
      }
    }
  }

  function run(): Promise<void> {
    running ??= sendAll(closing.signal).finally(() => {
      running = null;
    });
    return running;
  }

  const tick = () => {
    void run().finally(() => {
      if (!closing.signal.aborted) timer = setTimeout(tick, options.intervalMs);
    });
  };
  timer = setTimeout(tick, options.intervalMs);
  timer.unref?.();

  function pushEncoded(round: EncodedRound, samples: number, timeMs = round.timeMs ?? 0) {
    enqueue({
      elements: snappy.compressElements(round.bytes),
      round: null,
      rawBytes: round.bytes.length,
      series: round.series,
      samples,
      timeMs,
    });
  }

  function enqueue(entry: (typeof queue)[number]) {
    queue.push(entry);
    const samples = entry.samples;
    stats.queuedSamples += samples;
    let dropped = 0;
    while (stats.queuedSamples > options.maxQueuedSamples && queue.length > 1) {
      const old = queue.shift()!;
      stats.queuedSamples -= old.samples;
      dropped += old.samples;
      droppedFromMs ??= old.timeMs;
    }
    if (dropped > 0) {
      gap = true;
      stats.droppedSamples += dropped;
      if (!overflowLogged)
        options.log(
          `remote write queue for ${redact(options.target.url)} is full (${options.maxQueuedSamples} samples): dropping the oldest rounds`,
        );
      overflowLogged = true;
    } else if (stats.queuedSamples < options.maxQueuedSamples / 2) overflowLogged = false;
    stats.maxQueuedSamplesSeen = Math.max(stats.maxQueuedSamplesSeen, stats.queuedSamples);
  }

  return {
    push(series) {
      pushEncoded(
        { bytes: encodeWriteRequest(series), series: series.length },
        samplesOf(series),
        newestOf(series),
      );
    },
    pushEncoded,
    pushSampled(round) {
      const n = round.labels.length;
      enqueue({ elements: null, round, rawBytes: 0, series: n, samples: n, timeMs: round.timeMs });
    },
    async flush({ signal } = {}) {
      const any = signal ? AbortSignal.any([signal, closing.signal]) : closing.signal;
      // The send loop retries until the receiver answers; a caller's signal ends only the wait.
      let onAbort = () => {};
      const aborted = new Promise<void>((resolve) => {
        onAbort = resolve;
        if (any.aborted) resolve();
        any.addEventListener('abort', onAbort, { once: true });
      });
      try {
        while (queue.length > 0 && !any.aborted) {
          await Promise.race([run(), aborted]);
          if (queue.length > 0) await sleep(Math.max(backoffMs, 10), any);
        }
      } finally {
        // The writer's own signal outlives every flush: a listener left on it per call would
        // pile up for the writer's life.
        any.removeEventListener('abort', onAbort);
      }
    },
    stats: () => ({
      ...stats,
      queuedBytes: queue.reduce((n, e) => n + bytesOf(e), 0),
    }),
    async close() {
      closing.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}

/** What a queued round holds: its compressed bytes, or its values and label references. */
function bytesOf(e: { elements: Buffer | null; round: SampledRound | null }): number {
  if (e.elements !== null) return e.elements.length;
  return e.round!.values.byteLength + 8 * e.round!.labels.length;
}

/** A URL without its user info or query (they may carry secrets). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
