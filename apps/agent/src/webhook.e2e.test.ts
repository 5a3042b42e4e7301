import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAgent, removeDir, startAgent } from './testing/spawn-agent.js';
import { canMakeCgroups, createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';

interface Received {
  status: string;
  repeat: boolean;
  alert: { rule: string; series: string; state: string; severity: string };
}

/**
 * A busy loop in a cgroup the test made drives a container CPU rule to firing; killing the loop
 * resolves it. A webhook receiver in the test (failing its first request with a 500, to prove
 * the retry) gets both notifications.
 */
describe.skipIf(!canMakeCgroups)(
  'webhook notifications of a real alert (needs root for cgroups)',
  () => {
    let receiver: Server;
    let hookUrl: string;
    const received: Received[] = [];
    let requests = 0;
    let agent: RunningAgent;
    let cgroup: TestCgroup;
    const name = `arcbox-hook-${process.pid}`;

    beforeAll(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d));
        req.on('end', () => {
          requests += 1;
          if (requests === 1) {
            res.writeHead(500).end('try again');
            return;
          }
          received.push(JSON.parse(body) as Received);
          res.writeHead(204).end();
        });
      });
      receiver.listen(0, '127.0.0.1');
      await once(receiver, 'listening');
      hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      cgroup = await createTestCgroup(name);
      agent = await startAgent(
        [
          'interval: 500ms',
          'sources:',
          '  containers: { discover: false, paths: ["' + cgroup.path + '"] }',
          'rules:',
          `  - { name: busy-container, metric: container.cpuPercent, comparison: ">", warn: 10, clear: 3, for: 1s, match: { id: "*${name}" } }`,
          'notifications:',
          '  webhooks:',
          `    - { url: "${hookUrl}", retries: 3, backoff: 100ms, timeout: 2s }`,
          '',
        ].join('\n'),
      );
      await agent.waitReady();
    });

    afterAll(async () => {
      await agent?.stop();
      await cgroup?.remove();
      receiver?.close();
      if (agent) await removeDir(agent.dir);
    });

    it('sends firing, then resolved, each once, retrying a failed delivery', async () => {
      const loop = await cgroup.run();
      await expect
        .poll(() => received.length, { timeout: 30_000, interval: 200 })
        .toBeGreaterThanOrEqual(1);
      expect(received[0]).toMatchObject({
        status: 'firing',
        repeat: false,
        alert: { rule: 'busy-container', state: 'firing', severity: 'warning' },
      });
      expect(received[0]!.alert.series).toMatch(new RegExp(`^container:.*${name}$`));
      expect(requests).toBe(2);
      expect(agent.output()).toMatch(/alert firing: warning rule=busy-container/);
      const alerts = (await (await agent.get('/api/v1/alerts')).json()) as {
        alerts: Array<{ rule: string; state: string }>;
      };
      expect(alerts.alerts).toContainEqual(
        expect.objectContaining({ rule: 'busy-container', state: 'firing' }),
      );

      loop.kill('SIGKILL');
      await expect
        .poll(() => received.length, { timeout: 30_000, interval: 200 })
        .toBeGreaterThanOrEqual(2);
      expect(received[1]).toMatchObject({
        status: 'resolved',
        alert: { rule: 'busy-container', state: 'resolved' },
      });
      expect(received.filter((r) => r.status === 'firing')).toHaveLength(1);
    });
  },
);
