// A constructed QMP server for tests: it speaks the protocol (greeting, qmp_capabilities, id
// echo) and answers commands from a table, so failure modes QEMU rarely shows on demand
// (refusing, hanging, closing mid-reply, error objects) can be produced. Not a recording.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';

export type FakeBehaviour =
  | { kind: 'reply'; value: unknown }
  | { kind: 'error'; errorClass: string; desc: string }
  | { kind: 'hang' }
  | { kind: 'close-mid-reply' }
  | { kind: 'raw'; text: string };

export interface FakeQmpServer {
  path: string;
  connections: number;
  commands: string[];
  /** Drops every open connection, as QEMU exiting does. */
  dropConnections(): void;
  close(): Promise<void>;
}

export const greetingLine =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}';

/** The `return` of a real captured reply file (first line). */
export function fixtureReturn(relative: string): unknown {
  const text = readFileSync(new URL(`../__fixtures__/qemu/${relative}`, import.meta.url), 'utf8');
  return JSON.parse(text.split('\n')[0] ?? '').return;
}

export async function startFakeQmpServer(
  path: string,
  answer: (command: string, args: Record<string, unknown> | undefined) => FakeBehaviour,
  options: { greeting?: boolean; events?: string[] } = {},
): Promise<FakeQmpServer> {
  const sockets = new Set<Socket>();
  const state: FakeQmpServer = {
    path,
    connections: 0,
    commands: [],
    dropConnections() {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (options.greeting !== false) socket.write(`${greetingLine}\r\n`);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const request = JSON.parse(line) as {
          execute: string;
          arguments?: Record<string, unknown>;
          id?: unknown;
        };
        state.commands.push(request.execute);
        for (const event of options.events ?? []) socket.write(`${event}\r\n`);
        const behaviour: FakeBehaviour =
          request.execute === 'qmp_capabilities'
            ? { kind: 'reply', value: {} }
            : answer(request.execute, request.arguments);
        const id = request.id === undefined ? {} : { id: request.id };
        if (behaviour.kind === 'reply')
          socket.write(`${JSON.stringify({ return: behaviour.value, ...id })}\r\n`);
        else if (behaviour.kind === 'error') {
          socket.write(
            `${JSON.stringify({ error: { class: behaviour.errorClass, desc: behaviour.desc }, ...id })}\r\n`,
          );
        } else if (behaviour.kind === 'raw') {
          socket.write(behaviour.text);
        } else if (behaviour.kind === 'close-mid-reply') {
          socket.end('{"return": [{"cpu-index": 0, "thread');
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return state;
}
