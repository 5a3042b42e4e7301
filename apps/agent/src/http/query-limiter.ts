export interface QueryLimiter {
  /**
   * A slot to run in: resolves with its release when one is free, null at once when `maxQueued`
   * are already waiting (the caller answers 429). A waiter whose signal aborts leaves the queue.
   */
  acquire(signal?: AbortSignal): Promise<(() => void) | null>;
  readonly active: number;
  readonly queued: number;
}

/** At most `maxActive` at once and `maxQueued` waiting: a flood of queries waits or is refused. */
export function createQueryLimiter(maxActive: number, maxQueued: number): QueryLimiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active -= 1;
    waiting.shift()?.();
  };
  const grant = () => {
    active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    acquire(signal) {
      if (active < maxActive) return Promise.resolve(grant());
      if (waiting.length >= maxQueued || signal?.aborted) return Promise.resolve(null);
      return new Promise((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', leave);
          resolve(grant());
        };
        const leave = () => {
          const i = waiting.indexOf(wake);
          if (i >= 0) waiting.splice(i, 1);
          resolve(null);
        };
        waiting.push(wake);
        signal?.addEventListener('abort', leave, { once: true });
      });
    },
  };
}
