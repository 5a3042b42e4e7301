import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteWriter } from './create-remote-writer.js';
import { decodeWriteRequest } from './decode-write-request.js';
import { createFamiliesEncoder } from './encode-families.js';
import { encodeWriteRequest } from './encode-write-request.js';
import { snappyUncompress } from './snappy-block.js';
import type { RemoteSeries } from './write-request.js';

interface Received {
  headers: IncomingMessage['headers'];
  series: RemoteSeries[];
}

let server: Server | null = null;
afterEach(async () => {
  server?.close();
  server = null;
});

/** A receiver answering each request with the next status of `statuses` (then 204). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  let answered = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[answered++] ?? 204;
      if (status < 300) {
        const body = snappyUncompress(Buffer.concat(chunks), 10_000_000);
        received.push({ headers: req.headers, series: decodeWriteRequest(body) });
      }
      res.writeHead(status).end(status >= 400 ? 'out of order sample\n' : undefined);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/api/v1/write`, received, count: () => answered };
}

const round = (t: number, n = 2): RemoteSeries[] =>
  Array.from({ length: n }, (_, i) => ({
    labels: [{ name: '__name__', value: `m${i}` }],
    samples: [{ value: t, timestampMs: t }],
  }));

function writer(
  url: string,
  log: string[],
  extra: Partial<Parameters<typeof createRemoteWriter>[0]> = {},
) {
  return createRemoteWriter({
    ...extra,
    target: { url, timeoutMs: 2000, bearerToken: 'sekret', headers: { 'X-Scope-OrgID': 'a' } },
    intervalMs: 60_000,
    maxQueuedSamples: extra.maxQueuedSamples ?? 1000,
    maxBatchSamples: 4,
    minBackoffMs: 5,
    maxBackoffMs: 20,
    log: (l) => log.push(l),
  });
}

describe('createRemoteWriter', () => {
  it('sends with the documented headers, oldest first, in bounded batches', async () => {
    const r = await receiver([]);
    const log: string[] = [];
    await using w = writer(r.url, log);
    for (const t of [1, 2, 3]) w.push(round(t));
    await w.flush();
    expect(r.received.map((x) => x.series.map((s) => s.samples[0]!.timestampMs))).toEqual([
      [1, 1, 2, 2],
      [3, 3],
    ]);
    const h = r.received[0]!.headers;
    expect(h['content-encoding']).toBe('snappy');
    expect(h['content-type']).toBe('application/x-protobuf');
    expect(h['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(h.authorization).toBe('Bearer sekret');
    expect(h['x-scope-orgid']).toBe('a');
    expect(w.stats()).toMatchObject({ sentSamples: 6, droppedSamples: 0, queuedSamples: 0 });
  });

  it('retries 503, 429 and a dead receiver with backoff, then delivers once', async () => {
    const r = await receiver([503, 429, 500]);
    const log: string[] = [];
    await using w = writer(r.url, log);
    w.push(round(1));
    await w.flush();
    expect(r.count()).toBe(4);
    expect(r.received).toHaveLength(1);
    expect(w.stats()).toMatchObject({ sentSamples: 2, retries: 3 });
    expect(log.join('\n')).toMatch(/HTTP 503: out of order sample\); retrying in 5 ms/);
    expect(log.join('\n')).not.toMatch(/sekret/);

    const dead = writer('http://127.0.0.1:1/api/v1/write', log);
    // Rounds are queued compressed.
    const big = (t: number) =>
      Array.from({ length: 200 }, (_, i) => ({
        labels: [{ name: '__name__', value: `arcbox_perf_container_memory_bytes_${i % 4}` }],
        samples: [{ value: i % 7, timestampMs: t }],
      }));
    dead.push(big(1));
    const raw = encodeWriteRequest(big(1)).length;
    expect(dead.stats().queuedBytes).toBeLessThan(raw / 4);
    await dead.flush({ signal: AbortSignal.timeout(200) });
    expect(dead.stats()).toMatchObject({ sentSamples: 0, queuedSamples: 200 });
    expect(dead.stats().retries).toBeGreaterThan(1);
    dead.push(big(2));
    expect(dead.stats().queuedBytes).toBeLessThan((2 * raw) / 4);
    await dead.close();
  });

  it('drops a batch a receiver refuses with 400, with one line naming the series count', async () => {
    const r = await receiver([400]);
    const log: string[] = [];
    await using w = writer(r.url, log);
    w.push(round(1));
    w.push(round(2));
    w.push(round(3));
    await w.flush();
    expect(log).toEqual([
      expect.stringMatching(/refused 4 series \(4 samples\), dropped: HTTP 400: out of order/),
    ]);
    expect(w.stats()).toMatchObject({ sentSamples: 2, droppedSamples: 4 });
  });

  it('keeps memory under its bound while the receiver is down, dropping the oldest', async () => {
    const log: string[] = [];
    const w = writer('http://127.0.0.1:1/api/v1/write', log, { maxQueuedSamples: 10 });
    for (let t = 1; t <= 100; t++) w.push(round(t));
    expect(w.stats()).toMatchObject({ queuedSamples: 10, droppedSamples: 190 });
    expect(w.stats().maxQueuedSamplesSeen).toBeLessThanOrEqual(10);
    expect(log.filter((l) => l.includes('queue'))).toHaveLength(1);
    await w.close();
  });

  it('fills the rounds the queue dropped from the catch-up source first, then goes on live', async () => {
    const r = await receiver([]);
    const log: string[] = [];
    const asked: [number, number][] = [];
    const acked: number[] = [];
    const w = writer('http://127.0.0.1:1/api/v1/write', log, {
      maxQueuedSamples: 4,
      onAcked: (t) => acked.push(t),
    });
    // Receiver down: rounds 1..10 queued, 1..8 dropped.
    for (let t = 1; t <= 10; t++) w.push(round(t));
    await w.close();
    expect(w.stats().queuedSamples).toBe(4);

    // The same rounds on a writer that had round 2 acknowledged before (a restart), with a
    // source that holds rounds 3..8 as history would: sent before 9 and 10, each batch acked.
    await using again = writer(r.url, log, {
      ackedMs: 2,
      onAcked: (t) => acked.push(t),
      catchUp: {
        async *batches(after, before) {
          asked.push([after, before]);
          for (let t = after + 1; t < before; t += 3) {
            const rounds = [t, t + 1, t + 2].filter((x) => x < before).flatMap((x) => round(x));
            yield {
              bytes: encodeWriteRequest(rounds),
              series: rounds.length,
              samples: rounds.length,
              ackMs: Math.min(t + 2, before - 1),
            };
          }
        },
      },
    });
    for (const t of [9, 10]) again.push(round(t));
    await again.flush();
    expect(asked).toEqual([[2, 9]]);
    const times = r.received.flatMap((x) => x.series.map((s) => s.samples[0]!.timestampMs));
    expect(times).toEqual([3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10]);
    expect(acked).toEqual([5, 8, 10]);
    expect(again.stats()).toMatchObject({ caughtUpSamples: 12, sentSamples: 4, ackedMs: 10 });
  });

  it('tells the catch-up from which round on the queue dropped rounds', async () => {
    const r = await receiver([]);
    const asked: (number | undefined)[][] = [];
    const catchUp = {
      // biome-ignore lint/correctness/useYield: history holds nothing here; only the ask counts
      async *batches(after: number, before: number, _signal: AbortSignal, resumeFrom?: number) {
        asked.push([after, before, resumeFrom]);
      },
    };
    // Round 2 acknowledged before a restart; this agent's rounds 3 to 6, the queue holding two:
    // 3 and 4 dropped. A restarted agent's first round can lie within half an interval of the
    // acknowledged one, where the catch-up would otherwise skip its rows as the acked round's.
    await using w = writer(r.url, [], { ackedMs: 2, maxQueuedSamples: 4, catchUp });
    for (const t of [3, 4, 5, 6]) w.push(round(t));
    await w.flush();
    // Later drops start from their own oldest round.
    for (const t of [7, 8, 9]) w.push(round(t));
    await w.flush();
    expect(asked).toEqual([
      [2, 5, 3],
      [6, 8, 7],
    ]);
    expect(w.stats().ackedMs).toBe(9);
  });

  it('asks no catch-up without a gap, and without an acknowledged round to start from', async () => {
    const r = await receiver([]);
    const asked: number[] = [];
    const catchUp = {
      // biome-ignore lint/correctness/useYield: a source asked for nothing yields nothing
      async *batches(after: number) {
        asked.push(after);
      },
    };
    await using w = writer(r.url, [], { catchUp });
    for (const t of [1, 2, 3]) w.push(round(t));
    await w.flush();
    w.push(round(4));
    await w.flush();
    expect(asked).toEqual([]);
    expect(w.stats().ackedMs).toBe(4);
  });

  it('sends sampled rounds a series at a time per request, after the encoded rounds before them, and retries one body', async () => {
    const r = await receiver([503]);
    const log: string[] = [];
    await using w = writer(r.url, log);
    const encoder = createFamiliesEncoder();
    const sampled = (t: number) =>
      encoder.sampleWritten((x) => {
        x.family({ name: 'm', help: 'h', type: 'gauge' });
        x.sample({ i: '0' }, t);
        x.sample({ i: '1' }, -t);
      }, t);
    w.push(round(1));
    for (const t of [2, 3, 4, 5]) w.pushSampled(sampled(t));
    w.push(round(6));
    expect(w.stats()).toMatchObject({ queuedSamples: 12, queuedBytes: expect.any(Number) });
    await w.flush();
    // A request holds rounds of one form, 4 samples at most: [1], [2, 3], [4, 5], [6].
    expect(r.received.map((x) => x.series.map((s) => s.samples.map((p) => p.timestampMs)))).toEqual(
      [
        [[1], [1]],
        [
          [2, 3],
          [2, 3],
        ],
        [
          [4, 5],
          [4, 5],
        ],
        [[6], [6]],
      ],
    );
    expect(r.received[1]!.series[1]).toEqual({
      labels: [
        { name: '__name__', value: 'm' },
        { name: 'i', value: '1' },
      ],
      samples: [2, 3].map((t) => ({ value: -t, timestampMs: t })),
    });
    expect(w.stats()).toMatchObject({ sentSamples: 12, retries: 1, ackedMs: 6, queuedSamples: 0 });
  });

  it('leaves no listener behind on its own signal per flush', async () => {
    const r = await receiver([]);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      await using w = writer(r.url, []);
      for (let t = 1; t <= 15; t++) {
        w.push(round(t));
        await w.flush();
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
      expect(w.stats().sentSamples).toBe(30);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
