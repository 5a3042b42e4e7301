// Hostile engines on real unix sockets: one that accepts /events and never answers, one that
// answers and drops, one that sends a line past the bound. The watcher reconnects with backoff
// and a timer beside it stays on time.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PerfError } from '@arcbox/perf-core';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEngineEvent, watchEngineEvents } from './watch-engine-events.js';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function engine(onConnection: (socket: Socket) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-events-'));
  dirs.push(dir);
  const path = join(dir, 'engine.sock');
  const server = createServer((socket) => {
    // The watcher may hang up first (aborted, or past a bound): a late write then fails with
    // EPIPE, which is the client's doing, not the test's.
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(path, r));
  return path;
}

const HEADERS =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;

/**
 * Ticks of a 10 ms interval timer while `run` goes on: a loop the watcher stalled (a sync wait
 * on the socket) would tick a few times at most, whatever the machine's load.
 */
async function ticksDuring(run: () => Promise<void>): Promise<number> {
  let ticks = 0;
  const t = setInterval(() => {
    ticks += 1;
  }, 10);
  await run();
  clearInterval(t);
  return ticks;
}

describe('watchEngineEvents against hostile engines', () => {
  it('an engine that accepts and never writes: a timeout, then reconnects with backoff', async () => {
    const sockets: Socket[] = [];
    const path = await engine((s) => sockets.push(s));
    const problems: PerfError[] = [];
    const controller = new AbortController();
    const ticks = await ticksDuring(async () => {
      const done = watchEngineEvents({
        socketPath: path,
        signal: controller.signal,
        onEvent: () => undefined,
        onProblem: (p) => problems.push(p),
        connectTimeoutMs: 100,
        backoff: { initialMs: 50, maxMs: 200 },
      });
      await new Promise((r) => setTimeout(r, 900));
      controller.abort();
      await done;
    });
    for (const s of sockets) s.destroy();
    // 100 ms timeout + 50, 100, 200, 200 ms backoff: 4 or 5 connections in 900 ms, not a storm.
    expect(sockets.length).toBeGreaterThanOrEqual(3);
    expect(sockets.length).toBeLessThanOrEqual(6);
    expect(problems.every((p) => p.code === 'TIMEOUT')).toBe(true);
    // 900 ms of waiting: 90 ticks on an idle loop; a tenth of that even on a loaded machine.
    expect(ticks).toBeGreaterThanOrEqual(9);
  });

  it('an engine that drops the connection after one event: the event arrives, then it reconnects asking since it', async () => {
    const asked: string[] = [];
    // Later than the watch's start, so the renewal asks since it.
    const at = Math.floor(Date.now() / 1000) + 100;
    const line = JSON.stringify({
      Type: 'container',
      Action: 'die',
      Actor: { ID: 'abc', Attributes: { name: 'web-1', exitCode: '3' } },
      time: at,
      timeNano: at * 1e9 + 123_000_000,
    });
    const path = await engine((s) => {
      s.once('data', (d) => {
        asked.push(String(d).split('\r\n')[0] ?? '');
        s.end(`${HEADERS}${chunk(`${line}\n`)}`);
      });
    });
    const events: unknown[] = [];
    const controller = new AbortController();
    const done = watchEngineEvents({
      socketPath: path,
      signal: controller.signal,
      onEvent: (e) => events.push(e),
      backoff: { initialMs: 20, maxMs: 40 },
    });
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    await done;
    expect(events[0]).toEqual({
      time: at * 1000 + 123,
      type: 'die',
      id: 'abc',
      name: 'web-1',
      exitCode: 3,
    });
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(asked[1]).toContain(`since=${at}&`);
  });

  it('a line past the bound drops the connection with a PROTOCOL_ERROR', async () => {
    const path = await engine((s) => {
      s.once('data', () => s.write(`${HEADERS}${chunk('x'.repeat(5000))}`));
    });
    const problems: PerfError[] = [];
    const controller = new AbortController();
    const done = watchEngineEvents({
      socketPath: path,
      signal: controller.signal,
      onEvent: () => undefined,
      onProblem: (p) => {
        problems.push(p);
        controller.abort();
      },
      maxLineBytes: 1024,
    });
    await done;
    expect(problems[0]?.code).toBe('PROTOCOL_ERROR');
  });

  it('no engine at all: CONNECTION_ERROR, and the abort ends the watch', async () => {
    const problems: PerfError[] = [];
    const controller = new AbortController();
    const done = watchEngineEvents({
      socketPath: join(tmpdir(), `arcbox-none-${process.pid}.sock`),
      signal: controller.signal,
      onEvent: () => undefined,
      onProblem: (p) => problems.push(p),
      backoff: { initialMs: 10, maxMs: 10 },
    });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await done;
    expect(problems.length).toBeGreaterThan(2);
    expect(problems[0]?.code).toBe('CONNECTION_ERROR');
  });
});

describe('parseEngineEvent (constructed lines)', () => {
  it('skips what it cannot read', () => {
    expect(parseEngineEvent('not json')).toBeNull();
    expect(parseEngineEvent('{"Action":"exec_start"}')).toBeNull();
    expect(parseEngineEvent('{"Action":"die","Actor":{"ID":"a"}}')).toBeNull(); // no time
    expect(parseEngineEvent('{"status":"oom","id":"abc","time":5}')?.name).toBe('abc');
    expect(
      parseEngineEvent(
        '{"Action":"die","Actor":{"ID":"a","Attributes":{"exitCode":"99999999999"}},"time":1}',
      )?.exitCode,
    ).toBeNull();
  });
});

describe('parseEngineEvent, constructed podman-style line', () => {
  it('reads a `died` action (podman 4.3 names an exit so, seen in the podman test) as die, exit code from containerExitCode too', () => {
    expect(
      parseEngineEvent(
        '{"status":"died","id":"abc","Type":"container","Action":"died","Actor":{"ID":"abc","Attributes":{"containerExitCode":"3","name":"web"}},"time":7}',
      ),
    ).toEqual({ time: 7000, type: 'die', id: 'abc', name: 'web', exitCode: 3 });
  });
});
