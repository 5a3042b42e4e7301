import { PerfError } from './perf-error.js';

/**
 * Runs `task` with a signal that aborts after `timeoutMs` or when `signal` aborts, and settles
 * by then even if the task ignores its signal, so one hung source never stalls the others.
 */
export async function withTimeout<T>(
  task: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PerfError('TIMEOUT', `${what} timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    onAbort = () => {
      const error = new PerfError('ABORTED', `${what} was aborted`, { cause: signal?.reason });
      controller.abort(error);
      reject(error);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([task(controller.signal), stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** Throws the signal's reason as a PerfError when it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (!signal?.aborted) return;
  throw PerfError.isInstance(signal.reason)
    ? signal.reason
    : new PerfError('ABORTED', `${what} was aborted`, { cause: signal.reason });
}
