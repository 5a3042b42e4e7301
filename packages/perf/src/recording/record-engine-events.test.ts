// Record -> replay of an engine's lifecycle on Linux: a constructed engine socket serves podman
// 4.3.1's own /events lines (__fixtures__/PROVENANCE.md) while the host and cgroups are read for
// real; each reading keeps the events that arrived before it, and the replay gives them back in
// order, in its samples.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LifecycleEvent } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSources } from '../config/resolve-sources.js';
import { openRecording } from './open-recording.js';
import { prepareRecordingDir } from './prepare-recording-dir.js';
import { recordSamples } from './record-samples.js';
import { replaySamples } from './replay-samples.js';

const lines = readFileSync(
  new URL('../../__fixtures__/podman/podman_v1.41_events_lifecycle.jsonl', import.meta.url),
  'utf8',
);
const summary = (e: LifecycleEvent) =>
  `${e.name}:${e.type}${e.exitCode === null ? '' : `:${e.exitCode}`}:${e.source}`;
const expected = [
  'exit3:start',
  'exit3:die:3',
  'twice:start',
  'twice:die:1',
  'twice:restart',
  'twice:start',
  'twice:die:1',
  'twice:restart',
  'twice:start',
].map((s) => `${s}:engine`);

describe.skipIf(process.platform !== 'linux')('recording an engine’s /events (Linux)', () => {
  let base: string;
  let server: Server;
  let dir: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'arcbox-rec-events-'));
    const socket = join(base, 'engine.sock');
    let served = false;
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      const json = (status: number, body: string) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(body);
      };
      if (path.startsWith('/events')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        // The stream once, then an engine with nothing more to say (kept open).
        if (!served) {
          served = true;
          res.write(lines);
        } else res.flushHeaders();
        return;
      }
      if (path === '/version')
        return json(200, JSON.stringify({ Components: [{ Name: 'Podman Engine' }] }));
      if (path.startsWith('/containers/json')) return json(200, '[]');
      // A cgroup of this host the engine does not know: inspect answers 404, as podman does.
      return json(404, '{"message":"no such container"}');
    });
    await new Promise<void>((r) => server.listen(socket, r));
    dir = await prepareRecordingDir(join(base, 'rec'), { force: false });
    await recordSamples({
      dir,
      count: 3,
      intervalMs: 300,
      sources: resolveSources({
        sources: {
          docker: { socket },
          vms: { enabled: false },
          filesystems: { enabled: false },
          processes: { enabled: false },
        },
      }),
    });
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(base, { recursive: true, force: true });
  });

  it('each reading keeps the events that arrived before it: all of them, in order, once', async () => {
    const recording = await openRecording(dir);
    const all: LifecycleEvent[] = [];
    for (let i = 1; i <= recording.readings; i++) {
      await recording.select(i);
      all.push(...recording.events());
    }
    await recording.close();
    expect(all.map(summary)).toEqual(expected);
  });

  it('the replay gives them in its samples, in order (the first reading’s with the first sample)', async () => {
    const events: LifecycleEvent[] = [];
    for await (const s of replaySamples(dir, { alerts: false })) events.push(...s.events);
    expect(events.map(summary)).toEqual(expected);
  });
});
