import { openFileBudget } from '../cgroup/open-file-budget.js';

/**
 * How many descriptors the readers of one process may keep open between reads, shared: the
 * container collector's counters and limits and the process collector's `stat` files draw on the
 * same budget, so together they never hold more than it (each taking its own share of the
 * limit, they could hold three quarters of RLIMIT_NOFILE between them).
 */
export interface DescriptorBudget {
  readonly size: number;
  /** Descriptors kept now, across every reader given this budget. */
  readonly kept: number;
  /** Takes one if any is left; false means open, read and close. */
  take(): boolean;
  /** Gives one back (a kept descriptor was closed). */
  give(): void;
}

/** A budget of `size` descriptors; half this process's soft RLIMIT_NOFILE by default (openFileBudget). */
export function createDescriptorBudget(size: number = openFileBudget()): DescriptorBudget {
  if (!Number.isInteger(size) || size < 0)
    throw new RangeError(`descriptor budget must be a non-negative integer, got ${size}`);
  let kept = 0;
  return {
    size,
    get kept() {
      return kept;
    },
    take() {
      if (kept >= size) return false;
      kept += 1;
      return true;
    },
    give() {
      if (kept > 0) kept -= 1;
    },
  };
}
