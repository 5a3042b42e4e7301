import { execFile as execFileCb } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type GpuReading, PerfError, withTimeout } from '@arcbox/perf-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCgroupContainerCollector } from '../cgroup/cgroup-container-collector.js';
import { type RuncContainer, startRuncContainer } from '../cgroup/testing/runc-container.js';
import { nvidiaReadingsFromRaw } from './assemble-nvidia-readings.js';
import { createNvidiaGpuCollector, type NvidiaGpuCollector } from './nvidia-gpu-collector.js';

const exec = promisify(execFileCb);
const fixtures = new URL('./__fixtures__/', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tick of an old GPU, printed as fast as the shell can: a FIFO nobody read filled with it. */
const backlogLine =
  '0, GPU-00000000-0000-0000-0000-0000000000ff, OLD GPU, 1, 2, 3, 4, 5.5, 6, 7, 8, 9, 10, P0, 0x0000000000000000, 0, 0, 0, 0';

/**
 * A stand-in nvidia-smi (a shell script) that logs each start and, asked for --query-gpu with
 * -lms N, prints the captured csv lines every N ms; `mode` files switch it to dying mid-line or
 * hanging silent. --query-compute-apps prints `apps.csv`, -q -x the real A10G/T4 XML.
 */
function standIn() {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-nvidia-'));
  const log = join(dir, 'spawns.log');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'apps.csv'), readFileSync(join(fixtures, 'compute-apps-t4.csv')));
  writeFileSync(join(dir, 'mode'), 'stream');
  const script = `#!/bin/sh
echo "$*" >> ${log}
case "$*" in
  *--query-compute-apps*) exec cat ${join(dir, 'apps.csv')} ;;
  *-q\\ -x*) exec cat ${join(fixtures, 'tesla-t4.xml')} ;;
esac
ms=1000
prev=
for a in "$@"; do [ "$prev" = "-lms" ] && ms=$a; prev=$a; done
period=$(awk "BEGIN { print $ms / 1000 }")
while :; do
  mode=$(cat ${join(dir, 'mode')})
  case "$mode" in
    hang) exec sleep 1000 ;;
    die) echo stream > ${join(dir, 'mode')}; printf '0, GPU-9a9a6c50-2a47-2f51-a9'; exit 1 ;;
    one) head -n 1 ${join(fixtures, 'query-gpu-a10g-t4.csv')}; sleep "$period"; continue ;;
    backlog) i=0; while [ $i -lt 1000 ]; do printf '%s\\n' "${backlogLine}"; i=$((i + 1)); done; continue ;;
  esac
  cat ${join(fixtures, 'query-gpu-a10g-t4.csv')}
  sleep "$period"
done
`;
  const bin = join(dir, 'nvidia-smi');
  writeFileSync(bin, script);
  chmodSync(bin, 0o755);
  return {
    bin,
    dir,
    setMode: (m: 'stream' | 'hang' | 'die' | 'one' | 'backlog') =>
      writeFileSync(join(dir, 'mode'), m),
    setApps: (text: string) => writeFileSync(join(dir, 'apps.csv'), text),
    streams: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.includes('--query-gpu')),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const round = (c: NvidiaGpuCollector, ms = 2000) =>
  withTimeout((signal) => c.collect({ signal }), ms, 'gpus');

describe('streaming nvidia-smi (stand-in on PATH)', () => {
  let s: ReturnType<typeof standIn>;
  let c: NvidiaGpuCollector | undefined;
  beforeAll(() => {
    s = standIn();
  });
  afterEach(() => {
    void c?.close?.();
    s.setMode('stream');
  });
  afterAll(() => s.dispose());

  it('reads every round from one child: no spawn per round', async () => {
    c = createNvidiaGpuCollector({ command: s.bin, intervalMs: 200, detailIntervalMs: 0 });
    for (let i = 0; i < 8; i++) {
      const gpus = await round(c);
      expect(gpus.map((g) => g.name)).toEqual(['NVIDIA A10G', 'Tesla T4']);
      await sleep(200);
    }
    expect(c.spawns).toBe(1);
    expect(s.streams()).toHaveLength(1);
    expect(s.streams()[0]).toContain('-lms 200');
    expect(s.streams()[0]).toContain('--format=csv,noheader,nounits');
  });

  it('a GPU gone from the stream is gone from the rounds within two periods', async () => {
    c = createNvidiaGpuCollector({ command: s.bin, intervalMs: 200, detailIntervalMs: 0 });
    expect(await round(c)).toHaveLength(2);
    s.setMode('one');
    await sleep(200);
    const started = performance.now();
    let gpus = await round(c);
    while (gpus.length === 2 && performance.now() - started < 2000) {
      await sleep(50);
      gpus = await round(c);
    }
    expect(gpus.map((g) => g.name)).toEqual(['NVIDIA A10G']);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(c.spawns).toBe(1);
  });

  it('fails one round when the child dies mid-line, then reads from a restarted child', async () => {
    c = createNvidiaGpuCollector({
      command: s.bin,
      intervalMs: 200,
      detailIntervalMs: 0,
      restartDelayMs: 50,
    });
    await round(c);
    const before = s.streams().length;
    s.setMode('die');
    await sleep(600);
    const failed = await round(c).then(
      () => null,
      (e: unknown) => e,
    );
    expect(PerfError.isInstance(failed) && failed.code).toBe('COLLECTOR_FAILED');
    const started = performance.now();
    const after = await round(c);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(after.map((g) => g.id)).toEqual([
      'GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94',
      'GPU-d37e67a5-91dd-3774-a5cb-99096249601a',
    ]);
    expect(s.streams().length).toBe(before + 1);
  });

  it('a silent child trips the round’s timeout, and a collector beside it is not held up', async () => {
    s.setMode('hang');
    c = createNvidiaGpuCollector({ command: s.bin, intervalMs: 200, detailIntervalMs: 0 });
    const started = performance.now();
    const [gpu, other] = await Promise.allSettled([
      round(c, 500),
      (async () => {
        await sleep(10);
        return performance.now() - started;
      })(),
    ]);
    expect(gpu.status).toBe('rejected');
    expect(PerfError.isInstance((gpu as PromiseRejectedResult).reason)).toBe(true);
    expect((gpu as PromiseRejectedResult).reason.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(1500);
    expect((other as PromiseFulfilledResult<number>).value).toBeLessThan(200);
  });

  it('after a backlog (a full FIFO nobody read), returns a tick printed after it, not the backlog', async () => {
    c = createNvidiaGpuCollector({ command: s.bin, intervalMs: 1000, detailIntervalMs: 0 });
    expect(await round(c)).toHaveLength(2);
    // Rounds stop while the child prints far more than the FIFO holds, then blocks in a write.
    s.setMode('backlog');
    await sleep(1500);
    s.setMode('stream');
    const gpus = await round(c, 3000);
    expect(gpus.map((g) => g.name)).toEqual(['NVIDIA A10G', 'Tesla T4']);
    expect(c.spawns).toBe(1);
  });

  it('rounds paused longer than the silence limit, the child printing all along: no restart', async () => {
    c = createNvidiaGpuCollector({ command: s.bin, intervalMs: 200, detailIntervalMs: 0 });
    await round(c);
    // The silence limit is 10 intervals, at least 10 s.
    await sleep(10_500);
    expect(await round(c)).toHaveLength(2);
    await sleep(300);
    expect(await round(c)).toHaveLength(2);
    expect(c.spawns).toBe(1);
  }, 20_000);

  it('a child silent past the limit is killed by the next round and started again', async () => {
    s.setMode('hang');
    c = createNvidiaGpuCollector({
      command: s.bin,
      intervalMs: 200,
      detailIntervalMs: 0,
      restartDelayMs: 50,
    });
    await expect(round(c, 300)).rejects.toThrow(/timed out/);
    await sleep(10_200);
    s.setMode('stream');
    const failed = await round(c, 1000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(PerfError.isInstance(failed) && failed.code).toBe('COLLECTOR_FAILED');
    expect(await round(c)).toHaveLength(2);
    expect(c.spawns).toBe(2);
  }, 20_000);

  it('a command that cannot start fails the round with its reason, and nothing throws elsewhere', async () => {
    c = createNvidiaGpuCollector({
      command: join(s.dir, 'no-such-nvidia-smi'),
      intervalMs: 200,
      detailIntervalMs: 0,
    });
    const failed = await round(c).then(
      () => null,
      (e: unknown) => e,
    );
    expect(PerfError.isInstance(failed) && failed.code).toBe('COLLECTOR_FAILED');
    expect((failed as Error).message).toContain('ENOENT');
  });

  it('adds the slowdown temperature from -q -x and processes from compute apps', async () => {
    c = createNvidiaGpuCollector({
      command: s.bin,
      intervalMs: 200,
      appsIntervalMs: 100,
      detailIntervalMs: 100,
    });
    let t4: GpuReading | undefined;
    for (let i = 0; i < 20 && !(t4?.processes.length && t4.slowdownTemperatureCelsius); i++) {
      t4 = (await round(c))[1];
      await sleep(100);
    }
    expect(t4?.slowdownTemperatureCelsius).toBe(93);
    // Both T4 processes are the host's: no container holds GPU memory.
    expect(c.memoryByContainer()).toEqual(new Map());
    expect(t4?.processes).toEqual([
      { pid: 675, usedMemoryBytes: 22 * 2 ** 20, container: null },
      { pid: 5762, usedMemoryBytes: 1005 * 2 ** 20, container: null },
    ]);
  });

  it('keeps what a round was made from, raw, and rebuilding the round from it gives the same readings', async () => {
    c = createNvidiaGpuCollector({
      command: s.bin,
      intervalMs: 200,
      appsIntervalMs: 100,
      detailIntervalMs: 100,
      keepRaw: true,
    });
    expect(c.lastRaw()).toBeNull();
    let gpus: GpuReading[] = [];
    for (
      let i = 0;
      i < 20 && !(gpus[1]?.processes.length && gpus[1].slowdownTemperatureCelsius);
      i++
    ) {
      gpus = await round(c);
      await sleep(100);
    }
    const raw = c.lastRaw();
    expect(raw?.lines).toEqual(
      readFileSync(join(fixtures, 'query-gpu-a10g-t4.csv'), 'utf8').trim().split('\n'),
    );
    expect(raw?.apps?.containers).toEqual({ 675: null, 5762: null });
    expect(raw?.detail).toBe(readFileSync(join(fixtures, 'tesla-t4.xml'), 'utf8'));
    const stamp = { monotonicMs: 1, time: 2 };
    expect(nvidiaReadingsFromRaw(raw!, stamp)).toEqual(gpus.map((g) => ({ ...g, ...stamp })));
    // Without keepRaw nothing is kept.
    const plain = createNvidiaGpuCollector({
      command: s.bin,
      intervalMs: 200,
      detailIntervalMs: 0,
    });
    await round(plain);
    expect(plain.lastRaw()).toBeNull();
    plain.close?.();
  });

  const runcReady =
    process.getuid?.() === 0 &&
    ['/usr/sbin/runc', '/usr/bin/runc'].some(existsSync) &&
    existsSync('/bin/busybox') &&
    existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  describe.skipIf(!runcReady)(
    `a GPU process in a runc container (${runcReady ? '' : 'needs root, Debian runc, busybox-static and cgroup v1'})`,
    () => {
      let r: RuncContainer;
      beforeAll(async () => {
        r = await startRuncContainer({
          name: `arcbox-gpu-${process.pid}`,
          script: 'sleep 1000',
          memoryLimit: 64 * 2 ** 20,
          pidsLimit: 16,
          throttleBundleDisk: false,
        });
      }, 60_000);
      afterAll(async () => {
        await r?.delete();
      });

      it('is attributed to the container the container collector names', async () => {
        s.setApps(`${r.pid}, GPU-d37e67a5-91dd-3774-a5cb-99096249601a, 512\n`);
        const containers = createCgroupContainerCollector();
        await containers.collect({ signal: new AbortController().signal });
        c = createNvidiaGpuCollector({
          command: s.bin,
          intervalMs: 200,
          appsIntervalMs: 100,
          detailIntervalMs: 0,
          containers: () => containers.discover().map((t) => ({ id: t.id, path: t.path })),
        });
        let procs: unknown[] = [];
        for (let i = 0; i < 20 && procs.length === 0; i++) {
          procs = (await round(c))[1]?.processes ?? [];
          await sleep(100);
        }
        containers.close();
        expect([...(c.memoryByContainer() ?? [])]).toEqual([[r.id, 512 * 2 ** 20]]);
        const pids = JSON.parse((await exec('runc', ['ps', '--format', 'json', r.name])).stdout);
        expect(pids).toContain(r.pid);
        expect(procs).toEqual([{ pid: r.pid, usedMemoryBytes: 512 * 2 ** 20, container: r.id }]);
      }, 30_000);
    },
  );
});
