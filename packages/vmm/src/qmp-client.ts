import { createConnection, type Socket } from 'node:net';
import { PerfError } from '@arcbox/perf-core';
import { QmpCommandError } from './qmp-command-error.js';
import type { QmpCommandOptions, QmpSession } from './qmp-session.js';

/** An asynchronous event QEMU sent (`SHUTDOWN`, `BALLOON_CHANGE`, ...), kept aside from replies. */
export interface QmpEvent {
  event: string;
  data: unknown;
  /** Seconds and microseconds since the epoch, as QEMU stamps it. */
  timestamp: { seconds: number; microseconds: number } | null;
}

export interface QmpGreeting {
  version: { major: number; minor: number; micro: number; package: string } | null;
  capabilities: string[];
}

export interface QmpClientOptions {
  /** Timeout of the connection, greeting and capabilities negotiation, and default per command. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How many recent events are kept; older ones are dropped. */
  maxEvents?: number;
  /** Called for every event as it arrives. */
  onEvent?: (event: QmpEvent) => void;
}

export interface QmpClient extends QmpSession {
  readonly greeting: QmpGreeting;
  /** Events received so far (the most recent `maxEvents`), oldest first. */
  readonly events: readonly QmpEvent[];
  /** Takes the events received so far and forgets them. */
  drainEvents(): QmpEvent[];
}

export const DEFAULT_QMP_TIMEOUT_MS = 2000;
// A reply larger than this without a newline is not QMP; stop buffering it.
const MAX_LINE_BYTES = 16 * 1024 * 1024;

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: PerfError) => void;
}

/**
 * Connects to a QMP unix socket: reads the greeting, negotiates `qmp_capabilities`, then matches
 * replies to commands by `id`. Commands may be sent concurrently (QEMU answers them in order);
 * each has its own timeout and AbortSignal, and a late reply to a timed-out command is dropped.
 */
export async function connectQmp(
  socketPath: string,
  options: QmpClientOptions = {},
): Promise<QmpClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_QMP_TIMEOUT_MS;
  const maxEvents = options.maxEvents ?? 100;
  const pending = new Map<number, Pending>();
  const events: QmpEvent[] = [];
  let nextId = 1;
  let corked = false;
  let closed = false;
  let closeReason: PerfError | null = null;
  let buffered = '';
  let greeting: QmpGreeting | null = null;
  let onGreeting: ((g: QmpGreeting) => void) | null = null;
  let onEarlyFailure: ((e: PerfError) => void) | null = null;

  const socket: Socket = createConnection({ path: socketPath });
  socket.setEncoding('utf8');

  const shutdown = (reason: PerfError) => {
    if (closed) return;
    closed = true;
    closeReason = reason;
    socket.destroy();
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(
        new PerfError('CONNECTION_ERROR', `QMP ${p.command} got no reply: ${reason.message}`, {
          file: socketPath,
          cause: reason,
        }),
      );
    }
    onEarlyFailure?.(reason);
  };

  const handleMessage = (message: Record<string, unknown>) => {
    if ('QMP' in message) {
      greeting = parseGreeting(message.QMP);
      onGreeting?.(greeting);
      return;
    }
    if (typeof message.event === 'string') {
      const event: QmpEvent = {
        event: message.event,
        data: message.data ?? null,
        timestamp: parseTimestamp(message.timestamp),
      };
      events.push(event);
      if (events.length > maxEvents) events.splice(0, events.length - maxEvents);
      options.onEvent?.(event);
      return;
    }
    if (!('return' in message) && !('error' in message)) return; // unknown kind: skip it
    // QEMU echoes the id; a reply without one (a request it could not parse) goes to the oldest.
    const id = typeof message.id === 'number' ? message.id : pending.keys().next().value;
    if (id === undefined) return;
    const p = pending.get(id);
    if (!p) return; // the command already timed out or was aborted
    pending.delete(id);
    if ('error' in message) {
      const error = (message.error ?? {}) as { class?: unknown; desc?: unknown };
      p.reject(
        new QmpCommandError(p.command, String(error.class ?? 'Error'), String(error.desc ?? '')),
      );
    } else p.resolve(message.return);
  };

  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      if (line === '') continue;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch (cause) {
        shutdown(
          new PerfError('PROTOCOL_ERROR', 'QMP sent a line that is not JSON', {
            file: socketPath,
            cause,
          }),
        );
        return;
      }
      if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
        handleMessage(message as Record<string, unknown>);
      }
    }
    if (buffered.length > MAX_LINE_BYTES) {
      shutdown(new PerfError('PROTOCOL_ERROR', 'QMP line too long', { file: socketPath }));
    }
  });
  socket.on('error', (cause) => {
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    shutdown(
      new PerfError('CONNECTION_ERROR', `QMP socket ${code || 'error'}: ${cause.message}`, {
        file: socketPath,
        cause,
      }),
    );
  });
  socket.on('close', () => {
    shutdown(new PerfError('CONNECTION_ERROR', 'QMP socket closed', { file: socketPath }));
  });

  const execute = (
    command: string,
    args?: Record<string, unknown>,
    commandOptions: QmpCommandOptions = {},
  ): Promise<unknown> => {
    if (closed) {
      return Promise.reject(
        new PerfError(
          'CONNECTION_ERROR',
          `QMP ${command}: session closed (${closeReason?.message ?? 'closed'})`,
          {
            file: socketPath,
            cause: closeReason,
          },
        ),
      );
    }
    const signal = commandOptions.signal;
    if (signal?.aborted) {
      return Promise.reject(
        new PerfError('ABORTED', `QMP ${command} was aborted`, { cause: signal.reason }),
      );
    }
    const wait = commandOptions.timeoutMs ?? timeoutMs;
    const id = nextId++;
    return new Promise<unknown>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () =>
        settle(() =>
          reject(
            PerfError.isInstance(signal?.reason)
              ? signal.reason
              : new PerfError('ABORTED', `QMP ${command} was aborted`, { cause: signal?.reason }),
          ),
        );
      const settle = (done: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        pending.delete(id);
        done();
      };
      pending.set(id, {
        command,
        resolve: (value) => settle(() => resolve(value)),
        reject: (error) => settle(() => reject(error)),
      });
      timer = setTimeout(
        () =>
          settle(() =>
            reject(
              new PerfError('TIMEOUT', `QMP ${command} timed out after ${wait} ms`, {
                file: socketPath,
              }),
            ),
          ),
        wait,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      const request =
        args === undefined ? { execute: command, id } : { execute: command, arguments: args, id };
      // Commands issued in the same tick (a reading's Promise.all) leave in one write, so QEMU
      // reads them together instead of waking once per command.
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(() => {
          corked = false;
          socket.uncork();
        });
      }
      socket.write(`${JSON.stringify(request)}\n`);
    });
  };

  const client: QmpClient = {
    get greeting() {
      return greeting ?? { version: null, capabilities: [] };
    },
    get events() {
      return events;
    },
    get closed() {
      return closed;
    },
    drainEvents: () => events.splice(0, events.length),
    execute,
    close: () => shutdown(new PerfError('CONNECTION_ERROR', 'QMP session closed by the caller')),
  };

  // Connect, wait for the greeting, negotiate: all under one timeout and the caller's signal.
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: PerfError) => {
        finish();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new PerfError('TIMEOUT', `no QMP greeting within ${timeoutMs} ms`, {
              file: socketPath,
            }),
          ),
        timeoutMs,
      );
      const onAbort = () =>
        fail(
          new PerfError('ABORTED', 'QMP connection was aborted', {
            file: socketPath,
            cause: options.signal?.reason,
          }),
        );
      const finish = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        onGreeting = null;
        onEarlyFailure = null;
      };
      onGreeting = () => {
        finish();
        resolve();
      };
      onEarlyFailure = fail;
      if (closeReason) fail(closeReason);
      else if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      if (greeting) onGreeting(greeting);
    });
    await execute('qmp_capabilities', undefined, {
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    shutdown(PerfError.from(error, 'CONNECTION_ERROR', 'QMP connection failed'));
    throw error;
  }
  return client;
}

function parseGreeting(value: unknown): QmpGreeting {
  const qmp = (value ?? {}) as {
    version?: { qemu?: Record<string, unknown>; package?: unknown };
    capabilities?: unknown;
  };
  const qemu = qmp.version?.qemu;
  return {
    version: qemu
      ? {
          major: Number(qemu.major),
          minor: Number(qemu.minor),
          micro: Number(qemu.micro),
          package: String(qmp.version?.package ?? ''),
        }
      : null,
    capabilities: Array.isArray(qmp.capabilities) ? qmp.capabilities.map(String) : [],
  };
}

function parseTimestamp(value: unknown): QmpEvent['timestamp'] {
  const t = value as { seconds?: unknown; microseconds?: unknown } | undefined;
  if (typeof t?.seconds !== 'number') return null;
  return { seconds: t.seconds, microseconds: Number(t.microseconds ?? 0) };
}
