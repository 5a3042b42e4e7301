import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { createServer } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type FakeQmpServer,
  fixtureReturn,
  greetingLine,
  startFakeQmpServer,
} from '../test-support/fake-qmp-server.js';
import { connectQmp } from './qmp-client.js';
import { QmpCommandError } from './qmp-command-error.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-qmp-'));
let servers: FakeQmpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const serve = async (
  ...args: Parameters<typeof startFakeQmpServer> extends [string, ...infer R] ? R : never
) => {
  const server = await startFakeQmpServer(join(dir, `s${n++}.qmp`), ...args);
  servers.push(server);
  return server;
};

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return PerfError.isInstance(error) ? error.code : `not a PerfError: ${String(error)}`;
  }
};

describe('connectQmp against a constructed QMP server', () => {
  it('negotiates capabilities and returns a real captured reply', async () => {
    const server = await serve(() => ({
      kind: 'reply',
      value: fixtureReturn('user-netdev/query-cpus-fast.json'),
    }));
    const client = await connectQmp(server.path);
    expect(client.greeting.version).toEqual({
      major: 7,
      minor: 2,
      micro: 22,
      package: 'Debian 1:7.2+dfsg-7+deb12u18+b3',
    });
    const cpus = (await client.execute('query-cpus-fast')) as Array<{ 'thread-id': number }>;
    expect(cpus.map((c) => c['thread-id'])).toEqual([13886, 13887]);
    expect(server.commands).toEqual(['qmp_capabilities', 'query-cpus-fast']);
    client.close();
    expect(client.closed).toBe(true);
  });

  it('matches concurrent commands to their replies and sets events aside', async () => {
    const event =
      '{"timestamp": {"seconds": 1795677071, "microseconds": 5}, "event": "BALLOON_CHANGE", "data": {"actual": 268435456}}';
    const server = await serve((command) => ({ kind: 'reply', value: { echo: command } }), {
      events: [event],
    });
    const seen: string[] = [];
    const client = await connectQmp(server.path, { onEvent: (e) => seen.push(e.event) });
    const replies = await Promise.all(
      ['query-a', 'query-b', 'query-c'].map((c) => client.execute(c)),
    );
    expect(replies).toEqual([{ echo: 'query-a' }, { echo: 'query-b' }, { echo: 'query-c' }]);
    expect(client.events.length).toBe(4); // one per command, qmp_capabilities included
    expect(client.events[0]).toEqual({
      event: 'BALLOON_CHANGE',
      data: { actual: 268435456 },
      timestamp: { seconds: 1795677071, microseconds: 5 },
    });
    expect(seen.length).toBe(4);
    expect(client.drainEvents().length).toBe(4);
    expect(client.events.length).toBe(0);
    client.close();
  });

  it('turns an error object into a QmpCommandError and stays usable', async () => {
    const server = await serve((command) =>
      command === 'query-nothing'
        ? {
            kind: 'error',
            errorClass: 'CommandNotFound',
            desc: 'The command query-nothing has not been found',
          }
        : { kind: 'reply', value: 1 },
    );
    const client = await connectQmp(server.path);
    const error = (await client.execute('query-nothing').then(
      () => null,
      (e: unknown) => e,
    )) as QmpCommandError;
    expect(error).toBeInstanceOf(QmpCommandError);
    expect(error.errorClass).toBe('CommandNotFound');
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.message).toContain('query-nothing has not been found');
    expect(await client.execute('query-ok')).toBe(1);
    client.close();
  });

  it('fails with CONNECTION_ERROR when nobody listens (no socket, or a stale socket file)', async () => {
    expect(await codeOf(connectQmp(join(dir, 'missing.qmp'), { timeoutMs: 5000 }))).toBe(
      'CONNECTION_ERROR',
    );
    const stale = join(dir, 'stale.qmp');
    writeFileSync(stale, ''); // a plain file where the socket should be: connect is refused
    expect(await codeOf(connectQmp(stale, { timeoutMs: 5000 }))).toBe('CONNECTION_ERROR');
  });

  it('times out on a server that accepts but never greets', async () => {
    const server = await serve(() => ({ kind: 'hang' }), { greeting: false });
    expect(await codeOf(connectQmp(server.path, { timeoutMs: 200 }))).toBe('TIMEOUT');
  });

  it('times out one hanging command, drops its late reply, and keeps the session', async () => {
    let hang = true;
    const server = await serve(() => (hang ? { kind: 'hang' } : { kind: 'reply', value: 'ok' }));
    const client = await connectQmp(server.path, { timeoutMs: 1000 });
    expect(await codeOf(client.execute('query-slow', undefined, { timeoutMs: 100 }))).toBe(
      'TIMEOUT',
    );
    hang = false;
    expect(await client.execute('query-fast')).toBe('ok');
    client.close();
  });

  it('rejects pending commands when the server closes mid-reply', async () => {
    const server = await serve(() => ({ kind: 'close-mid-reply' }));
    const client = await connectQmp(server.path);
    expect(await codeOf(client.execute('query-cpus-fast'))).toBe('CONNECTION_ERROR');
    expect(client.closed).toBe(true);
    expect(await codeOf(client.execute('query-again'))).toBe('CONNECTION_ERROR');
  });

  it('honours an AbortSignal', async () => {
    const server = await serve(() => ({ kind: 'hang' }));
    const client = await connectQmp(server.path);
    const controller = new AbortController();
    const pending = client.execute('query-slow', undefined, {
      signal: controller.signal,
      timeoutMs: 30_000,
    });
    controller.abort();
    expect(await codeOf(pending)).toBe('ABORTED');
    const aborted = AbortSignal.abort();
    expect(await codeOf(client.execute('query-x', undefined, { signal: aborted }))).toBe('ABORTED');
    expect(await codeOf(connectQmp(server.path, { signal: aborted }))).toBe('ABORTED');
    client.close();
  });

  it('closes the session with PROTOCOL_ERROR cause on a line that is not JSON', async () => {
    const server = await serve(() => ({ kind: 'raw', text: 'Segmentation fault\r\n' }));
    const client = await connectQmp(server.path);
    const error = (await client.execute('query-x').then(
      () => null,
      (e: unknown) => e,
    )) as PerfError;
    expect(error.code).toBe('CONNECTION_ERROR');
    expect(error.message).toContain('not JSON');
    expect(client.closed).toBe(true);
  });

  it('reassembles messages however the stream is cut (property, real reply text)', async () => {
    const blockstats = fixtureReturn('user-netdev/query-blockstats-t0.json');
    const greeting = `${greetingLine}\r\n`;
    const piecesOf = (text: string, cuts: number[]) => {
      const points = [0, ...cuts.filter((c) => c < text.length).sort((a, b) => a - b), text.length];
      return points.slice(1).map((end, i) => text.slice(points[i], end));
    };
    const cutsArb = fc.uniqueArray(fc.integer({ min: 1, max: 3000 }), { maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(cutsArb, cutsArb, async (greetingCuts, replyCuts) => {
        const path = join(dir, `cut${n++}.qmp`);
        // Constructed server: answers each request by id, writing the text in the generated
        // pieces, one per event-loop turn, with an event before the big reply.
        const server = createServer((socket) => {
          socket.on('error', () => {});
          const send = (pieces: string[]) => {
            const next = () => {
              const piece = pieces.shift();
              if (piece === undefined) return;
              socket.write(piece);
              setImmediate(next);
            };
            next();
          };
          send(piecesOf(greeting, greetingCuts));
          let buffer = '';
          socket.setEncoding('utf8');
          socket.on('data', (chunk: string) => {
            buffer += chunk;
            for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
              const request = JSON.parse(buffer.slice(0, nl)) as { execute: string; id: number };
              buffer = buffer.slice(nl + 1);
              const value = request.execute === 'qmp_capabilities' ? {} : blockstats;
              const text = `{"event": "RESUME", "data": {}}\r\n${JSON.stringify({ return: value, id: request.id })}\r\n`;
              send(piecesOf(text, replyCuts));
            }
          });
        });
        await new Promise<void>((resolve) => server.listen(path, () => resolve()));
        try {
          const client = await connectQmp(path, { timeoutMs: 5000 });
          expect(await client.execute('query-blockstats')).toEqual(blockstats);
          expect(client.events.map((e) => e.event)).toEqual(['RESUME', 'RESUME']);
          client.close();
        } finally {
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      }),
      { numRuns: 40 },
    );
  });
});
