import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GpuReading } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSources } from '../config/resolve-sources.js';
import type { PerfSample } from '../perf-monitor.js';
import { recordSamples } from './record-samples.js';
import { replaySamples } from './replay-samples.js';

const fixtures = new URL('../../__fixtures__/gpu/', import.meta.url).pathname;
const cgroupBase = '/sys/fs/cgroup';
const v1Controllers = ['cpuacct', 'memory', 'pids', 'blkio'].filter((c) =>
  existsSync(join(cgroupBase, c, 'cgroup.procs')),
);
const ready =
  process.platform === 'linux' && process.getuid?.() === 0 && v1Controllers.length === 4;
// A Docker-style container id for the cgroup this test makes and puts a real process in.
const id = `${'a6e0'.repeat(15)}${process.pid.toString(16).padStart(4, '0').slice(-4)}`;

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe.skipIf(!ready)(
  'GPU record and replay (needs root and cgroup v1 cpuacct, memory, pids, blkio to make /docker/<id>)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcbox-gpu-record-'));
    const bin = join(dir, 'bin');
    const made: string[] = [];
    let sleeper: ChildProcess;
    beforeAll(() => {
      sleeper = spawn('sleep', ['120'], { stdio: 'ignore' });
      for (const c of v1Controllers) {
        for (const d of [join(cgroupBase, c, 'docker'), join(cgroupBase, c, 'docker', id)])
          if (!existsSync(d)) {
            mkdirSync(d);
            made.push(d);
          }
        appendFileSync(join(cgroupBase, c, 'docker', id, 'cgroup.procs'), `${sleeper.pid}\n`);
      }
      // A stand-in nvidia-smi: the stream prints the two constructed lines every -lms period;
      // compute apps list the container's real pid on the T4 and this test's pid (the host) on
      // the A10G; -q -x prints the real T4 capture.
      mkdirSync(bin);
      writeFileSync(
        join(bin, 'nvidia-smi'),
        `#!/bin/sh
case "$*" in
  *--query-compute-apps*) printf '%s\\n%s\\n' "${sleeper.pid}, GPU-d37e67a5-91dd-3774-a5cb-99096249601a, 512" "${process.pid}, GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94, 100"; exit 0 ;;
  *-x*) exec cat ${join(fixtures, 'tesla-t4.xml')} ;;
esac
while :; do cat ${join(fixtures, 'query-gpu-a10g-t4.csv')}; sleep 0.1; done
`,
      );
      chmodSync(join(bin, 'nvidia-smi'), 0o755);
    });
    afterAll(async () => {
      // A cgroup with a process in it (even one killed but not yet reaped) cannot be removed:
      // wait for the exit, or every run leaves its /docker/<id> behind.
      if (sleeper && sleeper.exitCode === null && sleeper.signalCode === null) {
        const exited = once(sleeper, 'exit');
        sleeper.kill('SIGKILL');
        await exited;
      }
      for (const d of made.reverse()) {
        for (let i = 0; ; i++) {
          try {
            rmdirSync(d);
            break;
          } catch (e) {
            if (i === 50) throw e;
            await sleep(20);
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps what nvidia-smi printed in each reading, and a replay gives the same GPU samples', async () => {
      const sources = resolveSources({
        sources: {
          containers: { paths: [`/docker/${id}`] },
          docker: { enabled: false },
          vms: { enabled: false },
          filesystems: { enabled: false },
          processes: { enabled: false },
          gpus: { interval: '100ms', appsInterval: '1s' },
        },
      });
      const live: PerfSample[] = [];
      const rec = join(dir, 'rec');
      const summary = await recordSamples({
        dir: rec,
        count: 6,
        intervalMs: 300,
        sources,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
        onSample: (s) => live.push(s),
      });
      expect(summary.kinds).toContain('gpus');
      expect(summary.errors).toEqual({});
      const gpusDir = join(rec, 'readings/0006/gpus');
      expect(readFileSync(join(gpusDir, 'query-gpu.csv'), 'utf8')).toBe(
        readFileSync(join(fixtures, 'query-gpu-a10g-t4.csv'), 'utf8'),
      );
      expect(readFileSync(join(gpusDir, 'q-x.xml'), 'utf8')).toBe(
        readFileSync(join(fixtures, 'tesla-t4.xml'), 'utf8'),
      );
      expect(
        JSON.parse(readFileSync(join(gpusDir, 'compute-apps.containers.json'), 'utf8')),
      ).toEqual({ [String(sleeper.pid)]: id, [String(process.pid)]: null });

      const replayed = await collect(replaySamples(rec, { alerts: false }));
      expect(replayed).toHaveLength(5);
      const gpus = (s: PerfSample) => s.gpus as unknown[];
      expect(replayed.map(gpus)).toEqual(live.slice(1).map(gpus));
      const containers = (s: PerfSample) =>
        s.containers?.map((c) => [c.id, c.gpuMemoryBytes]) ?? [];
      expect(replayed.map(containers)).toEqual(live.slice(1).map(containers));
      // By the last reading the answers had come: the T4's slowdown threshold from -q -x, the
      // container's process with its container, the container's GPU memory.
      const last = live[5]!;
      const t4 = (last.gpus as Array<GpuReading & { processMemoryBytes: number }>)[1];
      expect(t4?.slowdownTemperatureCelsius).toBe(93);
      expect(t4?.processes).toEqual([
        { pid: sleeper.pid, usedMemoryBytes: 512 * 2 ** 20, container: id },
      ]);
      // Other containers on this host (discovered beside ours) hold none: 0, not unknown.
      for (const [c, bytes] of containers(last)) expect(bytes).toBe(c === id ? 512 * 2 ** 20 : 0);
      expect(containers(last).map(([c]) => c)).toContain(id);
    }, 30_000);
  },
);
