import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFamily, writeFamilies } from '@arcbox/perf-export';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteWriter, type RemoteWriter } from './create-remote-writer.js';
import { createFamiliesEncoder } from './encode-families.js';
import { familiesToSeries } from './families-to-series.js';

const hasPrometheus = existsSync('/usr/bin/prometheus');

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Debian's Prometheus (2.42) started by the test with its remote write receiver on 127.0.0.1:
 * what it stores, read back through its HTTP API, must equal what was pushed, sample for sample,
 * also across an outage of the receiver (stopped, then restarted on the same storage).
 */
describe.skipIf(!hasPrometheus)(
  'remote write into a real Prometheus (needs Debian prometheus)',
  () => {
    let dir: string;
    let port: number;
    let prometheus: ChildProcess | null = null;
    let promLog = '';
    const url = () => `http://127.0.0.1:${port}`;

    async function startPrometheus() {
      prometheus = spawn(
        '/usr/bin/prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-remote-write-receiver',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stderr?.on('data', (d: Buffer) => {
        promLog = (promLog + d.toString()).slice(-4000);
      });
      const end = Date.now() + 30_000;
      for (;;) {
        const ok = await fetch(`${url()}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        if (Date.now() > end) throw new Error(`prometheus did not start\n${promLog}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    async function stopPrometheus() {
      const p = prometheus;
      prometheus = null;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }

    /** Raw samples of a series (a range vector selector returns them unaggregated). */
    async function samples(selector: string, window: string): Promise<[number, string][]> {
      const q = `${selector}[${window}]`;
      const res = await fetch(`${url()}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
      return body.data.result[0]?.values ?? [];
    }

    const families = (i: number) => {
      const cpu = createFamily('arcbox_perf_cpu_seconds', 'counter', 'h', 'seconds');
      cpu.add({ cpu: '0', mode: 'user' }, 123_456.78 + i * 0.25);
      const mem = createFamily('arcbox_perf_memory_used_bytes', 'gauge', 'h', 'bytes');
      mem.add({}, 8_123_456_789 + i);
      return [cpu.family, mem.family];
    };
    // The two ways a round reaches the writer: as series (encoded and compressed as queued),
    // and as the agent queues it, sampled by a families encoder and encoded per request.
    const paths: [string, (instance: string) => (w: RemoteWriter, t: number, i: number) => void][] =
      [
        [
          'series',
          (instance) => (w, t, i) => w.push(familiesToSeries(families(i), t, { instance })),
        ],
        [
          'sampled rounds',
          (instance) => {
            const encoder = createFamiliesEncoder({ instance });
            return (w, t, i) =>
              w.pushSampled(encoder.sampleWritten((x) => writeFamilies(x, families(i)), t));
          },
        ],
      ];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'arcbox-rw-'));
      port = await freePort();
      await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
      await startPrometheus();
    });

    afterAll(async () => {
      await stopPrometheus();
      await rm(dir, { recursive: true, force: true });
    });

    it.each(paths)(
      'stores every pushed sample once, with its value and timestamp, across an outage (%s)',
      async (path, pusher) => {
        const instance = `rw-test-${process.pid}-${path.replace(' ', '-')}`;
        const push = pusher(instance);
        const log: string[] = [];
        await using writer = createRemoteWriter({
          target: { url: `${url()}/api/v1/write`, timeoutMs: 2000 },
          intervalMs: 500,
          maxQueuedSamples: 10_000,
          maxBatchSamples: 20,
          minBackoffMs: 100,
          maxBackoffMs: 1000,
          log: (l) => log.push(l),
        });
        const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
        const times: number[] = [];
        // 20 rounds at 1 s, then the receiver goes down for 20 more, then comes back for 20.
        for (let i = 0; i < 20; i++) push(writer, t0 + i * 1000, i);
        for (let i = 0; i < 60; i++) times.push(t0 + i * 1000);
        await writer.flush({ signal: AbortSignal.timeout(20_000) });
        await stopPrometheus();
        for (let i = 20; i < 40; i++) push(writer, t0 + i * 1000, i);
        await new Promise((r) => setTimeout(r, 1500)); // the writer retries against nothing
        expect(writer.stats().retries).toBeGreaterThan(0);
        await startPrometheus();
        for (let i = 40; i < 60; i++) push(writer, t0 + i * 1000, i);
        await writer.flush({ signal: AbortSignal.timeout(20_000) });
        expect(writer.stats()).toMatchObject({ sentSamples: 120, droppedSamples: 0 });

        const cpu = await samples(
          `arcbox_perf_cpu_seconds_total{instance="${instance}",cpu="0",mode="user"}`,
          '5m',
        );
        expect(cpu.map(([t]) => t * 1000)).toEqual(times);
        expect(cpu.map(([, v]) => Number(v))).toEqual(times.map((_, i) => 123_456.78 + i * 0.25));
        const mem = await samples(`arcbox_perf_memory_used_bytes{instance="${instance}"}`, '5m');
        expect(mem.map(([, v]) => Number(v))).toEqual(times.map((_, i) => 8_123_456_789 + i));
        const res = await fetch(
          `${url()}/api/v1/query?query=${encodeURIComponent(`count_over_time(arcbox_perf_memory_used_bytes{instance="${instance}"}[5m])`)}`,
        );
        const count = (await res.json()) as { data: { result: { value: [number, string] }[] } };
        expect(count.data.result[0]?.value[1]).toBe('60');
      },
    );
  },
);
