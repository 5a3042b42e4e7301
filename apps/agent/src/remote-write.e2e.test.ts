import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAgent, removeDir, startAgent, tempDir } from './testing/spawn-agent.js';
import { hasPrometheus, startTestPrometheus, type TestPrometheus } from './testing/prometheus.js';
import { canMakeCgroups, createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';

const ready = hasPrometheus && canMakeCgroups;
const dashboardFile = new URL('../grafana/arcbox-perf-fleet.json', import.meta.url);

interface StreamedSample {
  time: number;
  system: {
    memoryTotal: number;
    memoryUsed: number;
    cpuCoreTimes: { id: number; times: { user: number; system: number } }[];
  };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: { refId: string; expr: string }[];
}

/**
 * The built agent (sampling the host and a cgroup made here) pushes to Debian's Prometheus
 * (remote write receiver on 127.0.0.1): the values Prometheus stores at a round's timestamp
 * equal the ones the agent streamed for that round, and every query of the Grafana dashboard
 * finds series there.
 */
describe.skipIf(!ready)(
  'the agent pushing to a real Prometheus (needs root and Debian prometheus)',
  () => {
    let dir: string;
    let agent: RunningAgent;
    let prometheus: TestPrometheus;
    let promUrl: string;
    let cgroup: TestCgroup;
    const instance = `agent-rw-${process.pid}`;

    async function query(expr: string, time: number): Promise<string | null> {
      const result = await prometheus.query<{ value: [number, string] }>(expr, time);
      return result[0]?.value[1] ?? null;
    }

    beforeAll(async () => {
      dir = await tempDir('arcbox-rw-');
      cgroup = await createTestCgroup(`arcbox-rw-${process.pid}`);
      await cgroup.run();
      prometheus = await startTestPrometheus(dir);
      promUrl = prometheus.url;
      agent = await startAgent(
        [
          'interval: 1s',
          'history:\n  persist: false',
          `sources:\n  containers:\n    discover: false\n    paths: ["${cgroup.path}"]`,
          'export:',
          `  externalLabels: { instance: ${instance}, site: test }`,
          '  remoteWrite:',
          `    - url: ${promUrl}/api/v1/write`,
          '      interval: 1s',
          '      headers: { X-Scope-OrgID: tenant-a }',
          '',
        ].join('\n'),
      );
      await agent.waitReady();
    });

    afterAll(async () => {
      await agent?.stop();
      prometheus?.kill();
      await cgroup?.remove();
      await removeDir(dir);
    });

    it('stores the values the agent had at the same timestamps', async () => {
      // One round as the agent's stream sends it, with its time.
      const res = await agent.get('/api/v1/stream');
      const reader = res.body!.getReader();
      let text = '';
      // The first sample event (the alerts come on the same stream).
      while (!/event: sample\ndata: .*\n/.test(text))
        text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const sample = JSON.parse(/event: sample\ndata: (.*)\n/.exec(text)![1]!) as StreamedSample;
      const sel = `{instance="${instance}",site="test"}`;
      let used: string | null = null;
      const end = Date.now() + 30_000;
      while (used === null && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 500));
        // A 1 ms range at the round's time: only that exact timestamp counts.
        used = await query(`max_over_time(arcbox_perf_memory_used_bytes${sel}[1ms])`, sample.time);
      }
      if (used === null)
        throw new Error(`no sample at ${sample.time}\n${agent.output()}\n${prometheus.log()}`);
      expect(Number(used)).toBe(sample.system.memoryUsed);
      expect(
        Number(
          await query(`max_over_time(arcbox_perf_memory_total_bytes${sel}[1ms])`, sample.time),
        ),
      ).toBe(sample.system.memoryTotal);
      const core = sample.system.cpuCoreTimes[0]!;
      const cpu = await query(
        `max_over_time(arcbox_perf_cpu_seconds_total{cpu="${core.id}",mode="user",instance="${instance}"}[1ms])`,
        sample.time,
      );
      expect(Number(cpu)).toBe(core.times.user);
      // The agent's own series and build info arrive too, as on /metrics.
      expect(await query(`count(arcbox_perf_build_info${sel})`, Date.now())).toBe('1');
      expect(await query(`count(process_resident_memory_bytes${sel})`, Date.now())).toBe('1');
    });

    it('answers every query of the Grafana dashboard with at least one series', async () => {
      const dashboard = JSON.parse(await readFile(dashboardFile, 'utf8')) as {
        uid: string;
        title: string;
        schemaVersion: number;
        templating: { list: { name: string; type: string }[] };
        panels: Panel[];
      };
      // The parts of Grafana's dashboard JSON model an import needs, checked field by field.
      expect(dashboard).toMatchObject({ uid: expect.any(String), title: expect.any(String) });
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([
        ['datasource', 'datasource'],
        ['instance', 'query'],
      ]);
      const ids = new Set<number>();
      for (const panel of dashboard.panels) {
        expect(ids.has(panel.id), `panel id ${panel.id} twice`).toBe(false);
        ids.add(panel.id);
        expect(['timeseries', 'table']).toContain(panel.type);
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        expect(panel.datasource.type).toBe('prometheus');
        expect(panel.targets.length).toBeGreaterThan(0);
      }
      // Rates need two samples inside their window: give the pushes a few rounds.
      await new Promise((r) => setTimeout(r, 4000));
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          const expr = target.expr
            .replaceAll('$instance', instance)
            .replaceAll('$__rate_interval', '1m');
          const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
          const body = (await res.json()) as {
            status: string;
            error?: string;
            data: { result: unknown[] };
          };
          expect(body.status, `${panel.title}: ${expr}: ${body.error}`).toBe('success');
          expect(body.data.result.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        }
      }
    });

    it('loses no round while Prometheus is down for 15 s (within the queue; the 2-minute outage is in remote-write-catch-up.e2e.test.ts)', async () => {
      await prometheus.stop();
      const downFrom = Date.now();
      await new Promise((r) => setTimeout(r, 15_000));
      const downTo = Date.now();
      await prometheus.start();
      // Retries back off to at most 3 intervals (3 s here); then the queue drains.
      await new Promise((r) => setTimeout(r, 8000));
      const expr = `arcbox_perf_memory_total_bytes{instance="${instance}"}[2m]`;
      const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
      const times = (body.data.result[0]?.values ?? []).map(([t]) => t * 1000);
      expect(times[0]).toBeLessThan(downFrom - 2000);
      expect(times.at(-1)).toBeGreaterThan(downTo + 2000);
      // One sample a round at 1 s: no gap (a lost round would leave 2 s), none twice.
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.max(...gaps), `rounds ${times.length}`).toBeLessThan(1900);
      expect(Math.min(...gaps)).toBeGreaterThan(100);
      expect(agent.output()).toMatch(
        /remote write to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write failed/,
      );
    });
  },
);
