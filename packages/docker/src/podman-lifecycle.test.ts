// Exit codes and restart counts from a real engine: podman's Docker-compatible service (the
// lab the Docker-client tests use), read through inspect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PodmanLab, podmanLabMissing, startPodmanLab } from '../test-support/podman-lab.mjs';
import type { ContainerReading } from '@arcbox/perf-core';
import { createDockerClient, type DockerClient } from './docker-client.js';
import { createDockerContainerCollector } from './docker-container-collector.js';
import { createEngineLifecycle } from './engine-lifecycle.js';
import { lifecycleFromInspect } from './lifecycle-from-inspect.js';
import { type EngineEvent, watchEngineEvents } from './watch-engine-events.js';

const why = podmanLabMissing();
const ready = why === null;
const signal = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ready)(`podman inspect lifecycle (skipped: ${ready ? '' : why})`, () => {
  const suffix = `${process.pid}-${Date.now() % 100000}`;
  let lab: PodmanLab | undefined;
  let client: DockerClient;
  const podman = (args: string[], timeout?: number) => lab!.podman(args, timeout);
  const events: EngineEvent[] = [];
  const watch = new AbortController();
  let watching: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    lab = await startPodmanLab({
      prefix: 'arcbox-podlc-',
      image: 'localhost/arcbox-busybox:test',
      applets: ['sh', 'sleep'],
    });
    client = createDockerClient({ socketPath: lab.socket, timeoutMs: 10_000 });
    for (let i = 0; i < 100; i++) {
      const up = await client.version({ signal }).then(
        () => true,
        () => false,
      );
      if (up) break;
      await sleep(100);
    }
    watching = watchEngineEvents({
      socketPath: lab.socket,
      signal: watch.signal,
      onEvent: (e) => events.push(e),
    });
    await sleep(300);
  }, 120_000);

  afterAll(async () => {
    watch.abort();
    await watching;
    if (!lab) return;
    for (const n of [`arcbox-exit3-${suffix}`, `arcbox-flap-${suffix}`, `arcbox-twice-${suffix}`])
      await podman(['rm', '-f', '-t', '0', n]).catch(() => undefined);
    await lab.stop();
  }, 60_000);

  it('a container that exits with code 3 reads exited, exit code 3, not OOM-killed', async () => {
    const name = `arcbox-exit3-${suffix}`;
    await podman([
      'run',
      '--name',
      name,
      '--network',
      'none',
      'localhost/arcbox-busybox:test',
      'sh',
      '-c',
      'exit 3',
    ]).catch(
      () => undefined, // podman run passes the exit code on: 3 is expected here
    );
    const inspect = await client.inspect(name, { signal });
    expect(inspect).not.toBeNull();
    expect(lifecycleFromInspect(inspect!)).toEqual({
      state: 'exited',
      exitCode: 3,
      oomKilled: false,
      restartCount: 0,
    });
  }, 60_000);

  it('a container whose policy restarts it twice reads restart count 2', async () => {
    const name = `arcbox-flap-${suffix}`;
    await podman([
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      '--restart',
      'on-failure:2',
      'localhost/arcbox-busybox:test',
      'sh',
      '-c',
      'sleep 0.3; exit 1',
    ]);
    let got = lifecycleFromInspect((await client.inspect(name, { signal }))!);
    for (let i = 0; i < 150 && !(got.state === 'exited' && got.restartCount === 2); i++) {
      await sleep(100);
      got = lifecycleFromInspect((await client.inspect(name, { signal }))!);
    }
    expect(got).toEqual({ state: 'exited', exitCode: 1, oomKilled: false, restartCount: 2 });
  }, 60_000);

  it('their die events arrive through /events in order, exit code 3 first, then the flapping one three times', async () => {
    for (let i = 0; i < 50 && events.filter((e) => e.type === 'die').length < 4; i++)
      await sleep(100);
    const ours = new Set([`arcbox-exit3-${suffix}`, `arcbox-flap-${suffix}`]);
    const dies = events.filter((e) => e.type === 'die' && ours.has(e.name));
    expect(dies.map((e) => `${e.name}:${e.exitCode}`)).toEqual([
      `arcbox-exit3-${suffix}:3`,
      `arcbox-flap-${suffix}:1`,
      `arcbox-flap-${suffix}:1`,
      `arcbox-flap-${suffix}:1`,
    ]);
    const times = events.filter((e) => ours.has(e.name)).map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(events.some((e) => e.type === 'start')).toBe(true);
    // The policy's two restarts, each between a die and the next start.
    expect(
      events.filter((e) => e.type === 'restart' && e.name === `arcbox-flap-${suffix}`),
    ).toHaveLength(2);
  }, 30_000);

  it('the container collector reads restart count 2 and state running after two policy restarts: refreshed when /events names it, not only at first sight', async () => {
    const name = `arcbox-twice-${suffix}`;
    // Fails its first two runs three seconds in, then stays up: the writable layer keeps /n across restarts.
    const script =
      'n=0; [ -f /n ] && read n < /n; n=$((n+1)); echo $n > /n; [ $n -le 2 ] && { sleep 3; exit 1; }; exec sleep 600';
    // Refreshed only by events here (a refresh period far off), so only they can move it.
    const lifecycle = createEngineLifecycle({ client, refreshMs: 3_600_000 });
    const watchThis = new AbortController();
    const watched = watchEngineEvents({
      socketPath: lab!.socket,
      signal: watchThis.signal,
      onEvent: (e) => lifecycle.invalidate(e.id),
    });
    const collector = createDockerContainerCollector({ client, lifecycle });
    try {
      await podman([
        'run',
        '-d',
        '--name',
        name,
        '--network',
        'none',
        '--restart',
        'on-failure:5',
        'localhost/arcbox-busybox:test',
        'sh',
        '-c',
        script,
      ]);
      const seen: (number | null)[] = [];
      let last: ContainerReading | undefined;
      for (let i = 0; i < 200; i++) {
        last = (await collector.collect({ signal })).find((r) => r.name === name);
        if (last) seen.push(last.restartCount ?? null);
        if (last?.restartCount === 2 && last.state === 'running') break;
        await sleep(100);
      }
      expect(last).toMatchObject({ state: 'running', restartCount: 2, exitCode: null });
      // First seen before its second restart, then moved while the collector ran, never back.
      expect(seen[0]).toBeLessThan(2);
      expect(seen).toEqual([...seen].sort((a, b) => (a ?? -1) - (b ?? -1)));
      expect(lifecycleFromInspect((await client.inspect(name, { signal }))!).restartCount).toBe(2);
    } finally {
      watchThis.abort();
      await watched;
    }
  }, 60_000);
});
