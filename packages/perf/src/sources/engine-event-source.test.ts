// A constructed engine on a real unix socket: its /events line becomes a lifecycle event.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LifecycleEvent } from '@arcbox/perf-core';
import * as docker from '@arcbox/perf-docker';
import { describe, expect, it } from 'vitest';
import { engineEventSource } from './engine-event-source.js';

describe('engineEventSource', () => {
  it('publishes an engine die as a container lifecycle event with its exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcbox-engine-'));
    const path = join(dir, 'engine.sock');
    const at = Math.floor(Date.now() / 1000);
    const line = `${JSON.stringify({
      Type: 'container',
      Action: 'die',
      Actor: { ID: 'abc', Attributes: { name: 'web-1', exitCode: '3' } },
      time: at,
    })}\n`;
    const server = createServer((s) =>
      s.once('data', () =>
        s.write(
          `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`,
        ),
      ),
    );
    await new Promise<void>((r) => server.listen(path, r));
    const controller = new AbortController();
    const got: LifecycleEvent[] = [];
    const touched: string[] = [];
    const done = engineEventSource(docker, path, (id) => touched.push(id))({
      signal: controller.signal,
      publish: (e) => {
        got.push(e);
        controller.abort();
      },
    });
    await done;
    server.close();
    rmSync(dir, { recursive: true, force: true });
    // The container the event names is read again (its restart count, state, exit code).
    expect(touched).toEqual(['abc']);
    expect(got).toEqual([
      {
        time: at * 1000,
        type: 'die',
        kind: 'container',
        id: 'abc',
        name: 'web-1',
        source: 'engine',
        count: 1,
        memoryLimit: null,
        exitCode: 3,
      },
    ]);
  });
});
