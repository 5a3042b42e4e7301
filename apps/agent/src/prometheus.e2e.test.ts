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
import { canMakeCgroups, createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';
import { hasQemu, startTestVm, type TestVm } from './testing/test-qemu.js';

const hasPrometheus = existsSync('/usr/bin/prometheus');
const ready = hasPrometheus && canMakeCgroups && hasQemu;

interface PromVector {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * A real Prometheus (Debian's) started by the test on 127.0.0.1 with its own config and data
 * directory scrapes the built agent every second; the answers of its HTTP API are checked
 * against the agent's own snapshot.
 */
describe.skipIf(!ready)(
  'a real Prometheus scraping the agent (needs root, Debian prometheus and qemu-system-x86)',
  () => {
    let dir: string;
    let agent: RunningAgent;
    let prometheus: ChildProcess;
    let promUrl: string;
    let cgroup: TestCgroup;
    let vm: TestVm;
    let promLog = '';
    const name = `arcbox-prom-${process.pid}`;

    async function query(expr: string): Promise<PromVector[]> {
      const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as {
        status: string;
        data: { result: PromVector[] };
        error?: string;
      };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data.result;
    }

    async function until<T>(
      what: string,
      f: () => Promise<T | null>,
      timeoutMs = 40_000,
    ): Promise<T> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const value = await f().catch(() => null);
        if (value !== null) return value;
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${what}\n${promLog.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }

    beforeAll(async () => {
      dir = await tempDir('arcbox-prom-');
      cgroup = await createTestCgroup(name);
      await cgroup.run();
      vm = await startTestVm(dir, `arcbox-prom-vm-${process.pid}`);
      agent = await startAgent(
        `interval: 1s\nsources:\n  containers:\n    discover: false\n    paths: ["${cgroup.path}"]\n  vms:\n    sockets: ["${vm.socket}"]\n`,
      );
      await agent.waitReady();
      const promPort = await freePort();
      promUrl = `http://127.0.0.1:${promPort}`;
      const config = join(dir, 'prometheus.yml');
      await writeFile(
        config,
        [
          'global:',
          '  scrape_interval: 1s',
          '  scrape_timeout: 1s',
          'scrape_configs:',
          '  - job_name: arcbox',
          '    static_configs:',
          `      - targets: ["127.0.0.1:${agent.port}"]`,
          '',
        ].join('\n'),
      );
      prometheus = spawn(
        'prometheus',
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stderr?.on('data', (d: Buffer) => (promLog += d));
      // Enough scrapes for a rate over a few seconds.
      await until('six scrapes', async () => {
        const r = await query('count_over_time(up{job="arcbox"}[1m])');
        return Number(r[0]?.value[1] ?? 0) >= 6 ? r : null;
      });
    });

    afterAll(async () => {
      prometheus?.kill('SIGTERM');
      if (prometheus && prometheus.exitCode === null)
        await new Promise((r) => prometheus.once('exit', r));
      await agent?.stop();
      await cgroup?.remove();
      await vm?.stop();
      if (agent) await removeDir(agent.dir);
      if (dir) await removeDir(dir);
    });

    it('sees the agent up', async () => {
      const up = await query('up{job="arcbox"}');
      expect(up.map((v) => v.value[1])).toEqual(['1']);
    });

    it('rate(arcbox_perf_cpu_seconds_total) adds up to one second per second per CPU of the snapshot', async () => {
      const snapshot = (await (await agent.get('/api/v1/snapshot')).json()) as {
        system: {
          cpuCount: number;
          cpuCoreTimes: Array<{ id: number; times: Record<string, number> }>;
        };
      };
      const perCpu = await query('sum by (cpu) (rate(arcbox_perf_cpu_seconds_total[5s]))');
      expect(perCpu.map((v) => v.metric.cpu).sort()).toEqual(
        snapshot.system.cpuCoreTimes.map((c) => String(c.id)).sort(),
      );
      for (const v of perCpu) {
        // Each CPU spends one second per second in some mode (USER_HZ ticks make it a little jumpy).
        expect(Number(v.value[1])).toBeGreaterThan(0.8);
        expect(Number(v.value[1])).toBeLessThan(1.2);
      }
      const total = await query('sum(rate(arcbox_perf_cpu_seconds_total[5s]))');
      expect(Number(total[0]!.value[1])).toBeCloseTo(snapshot.system.cpuCount, 0);
      // What Prometheus stored is a counter value the agent has since gone past.
      const idle = await query('arcbox_perf_cpu_seconds_total{cpu="0",mode="idle"}');
      const now = (await (await agent.get('/api/v1/snapshot')).json()) as typeof snapshot;
      const agentIdle = now.system.cpuCoreTimes.find((c) => c.id === 0)!.times.idle!;
      expect(Number(idle[0]!.value[1])).toBeLessThanOrEqual(agentIdle);
      expect(Number(idle[0]!.value[1])).toBeGreaterThan(agentIdle - 30);
    });

    it('has the test cgroup as a container series burning about one CPU', async () => {
      const snapshot = (await (await agent.get('/api/v1/snapshot')).json()) as {
        containers: Array<{ id: string; name: string; cpuSeconds: number }>;
      };
      const mine = snapshot.containers.find((c) => c.id.endsWith(name));
      expect(mine, JSON.stringify(snapshot.containers.map((c) => c.id))).toBeDefined();
      const series = await query(`arcbox_perf_container_cpu_seconds_total{id="${mine!.id}"}`);
      expect(series).toHaveLength(1);
      expect(series[0]!.metric.name).toBe(mine!.name);
      expect(Number(series[0]!.value[1])).toBeLessThanOrEqual(mine!.cpuSeconds);
      const rate = await query(
        `rate(arcbox_perf_container_cpu_seconds_total{id="${mine!.id}"}[5s])`,
      );
      // A busy loop on a loaded 2-core machine (others run too): clearly above idle, at most one core.
      expect(Number(rate[0]!.value[1])).toBeGreaterThan(0.05);
      expect(Number(rate[0]!.value[1])).toBeLessThan(1.1);
      const info = await query(`arcbox_perf_container_info{id="${mine!.id}"}`);
      expect(info[0]?.metric.runtime).toBe('cgroup');
    });

    it('has the test VM with one vCPU series per vCPU of the snapshot', async () => {
      const snapshot = (await (await agent.get('/api/v1/snapshot')).json()) as {
        vms: Array<{
          id: string;
          vcpus: Array<{ index: number; cpuSeconds: number | null }>;
          memoryTotal: number | null;
        }>;
      };
      const mine = snapshot.vms.find((v) => v.id === vm.id);
      expect(mine, JSON.stringify(snapshot.vms.map((v) => v.id))).toBeDefined();
      const vcpus = await query(`arcbox_perf_vm_vcpu_seconds_total{vm="${vm.id}"}`);
      expect(vcpus.map((v) => v.metric.vcpu).sort()).toEqual(
        mine!.vcpus.map((c) => String(c.index)).sort(),
      );
      expect(vcpus).toHaveLength(2);
      const memory = await query(`arcbox_perf_vm_memory_total_bytes{vm="${vm.id}"}`);
      expect(Number(memory[0]!.value[1])).toBe(mine!.memoryTotal);
      expect(mine!.memoryTotal).toBe(64 * 1024 * 1024);
    });

    it('has per-collector health series', async () => {
      const ok = await query('arcbox_perf_scrape_collector_success');
      expect(Object.fromEntries(ok.map((v) => [v.metric.collector, v.value[1]]))).toEqual({
        system: '1',
        containers: '1',
        vms: '1',
        filesystems: '1',
        processes: '1',
      });
    });

    it('has the kept processes only: at most 3 x 10 series, labelled by pid and comm', async () => {
      const cpu = await query('arcbox_perf_process_cpu_seconds_total');
      expect(cpu.length).toBeGreaterThan(0);
      expect(cpu.length).toBeLessThanOrEqual(30);
      for (const v of cpu) {
        expect(v.metric.pid).toMatch(/^\d+$/);
        expect(typeof v.metric.comm).toBe('string');
      }
      const rss = await query('arcbox_perf_process_resident_memory_bytes');
      // Kernel threads have no resident memory: absent from that family, not 0.
      expect(rss.length).toBeGreaterThan(0);
      expect(rss.length).toBeLessThanOrEqual(cpu.length);
    });

    it("has every filesystem of the snapshot under node_exporter's labels", async () => {
      const snapshot = (await (await agent.get('/api/v1/snapshot')).json()) as {
        filesystems: Array<{
          mountPoint: string;
          device: string;
          fsType: string;
          sizeBytes: number;
        }>;
      };
      expect(snapshot.filesystems.length).toBeGreaterThan(0);
      const sizes = await query('arcbox_perf_filesystem_size_bytes');
      expect(sizes.map((v) => v.metric.mountpoint).sort()).toEqual(
        snapshot.filesystems.map((f) => f.mountPoint).sort(),
      );
      for (const f of snapshot.filesystems) {
        const v = sizes.find((s) => s.metric.mountpoint === f.mountPoint)!;
        expect(v.metric).toMatchObject({ device: f.device, fstype: f.fsType });
        expect(Number(v.value[1])).toBe(f.sizeBytes);
      }
    });
  },
);
