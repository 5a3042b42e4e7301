import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAgent, removeDir, startAgent, tempDir } from './testing/spawn-agent.js';
import { hasPrometheus, startTestPrometheus, type TestPrometheus } from './testing/prometheus.js';

const ready = hasPrometheus;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The built agent pushes to Debian's Prometheus while Prometheus is stopped for longer than the
 * agent's queue holds (and while the agent itself restarts): once Prometheus is back, every
 * round the agent's history holds is in Prometheus, once, in order.
 */
describe.skipIf(!ready)('remote write catching up from history (needs Debian prometheus)', () => {
  let dir: string;
  let prometheus: TestPrometheus;
  let promUrl: string;

  /** The times Prometheus holds for one host series of `instance`, ms. */
  async function promTimes(instance: string, range: string): Promise<number[]> {
    const expr = `arcbox_perf_memory_total_bytes{instance="${instance}"}[${range}]`;
    const result = await prometheus.query<{ values: [number, string][] }>(expr);
    return (result[0]?.values ?? []).map(([t]) => Math.round(t * 1000));
  }

  /** The times the agent's history holds for the host since `from`. */
  async function historyTimes(agent: RunningAgent, from: number): Promise<number[]> {
    const res = await agent.get(`/api/v1/history?series=system&fields=memoryTotal&from=${from}`);
    const body = (await res.json()) as { timestamps: number[] };
    return body.timestamps;
  }

  const agentConfig = (instance: string, maxQueuedSamples: number) =>
    [
      'interval: 1s',
      'history:\n  flushInterval: 1s',
      'sources:\n  containers:\n    discover: false\n  processes:\n    enabled: false',
      'export:',
      `  externalLabels: { instance: ${instance} }`,
      '  remoteWrite:',
      `    - url: ${promUrl}/api/v1/write`,
      '      interval: 1s',
      `      maxQueuedSamples: ${maxQueuedSamples}`,
      '',
    ].join('\n');

  /**
   * Every history row is in Prometheus once: the samples over the rows' span pair up with the
   * rows in order. A caught-up sample carries its row's time (when the host was read), a live
   * one its round's (when the round began, a few ms to a slow round's few hundred earlier).
   */
  function expectEveryRowOnce(rows: number[], stored: number[]) {
    const span = stored.filter((t) => t > rows[0]! - 700 && t <= rows.at(-1)!);
    expect(span.length, `${rows.length} rows, ${span.length} stored`).toBe(rows.length);
    const apart = rows.map((t, i) => Math.abs(t - span[i]!));
    expect(Math.max(...apart)).toBeLessThan(700);
  }

  beforeAll(async () => {
    dir = await tempDir('arcbox-rw-catch-up-');
    prometheus = await startTestPrometheus(dir);
    promUrl = prometheus.url;
  });

  afterAll(async () => {
    prometheus?.kill();
    await removeDir(dir);
  });

  it('leaves no gap after Prometheus is down for 2 minutes, longer than the queue holds', async () => {
    const instance = `catch-up-${process.pid}`;
    // The smallest queue allowed: some ten rounds of the host's series; 120 rounds are missed.
    const agent = await startAgent(agentConfig(instance, 1000));
    try {
      await agent.waitReady();
      await sleep(4000);
      await prometheus.stop();
      const downFrom = Date.now();
      await sleep(120_000);
      const downTo = Date.now();
      await prometheus.start();
      await agent.waitForOutput((t) => t.includes('queue for'), 1000);
      // Backoff is at most 3 intervals; the catch-up itself takes well under a second.
      await sleep(8000);
      const rows = await historyTimes(agent, downFrom - 2000);
      await sleep(3000);
      const stored = await promTimes(instance, '5m');
      expect(stored[0]).toBeLessThan(downFrom - 2000);
      expect(stored.at(-1)).toBeGreaterThan(downTo + 5000);
      const gaps = stored.slice(1).map((t, i) => t - stored[i]!);
      expect(Math.max(...gaps), `${stored.length} samples`).toBeLessThan(1900);
      expectEveryRowOnce(rows, stored);
    } finally {
      await agent.stop();
    }
    const summary =
      /caught up (\d+) from history, dropped \d+, queued at most (\d+) \(bound 1000\)/.exec(
        agent.output(),
      );
    expect(summary, agent.output()).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThan(1000);
    expect(Number(summary![2])).toBeLessThanOrEqual(1000);
  }, 200_000);

  it('catches up what history holds across agent restarts (SIGTERM, then SIGKILL) during an outage', async () => {
    const instance = `restart-${process.pid}`;
    const home = await tempDir('arcbox-rw-restart-');
    const config = agentConfig(instance, 1000);
    let agent = await startAgent(config, { dir: home });
    try {
      await agent.waitReady();
      await sleep(4000);
      await prometheus.stop();
      const downFrom = Date.now();
      await sleep(8000);
      await agent.stop('SIGTERM');
      const acks = JSON.parse(
        await readFile(join(home, 'state', 'remote-write-acks.json'), 'utf8'),
      );
      const [acked] = Object.values(acks.targets) as number[];
      expect(acked).toBeLessThan(downFrom);
      expect(acked).toBeGreaterThan(downFrom - 3000);
      agent = await startAgent(config, { dir: home, port: agent.port });
      await agent.waitReady();
      await sleep(8000);
      await agent.stop('SIGKILL');
      agent = await startAgent(config, { dir: home, port: agent.port });
      await agent.waitReady();
      await sleep(6000);
      await prometheus.start();
      await sleep(8000);
      // Every row history kept (the SIGKILLed agent's unflushed last second aside) is there.
      const rows = await historyTimes(agent, downFrom - 3000);
      await sleep(3000);
      const stored = await promTimes(instance, '3m');
      expectEveryRowOnce(rows, stored);
      expect(stored.filter((t) => t > downFrom).length).toBeGreaterThan(15);
    } finally {
      await agent.stop();
      await removeDir(home);
    }
  }, 120_000);
});
