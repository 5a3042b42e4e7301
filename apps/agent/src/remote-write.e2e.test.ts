import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type RunningAgent,
  removeDir,
  startAgent,
  tempDir,
} from './testing/spawn-agent.js';

const hasPrometheus = existsSync('/usr/bin/prometheus');

interface StreamedSample {
  time: number;
  system: {
    memoryTotal: number;
    memoryUsed: number;
    cpuCoreTimes: { id: number; times: { user: number; system: number } }[];
  };
}

/**
 * The built agent pushes to Debian's Prometheus (remote write receiver on 127.0.0.1): the values
 * Prometheus stores at a round's timestamp equal the ones the agent streamed for that round.
 */
describe.skipIf(!hasPrometheus)(
  'the agent pushing to a real Prometheus (needs Debian prometheus)',
  () => {
    let dir: string;
    let agent: RunningAgent;
    let prometheus: ChildProcess;
    let promUrl: string;
    let promLog = '';
    const instance = `agent-rw-${process.pid}`;

    async function query(expr: string, time: number): Promise<string | null> {
      const res = await fetch(
        `${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time / 1000}`,
      );
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0]?.value[1] ?? null;
    }

    beforeAll(async () => {
      dir = await tempDir('arcbox-rw-');
      const promPort = await freePort();
      promUrl = `http://127.0.0.1:${promPort}`;
      await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
      prometheus = spawn(
        '/usr/bin/prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'prom-data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          '--web.enable-remote-write-receiver',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stderr?.on('data', (d: Buffer) => {
        promLog = (promLog + d.toString()).slice(-4000);
      });
      agent = await startAgent(
        [
          'interval: 1s',
          'history:\n  persist: false',
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
      prometheus?.kill('SIGTERM');
      await removeDir(dir);
    });

    it('stores the values the agent had at the same timestamps', async () => {
      // One round as the agent's stream sends it, with its time.
      const res = await agent.get('/api/v1/stream');
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const sample = JSON.parse(/data: (.*)\n/.exec(text)![1]!) as StreamedSample;
      const sel = `{instance="${instance}",site="test"}`;
      let used: string | null = null;
      const end = Date.now() + 30_000;
      while (used === null && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 500));
        // A range selector at the round's time: only that exact timestamp counts.
        used = await query(`max_over_time(arcbox_perf_memory_used_bytes${sel}[1ms])`, sample.time);
      }
      if (used === null)
        throw new Error(`no sample at ${sample.time}\n${agent.output()}\n${promLog}`);
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
  },
);
