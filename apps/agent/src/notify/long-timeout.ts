import { MAX_TIMER_MS } from '@arcbox/perf-core';

export interface LongTimeout {
  clear(): void;
}

/**
 * `setTimeout` for any delay: Node fires a timer of more than 2^31-1 ms at once (with a
 * warning), so a longer wait is a chain of shorter timers. Unref'd: a pending notification
 * never keeps the process alive.
 */
export function setLongTimeout(run: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout;
  const due = Date.now() + ms;
  const arm = (left: number) => {
    timer = setTimeout(
      () => {
        const rest = due - Date.now();
        if (rest > 0) arm(rest);
        else run();
      },
      Math.min(Math.max(0, left), MAX_TIMER_MS),
    );
    timer.unref();
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
}
