import { PerfError } from './perf-error.js';

export interface SubscribeOptions {
  signal?: AbortSignal;
  /** Values kept for a slow reader; the oldest are dropped beyond this. Default 100. */
  bufferSize?: number;
}

/**
 * Fans values out to any number of `for await` readers (samples, alert events). Each reader has
 * its own bounded buffer, so a stalled one loses its oldest values instead of growing without
 * end or slowing the publisher. Iteration ends on `close()` or when the reader's signal aborts.
 */
export interface Broadcast<T> {
  publish(value: T): void;
  subscribe(options?: SubscribeOptions): AsyncIterable<T>;
  /** Readers currently subscribed (a reader counts from `subscribe()` until it stops). */
  readonly size: number;
  close(): void;
}

interface Reader<T> {
  buffer: T[];
  limit: number;
  wake: (() => void) | null;
  dropped: number;
}

export function createBroadcast<T>(): Broadcast<T> {
  const readers = new Set<Reader<T>>();
  let closed = false;
  return {
    publish(value) {
      if (closed) return;
      for (const r of readers) {
        r.buffer.push(value);
        if (r.buffer.length > r.limit) {
          r.buffer.shift();
          r.dropped += 1;
        }
        r.wake?.();
      }
    },
    get size() {
      return readers.size;
    },
    subscribe(options = {}) {
      const { signal } = options;
      const reader: Reader<T> = {
        buffer: [],
        limit: options.bufferSize ?? 100,
        wake: null,
        dropped: 0,
      };
      if (!(reader.limit >= 1)) {
        throw new PerfError('INVALID_ARGUMENT', 'bufferSize must be at least 1', {
          field: 'bufferSize',
        });
      }
      // Registered now, not at the first next(), so nothing published in between is missed.
      const onAbort = () => reader.wake?.();
      const leave = () => {
        readers.delete(reader);
        signal?.removeEventListener('abort', onAbort);
        reader.buffer.length = 0;
      };
      if (!signal?.aborted) {
        readers.add(reader);
        signal?.addEventListener('abort', onAbort, { once: true });
      }
      const iterator: AsyncIterator<T> = {
        async next() {
          while (true) {
            if (signal?.aborted) break;
            if (reader.buffer.length > 0) return { done: false, value: reader.buffer.shift() as T };
            if (closed) break;
            await new Promise<void>((resolve) => {
              reader.wake = resolve;
            });
            reader.wake = null;
          }
          leave();
          return { done: true, value: undefined };
        },
        async return() {
          leave();
          return { done: true, value: undefined };
        },
      };
      return { [Symbol.asyncIterator]: () => iterator };
    },
    close() {
      closed = true;
      for (const r of readers) r.wake?.();
    },
  };
}
