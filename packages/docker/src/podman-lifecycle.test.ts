// Exit codes and restart counts from a real engine: podman's Docker-compatible service (the
// lab the Docker-client tests use), read through inspect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PodmanLab, podmanLabMissing, startPodmanLab } from '../test-support/podman-lab.mjs';
import { createDockerClient, type DockerClient } from './docker-client.js';
import { lifecycleFromInspect } from './lifecycle-from-inspect.js';

const why = podmanLabMissing();
const ready = why === null;
const signal = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ready)(`podman inspect lifecycle (skipped: ${ready ? '' : why})`, () => {
  const suffix = `${process.pid}-${Date.now() % 100000}`;
  let lab: PodmanLab | undefined;
  let client: DockerClient;
  const podman = (args: string[], timeout?: number) => lab!.podman(args, timeout);

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
  }, 120_000);

  afterAll(async () => {
    if (!lab) return;
    for (const n of [`arcbox-exit3-${suffix}`, `arcbox-flap-${suffix}`])
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
});
